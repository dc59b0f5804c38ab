// The desk's theme: the system's choice, or light or dark as chosen on this desktop. A display
// preference, so it lives in the webview's storage, not in the cache. The page always carries
// the theme in effect as `data-theme`, so the stylesheet has one dark palette.
export type Theme = "system" | "light" | "dark";

const KEY = "switchboard.theme";
const DARK = "(prefers-color-scheme: dark)";

export function savedTheme(): Theme {
  const value = globalThis.localStorage?.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

let chosen: Theme = "system";
let listening = false;

function systemTheme(): "light" | "dark" {
  return globalThis.matchMedia?.(DARK).matches ? "dark" : "light";
}

function paint() {
  document.documentElement.dataset.theme = chosen === "system" ? systemTheme() : chosen;
}

/** Applies the theme to the page (and remembers it); "system" follows the system's changes. */
export function applyTheme(theme: Theme, remember = true) {
  chosen = theme;
  paint();
  if (!listening && globalThis.matchMedia) {
    listening = true;
    globalThis.matchMedia(DARK).addEventListener("change", () => chosen === "system" && paint());
  }
  if (remember) globalThis.localStorage?.setItem(KEY, theme);
}
