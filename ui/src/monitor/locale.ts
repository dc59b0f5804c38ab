// WebKitGTK reports the POSIX locale as "C" when LANG=C (a server, a CI runner, a minimal
// desktop), a language tag Intl refuses; uPlot formats numbers with navigator.language as soon
// as it loads, so the whole window would fail. Imported first, this falls back to en-US.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
}
