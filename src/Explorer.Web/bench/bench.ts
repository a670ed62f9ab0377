// The benchmark page: a synthetic graph in the app's own model, renderer (with its reducers), layout worker
// and live-sync code. bench/run.mjs drives it in headless Chromium and prints the figures.
import "./bench.css";
import { Layout } from "../src/layout";
import { QUERY_PART, ViewModel } from "../src/model";
import { Renderer } from "../src/renderer";
import { LiveSync } from "../src/sync";
import { NODE_KINDS, type ChangeEvent, type EdgeRecord, type NodeRecord } from "../src/types";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
};
const p95 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : NaN;
};
const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** Deterministic pseudo-random numbers, so every run draws the same graph. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function synthetic(nodeCount: number, edgeCount: number): { nodes: NodeRecord[]; edges: EdgeRecord[] } {
  const random = rng(42);
  const nodes: NodeRecord[] = Array.from({ length: nodeCount }, (_, i) => ({
    id: `n${i}`, kind: NODE_KINDS[i % NODE_KINDS.length]!, name: `Node ${i}`, aliases: [], description: "",
  }));
  const edges: EdgeRecord[] = [];
  for (let i = 0; i < edgeCount; i++) {
    // Mostly local edges (clustered ids) plus some long-range ones, like real neighborhoods.
    const source = Math.floor(random() * nodeCount);
    const target = random() < 0.8 ? (source + 1 + Math.floor(random() * 50)) % nodeCount : Math.floor(random() * nodeCount);
    edges.push({ id: `e${i}`, type: "PARTNERED_WITH", source: `n${source}`, target: `n${target}`, evidence: [] });
  }
  return { nodes, edges };
}

async function run(): Promise<Record<string, number>> {
  const params = new URLSearchParams(location.search);
  const nodeCount = Number(params.get("nodes") ?? 10000);
  const edgeCount = Number(params.get("edges") ?? 50000);
  const frames = Number(params.get("frames") ?? 120);
  const results: Record<string, number> = { nodes: nodeCount, edges: edgeCount };

  const model = new ViewModel(undefined, rng(7));
  const data = synthetic(nodeCount, edgeCount);
  let t = performance.now();
  model.addToPart(QUERY_PART, data.nodes, data.edges);
  model.sync();
  const random = rng(3);
  model.graph.updateEachNodeAttributes((id, a) => {
    const cluster = Number(id.slice(1)) / 50;
    return { ...a, x: Math.cos(cluster) * cluster + random() * 20, y: Math.sin(cluster) * cluster + random() * 20 };
  });
  results["buildModelMs"] = performance.now() - t;

  t = performance.now();
  const renderer = new Renderer(model.graph, document.getElementById("graph")!, {
    clickNode: () => {}, clickEdge: () => {}, clickStage: () => {}, pinned: () => {},
  });
  results["firstRenderMs"] = performance.now() - t;
  const sigma = renderer.sigma;
  if (params.get("labels") === "0") sigma.setSetting("renderLabels", false);
  if (params.get("edgelabels") === "0") sigma.setSetting("renderEdgeLabels", false);
  if (params.get("edges") === "hide") sigma.setSetting("defaultEdgeType", "line");
  await frame();
  await frame();

  // Pan and zoom: the camera moves every frame; sigma renders once per frame. The JS time of that render
  // (before/afterRender) is main-thread script work; rAF-to-rAF is the full frame including raster.
  const renderTimes: number[] = [];
  let renderStart = 0;
  sigma.on("beforeRender", () => (renderStart = performance.now()));
  sigma.on("afterRender", () => renderTimes.push(performance.now() - renderStart));
  const camera = sigma.getCamera();
  const frameTimes: number[] = [];
  let last = await frame();
  for (let i = 0; i < frames; i++) {
    const phase = (i / frames) * Math.PI * 2;
    camera.setState({ x: 0.5 + 0.2 * Math.cos(phase), y: 0.5 + 0.2 * Math.sin(phase), ratio: 0.6 + 0.4 * Math.sin(phase * 2) ** 2 });
    const now = await frame();
    frameTimes.push(now - last);
    last = now;
  }
  await frame();
  results["panZoomJsMedianMs"] = median(renderTimes);
  results["panZoomJsP95Ms"] = p95(renderTimes);
  results["frameMedianMs"] = median(frameTimes);
  results["frameP95Ms"] = p95(frameTimes);

  // One live delta: LiveSync.receive applying a change that carries its record (rename, then a new node
  // linked to a shown one), plus the partial refresh sigma does for it on the next frame.
  const sync = new LiveSync({
    model,
    fetchNode: async () => null, fetchEdge: async () => null,
    fetchChanges: async (after) => ({ changes: [], last: after }), latestSeq: async () => 0,
    refetchView: async () => {}, applied: () => {},
  });
  sync.baseline(0);
  const applyTimes: number[] = [];
  const renameRender: number[] = [];
  const addRender: number[] = [];
  for (let i = 1; i <= 40; i++) {
    const change: ChangeEvent = i % 2
      ? { seq: i, at: "", kind: "NodeUpserted", entityId: `n${i}`, node: { ...data.nodes[i]!, name: `Renamed ${i}` } }
      : { seq: i, at: "", kind: "NodeUpserted", entityId: `live${i}`, node: { id: `live${i}`, kind: "Theme", name: `Live ${i}`, aliases: [], description: "" } };
    renderTimes.length = 0;
    const start = performance.now();
    await sync.receive(change);
    applyTimes.push(performance.now() - start);
    await frame();
    (i % 2 ? renameRender : addRender).push(renderTimes[0] ?? 0);
  }
  results["deltaApplyMedianMs"] = median(applyTimes);
  results["deltaRenameNextRenderMs"] = median(renameRender);
  results["deltaAddNextRenderMs"] = median(addRender);

  // ForceAtlas2 in its worker: main-thread work per batch it sends back, and long tasks meanwhile.
  if (params.get("layout") !== "0") {
    let longTasks = 0;
    let longTaskMs = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        longTasks++;
        longTaskMs += entry.duration;
      }
    });
    observer.observe({ type: "longtask", buffered: false });
    const layout = new Layout(model.graph, 3000);
    renderTimes.length = 0;
    const started = performance.now();
    layout.start();
    const layoutFrames: number[] = [];
    let previous = await frame();
    while (layout.isRunning) {
      const now = await frame();
      layoutFrames.push(now - previous);
      previous = now;
    }
    // The last positions are written as the layout stops; they are drawn on the next frame. Without waiting
    // for it, a layout whose only write was its last one recorded no render at all (the NaN median).
    await frame();
    await frame();
    observer.disconnect();
    results["layoutSeconds"] = (performance.now() - started) / 1000;
    results["layoutFrameMedianMs"] = median(layoutFrames);
    results["layoutRenderJsMedianMs"] = median(renderTimes);
    results["layoutLongTasks"] = longTasks;
    results["layoutLongTaskMs"] = longTaskMs;
    layout.kill();
  }
  renderer.kill();
  return results;
}

declare global {
  interface Window {
    __bench: Promise<Record<string, number>>;
  }
}

window.__bench = run();
void window.__bench.then((r) => {
  document.getElementById("out")!.textContent = JSON.stringify(r, null, 2);
});
