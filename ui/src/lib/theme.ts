// The desk's theme: the system's choice, or light or dark as chosen on this desktop. A display
// preference, so it lives in the webview's storage, not in the cache.
export type Theme = "system" | "light" | "dark";

const KEY = "switchboard.theme";

export function savedTheme(): Theme {
  const value = globalThis.localStorage?.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

/** Applies the theme to the page (and remembers it). */
export function applyTheme(theme: Theme, remember = true) {
  const root = document.documentElement;
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
  if (remember) globalThis.localStorage?.setItem(KEY, theme);
}
