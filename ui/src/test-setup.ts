import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";

afterEach(cleanup);

// jsdom lays nothing out: give elements the size of a desktop window, so that the virtualized
// session list renders the rows a window would show.
for (const [name, size] of [["offsetHeight", 800], ["clientHeight", 800], ["offsetWidth", 340], ["clientWidth", 340]] as const) {
  Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => size });
}
