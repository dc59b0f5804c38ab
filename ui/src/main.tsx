import { render } from "solid-js/web";
import { Desk } from "./desk/Desk";
import { tauriApi } from "./lib/api";
import "./styles.css";

const root = document.getElementById("root");
if (root) render(() => <Desk api={tauriApi} />, root);
