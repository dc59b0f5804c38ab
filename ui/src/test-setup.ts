import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";

afterEach(cleanup);

// jsdom lays nothing out: give elements the size of a desktop window, so that the virtualized
// session list renders the rows a window would show.
for (const [name, size] of [["offsetHeight", 800], ["clientHeight", 800], ["offsetWidth", 340], ["clientWidth", 340]] as const) {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => size });
}

// uPlot reads the display's pixel ratio through matchMedia when it loads; jsdom has none. (It
// has no canvas either, so the monitor's chart draws nothing here and its table is tested.)
window.matchMedia ??= ((query: string) => ({
  matches: false,
  media: query,
  onchange: null,
  addListener: () => {},
  removeListener: () => {},
  addEventListener: () => {},
  removeEventListener: () => {},
  dispatchEvent: () => false,
})) as typeof window.matchMedia;
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
