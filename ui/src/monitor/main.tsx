import "./locale";
import { render } from "solid-js/web";
import { Monitor } from "./Monitor";
import { tauriMonitorApi } from "./api";
import { applyTheme, savedTheme } from "../lib/theme";
import "../styles.css";
import "./monitor.css";

applyTheme(savedTheme(), false);

const root = document.getElementById("root");
if (root) render(() => <Monitor api={tauriMonitorApi} focus={decodeURIComponent(location.hash.slice(1))} />, root);
