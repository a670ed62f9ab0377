// Web benchmark: node bench/run.mjs [--server http://localhost:5080] [--sizes 10000x50000,20000x100000] [--baseline]
// Builds bench/index.html, serves it on a loopback port under the app's CSP, drives the machine's Chromium
// (playwright-core, /usr/bin/chromium, WebGL on SwiftShader) and prints one line per figure. With --server
// (a warm Explorer) it also measures the app's first meaningful paint. Gzipped JS is read from the build.
// --baseline: each size is measured first with the page's baseline=1 switch (this build with the live-change
// pass switched off), then as built, in the same run; each line says the load average before and after it.
// --before '&lean=0': the same with an earlier state the page can switch to (lean=0: the heap savings of the fifth
// pass off; pickcache=1: sigma's picking-colour cache on). HEAP=prefix: a heap snapshot where the live changes start, summarized by bench/heap.mjs.
// ALLOC=1: V8's sampling heap profiler over the 60 live changes (garbage included): bytes allocated per change and
// the functions that allocate them (BENCH_MINIFY=0 keeps their names). JSFLAGS='--flag ...': passed to V8 (to
// diagnose only, e.g. JSFLAGS=--no-memory-reducer; users' browsers run without).
import { execFileSync } from "node:child_process";
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const web = join(here, "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option("sizes", "10000x50000,20000x100000,40000x200000,80000x400000").split(",").map((s) => s.split("x").map(Number));
const server = option("server", "");
const withBaseline = args.includes("--baseline");
// --before '&lean=0': each size is measured first with these page parameters added (an earlier state of this build,
// switched by the page), then as built, in the same run; the line says which.
const before = option("before", "");
const executablePath = process.env.EXPLORER_CHROMIUM || "/usr/bin/chromium";
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self'";

execFileSync(process.execPath, [join(web, "node_modules/vite/bin/vite.js"), "build", "--config", join(here, "vite.config.ts")], { cwd: web, stdio: "inherit" });

const dist = join(here, "dist");
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
const http = createServer((request, response) => {
  const path = join(dist, decodeURIComponent(new URL(request.url, "http://x").pathname));
  if (!path.startsWith(dist) || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream", "Content-Security-Policy": CSP });
  createReadStream(path).pipe(response);
});
await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${http.address().port}`;

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ...(process.env.JSFLAGS ? [`--js-flags=${process.env.JSFLAGS}`] : [])],
});
// PROFILE=1: the page wraps each phase in console.profile(name); Chromium's sampling profiler records it and
// this prints the functions with the most self time per phase (where a frame's main-thread time goes).
async function profileConsoleSections(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  cdp.on("Profiler.consoleProfileFinished", ({ title, profile }) => {
    const self = new Map();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const deltas = profile.timeDeltas;
    let total = 0;
    profile.samples.forEach((id, i) => {
      const f = byId.get(id).callFrame;
      const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
      const ms = (deltas[i + 1] ?? 0) / 1000;
      self.set(key, (self.get(key) ?? 0) + ms);
      total += ms;
    });
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 25));
    console.log(`profile ${title}: ${total.toFixed(0)} ms sampled`);
    for (const [key, ms] of top) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
  });
}

// TRACE=prefix: a Chromium trace (main-thread tasks with wall and thread time, garbage collections, sampled JS
// stacks, GPU-process tasks) of the 60 live changes, written to prefix-<nodes>[-baseline].json; the page waits
// for it to start and stop (bench.ts trace=1). The figures bench/trace.mjs reads from it join the line. The pan
// and zoom before them gets a trace of its own, prefix-<nodes>[...]-pan.json (bench.ts tracepan=1): tracePan*.
const TRACE_CATEGORIES = [
  "toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "v8", "v8.execute",
  "disabled-by-default-v8.gc", "disabled-by-default-v8.cpu_profiler", "gpu",
];
async function traceLiveChanges(page, path) {
  const phase = (name) => page.waitForFunction((p) => window.__trace === p, name, { polling: 200, timeout: 0 });
  // First the pan and zoom, in a trace of its own (path-pan.json): each render's main-thread CPU time.
  await phase("pan");
  const panPath = path.replace(/\.json$/, "-pan.json");
  await browser.startTracing(page, { path: panPath, categories: TRACE_CATEGORIES });
  await page.evaluate(() => window.__traceGo());
  await phase("panned");
  await browser.stopTracing();
  await page.evaluate(() => window.__traceGo());
  const { summarize, summarizePan } = await import("./trace.mjs");
  const pan = summarizePan(JSON.parse(readFileSync(panPath, "utf8")));
  await phase("delta");
  await browser.startTracing(page, { path, categories: TRACE_CATEGORIES });
  await page.evaluate(() => window.__traceGo());
  await phase("done");
  await browser.stopTracing();
  await page.evaluate(() => window.__traceGo());
  return { ...pan, ...summarize(JSON.parse(readFileSync(path, "utf8")), { quiet: true }).figures };
}

// HEAP=prefix: a heap snapshot of the page as the live changes are about to start (the page waits, as for a
// trace), written to prefix-<nodes>[-baseline].heapsnapshot; bench/heap.mjs prints what it holds. Not a timing run:
// taking the snapshot collects garbage first, and the page is closed after it (no figures but the heap's).
async function heapAtLiveChanges(page, path) {
  const phase = (name) => page.waitForFunction((p) => window.__trace === p, name, { polling: 200, timeout: 0 });
  await phase("delta");
  const cdp = await page.context().newCDPSession(page);
  const chunks = [];
  cdp.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => chunks.push(chunk));
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false, captureNumericValue: false });
  const text = chunks.join("");
  writeFileSync(path, text);
  const { summarizeHeap } = await import("./heap.mjs");
  const { figures, lines } = summarizeHeap(JSON.parse(text), { top: Number(process.env.HEAP_TOP ?? 40), retainers: Number(process.env.HEAP_RETAINERS ?? 0) });
  for (const line of lines) console.log(line);
  await cdp.detach();
  return figures;
}

// ALLOC=1: what the live changes allocate (V8's sampling heap profiler, objects a GC already collected included,
// since garbage is what makes V8 collect), by the function that allocated it, with its two callers.
async function allocationsOfLiveChanges(page) {
  const phase = (name) => page.waitForFunction((p) => window.__trace === p, name, { polling: 200, timeout: 0 });
  await phase("delta");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await page.evaluate(() => window.__traceGo());
  await phase("done");
  const { profile } = await cdp.send("HeapProfiler.stopSampling");
  await page.evaluate(() => window.__traceGo());
  await cdp.detach();
  const sites = new Map();
  let total = 0;
  const frameName = (f) => `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  const walk = (node, stack) => {
    const here = [frameName(node.callFrame), ...stack];
    if (node.selfSize > 0) {
      const key = here.slice(0, 3).join(" < ");
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  console.log(`allocated during the 60 live changes (sampled): ${(total / 1024).toFixed(0)} KiB, ${(total / 60 / 1024).toFixed(1)} KiB a change`);
  for (const [key, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.ALLOC_TOP ?? 30))) {
    console.log(`${(bytes / 1024).toFixed(1).padStart(9)} KiB  ${key}`);
  }
  return { allocLiveChangesKiB: total / 1024, allocPerChangeKiB: total / 60 / 1024 };
}

const fmt = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const results = [];
try {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  const variants = [...(withBaseline ? [{ baseline: true, extra: "", name: "-baseline", title: " (baseline)" }] : []),
    ...(before ? [{ baseline: false, extra: before, name: "-before", title: ` (before: ${before})` }] : []),
    { baseline: false, extra: "", name: "", title: "" }];
  for (const [nodes, edges] of sizes) for (const { baseline, extra, name, title } of variants) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    if (process.env.PROFILE) await profileConsoleSections(page);
    const loadBefore = load();
    await page.goto(`${base}/index.html?nodes=${nodes}&edges=${edges}&layout=${nodes <= 20000 && !process.env.NO_LAYOUT ? 1 : 0}&frames=${process.env.FRAMES ?? 120}${process.env.PROFILE ? "&profile=1" : ""}${baseline ? "&baseline=1" : ""}${process.env.SCREENSHOT ? "&hold=1" : ""}${process.env.TRACE || process.env.HEAP || process.env.ALLOC ? "&trace=1" : ""}${process.env.TRACE ? "&tracepan=1" : ""}${process.env.EXTRA ?? ""}${extra}`);
    const traced = process.env.TRACE ? traceLiveChanges(page, `${process.env.TRACE}-${nodes}${name}.json`)
      : process.env.HEAP ? heapAtLiveChanges(page, `${process.env.HEAP}-${nodes}${name}.heapsnapshot`)
        : process.env.ALLOC ? allocationsOfLiveChanges(page) : null;
    const r = process.env.HEAP ? { nodes, edges } : await page.evaluate(() => window.__bench);
    if (traced) {
      const threads = await traced;
      for (const [k, v] of Object.entries(threads)) r[k] = v;
    }
    // SCREENSHOT=prefix: the canvas as the run left it, to look at.
    if (process.env.SCREENSHOT) await page.screenshot({ path: `${process.env.SCREENSHOT}-${nodes}${name}.png` });
    if (!baseline && !extra) results.push(r);
    console.log(`graph ${nodes} nodes / ${edges} edges${title}, load average ${loadBefore} -> ${load()}: ` + Object.entries(r).filter(([k]) => k !== "nodes" && k !== "edges").map(([k, v]) => `${k}=${fmt(v)}`).join(" "));
    await page.close();
  }
  const fitting = results.filter((r) => r.frameMedianMs < 33);
  console.log(`largest synthetic graph with median full frame < 33 ms: ${fitting.length ? `${fitting.at(-1).nodes} nodes / ${fitting.at(-1).edges} edges` : "none of the sizes tried"}`);

  if (server) {
    const paints = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server + "/"); // warm-up: server caches, browser HTTP cache cleared below
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const fresh = await context.newPage();
      await fresh.goto(server + "/");
      await fresh.waitForFunction(() => window.__explorer && window.__explorer.firstGraphPaint() > 0);
      paints.push(await fresh.evaluate(() => window.__explorer.firstGraphPaint()));
      await context.close();
    }
    paints.sort((a, b) => a - b);
    console.log(`first meaningful paint of the seed view (navigation start to first frame with nodes, cold page, warm server): median ${fmt(paints[2])} ms (runs: ${paints.map(fmt).join(", ")})`);
  }
} finally {
  await browser.close();
  http.close();
}

const assets = join(web, "../Explorer.Server/wwwroot/app/assets");
try {
  const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
  const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  console.log(`app JS (${js.length} files in wwwroot/app/assets): ${(gz / 1024).toFixed(1)} KB gzipped`);
} catch {
  console.log("app JS size: build the app first (npm run build)");
}
