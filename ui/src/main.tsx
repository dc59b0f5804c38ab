import { render } from "solid-js/web";
import { Desk } from "./desk/Desk";
import { tauriApi } from "./lib/api";
import { applyTheme, savedTheme } from "./lib/theme";
import "./styles.css";

applyTheme(savedTheme(), false);

const root = document.getElementById("root");
if (root) render(() => <Desk api={tauriApi} />, root);
