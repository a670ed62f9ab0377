import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = fileURLToPath(new URL(".", import.meta.url));

// Built into the server's wwwroot/app (served at /app; "/" and "/source" serve the two pages).
// No inline script or style is emitted, so the page runs under script-src 'self' / style-src 'self'.
export default defineConfig({
  base: "/app/",
  build: {
    outDir: resolve(here, "../Explorer.Server/wwwroot/app"),
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: {
        index: resolve(here, "index.html"),
        source: resolve(here, "source.html"),
      },
    },
  },
  worker: { format: "es" },
  server: {
    proxy: {
      "/api": "http://localhost:5080",
      "/hubs": { target: "http://localhost:5080", ws: true },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
