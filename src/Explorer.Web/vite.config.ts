import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = fileURLToPath(new URL(".", import.meta.url));

// vitest 5's reporter lists a failed test's errors with Map.groupBy (Node 21+). On Node 20 (this team's machines)
// the report itself then throws, and the failure's message is never printed. A faithful stand-in for Node 20 only.
const maps = Map as unknown as { groupBy?: unknown };
if (typeof maps.groupBy !== "function") {
  maps.groupBy = <K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> => {
    const groups = new Map<K, T[]>();
    let index = 0;
    for (const item of items) {
      const k = key(item, index++);
      const group = groups.get(k);
      if (group) group.push(item);
      else groups.set(k, [item]);
    }
    return groups;
  };
}

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
