import { defineConfig } from "vitest/config";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  // Tauri serves the built files from its own protocol; relative paths keep them portable.
  base: "./",
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // Two windows, two pages: the monitor's bundle carries no desk code and the desk's no chart.
    rollupOptions: { input: { main: "index.html", monitor: "monitor.html" } },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
  },
  resolve: {
    conditions: ["development", "browser"],
  },
});
