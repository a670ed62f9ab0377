import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Builds the benchmark page (bench/index.html) into bench/dist; bench/run.mjs serves and drives it.
// BENCH_MINIFY=0: not minified, so allocation samples and profiles name the functions.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, modulePreload: { polyfill: false }, target: "es2022", minify: process.env.BENCH_MINIFY !== "0" },
  worker: { format: "es" },
  logLevel: "warn",
});
