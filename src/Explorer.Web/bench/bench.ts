// The benchmark page: a synthetic graph in the app's own model, renderer (with its reducers), layout worker
// and live-sync code. bench/run.mjs drives it in headless Chromium and prints the figures.
import "./bench.css";
import { Layout } from "../src/layout";
import { lean, QUERY_PART, ViewModel } from "../src/model";
import { picking, uploads } from "../src/programs";
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
  // profile=1 (run.mjs PROFILE=1): each phase is a console.profile section the runner prints.
  const profiling = params.get("profile") === "1";
  const devtools = console as Console & { profile(name: string): void; profileEnd(name: string): void };
  const profile = (name: string) => profiling && devtools.profile(name);
  const profileEnd = (name: string) => profiling && devtools.profileEnd(name);
  const results: Record<string, number> = { nodes: nodeCount, edges: edgeCount };
  // trace=1 (run.mjs TRACE=...): the runner records a Chromium trace of the 60 live changes; the page waits for it
  // to start and to stop, and marks each change (performance.measure) for bench/trace.mjs.
  const tracing = params.get("trace") === "1";
  const tracePhase = (phase: string) => tracing ? new Promise<void>((resolve) => {
    window.__traceGo = resolve;
    window.__trace = phase;
  }) : Promise.resolve();
  // tracepan=1 (run.mjs TRACE=...): the runner records a second trace, of the pan and zoom below, and the page
  // marks each render in it ("pan N"), so bench/trace.mjs can give each render's main-thread CPU time next to
  // its wall time (which counts the time the thread waited for a core as well).
  const tracingPan = params.get("tracepan") === "1";
  const panPhase = (phase: string) => tracingPan ? new Promise<void>((resolve) => {
    window.__traceGo = resolve;
    window.__trace = phase;
  }) : Promise.resolve();

  // lean=0: this build with the fifth pass's heap savings switched off (the fourth pass as it was); baseline=1 too.
  lean.on = params.get("baseline") !== "1" && params.get("lean") !== "0";
  results["lean"] = lean.on ? 1 : 0;
  // pickcache=1: picking colours through sigma's indexToColor cache (before session 11).
  picking.sigmasCache = params.get("pickcache") === "1";
  results["pickcache"] = picking.sigmasCache ? 1 : 0;
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

  // baseline=1: this build with this pass switched off (every label drawn on every still frame, whole buffers
  // uploaded on any change), for a before/after in the same run.
  const baseline = params.get("baseline") === "1";
  uploads.partial = !baseline;

  t = performance.now();
  const renderer = new Renderer(model.graph, document.getElementById("graph")!, {
    clickNode: () => {}, clickEdge: () => {}, clickStage: () => {}, pinned: () => {},
  });
  results["firstRenderMs"] = performance.now() - t;
  results["baseline"] = baseline ? 1 : 0;
  // (A baseline renderer from an older tree has no `labels`.)
  const labels = (renderer as { labels?: Renderer["labels"] }).labels;
  if (labels) labels.keepStill = !baseline;
  const layers = (renderer as { layers?: Renderer["layers"] }).layers;
  if (layers) layers.keepStill = !baseline;
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
  /** The last render's start and end (performance.now()), for the trace's marks. */
  let lastRender = [0, 0];
  let panning = false;
  sigma.on("afterRender", () => {
    const end = performance.now();
    renderTimes.push(end - renderStart);
    lastRender = [renderStart, end];
    if (panning && tracingPan) performance.measure(`pan ${renderTimes.length}`, { start: renderStart, end });
  });
  const segments = params.get("breakdown") === "1" ? timeSegments(sigma) : null;
  const camera = sigma.getCamera();
  const frameTimes: number[] = [];
  await panPhase("pan");
  let last = await frame();
  panning = true;
  profile("pan");
  if (params.get("pan") === "setstate") {
    // The camera set directly each frame, as no user gesture does (sigma does not count it as moving).
    for (let i = 0; i < frames; i++) {
      const phase = (i / frames) * Math.PI * 2;
      camera.setState({ x: 0.5 + 0.2 * Math.cos(phase), y: 0.5 + 0.2 * Math.sin(phase), ratio: 0.6 + 0.4 * Math.sin(phase * 2) ** 2 });
      const now = await frame();
      frameTimes.push(now - last);
      last = now;
    }
  } else {
    // What a user does: a mouse drag through sigma's own mouse captor (a circle of 300 px, one move per frame),
    // with a wheel zoom every other frame (four in, four out, ...), then the button is released.
    const target = (sigma as unknown as { elements: { mouse: HTMLElement } }).elements.mouse;
    const box = target.getBoundingClientRect();
    const at = (x: number, y: number) => ({ clientX: box.left + x, clientY: box.top + y, bubbles: true, cancelable: true, button: 0 });
    // A corner, inside the stage padding, so the press lands on no node.
    target.dispatchEvent(new MouseEvent("mousedown", at(10, 10)));
    for (let i = 0; i < frames; i++) {
      const phase = ((i + 1) / frames) * Math.PI * 2;
      document.dispatchEvent(new MouseEvent("mousemove", at(10 + 300 * Math.sin(phase), 10 + 300 * (1 - Math.cos(phase)))));
      if (i % 2 === 1) target.dispatchEvent(new WheelEvent("wheel", { ...at(box.width / 2, box.height / 2), deltaY: Math.floor(i / 8) % 2 === 0 ? -120 : 120 }));
      const now = await frame();
      frameTimes.push(now - last);
      last = now;
    }
    document.dispatchEvent(new MouseEvent("mouseup", at(10, 10)));
  }
  await frame();
  profileEnd("pan");
  panning = false;
  const panRenders = [...renderTimes];
  await panPhase("panned");
  // Once the camera stops, the next frame draws every label in full (labelcache.ts): its render on its own.
  renderTimes.length = 0;
  for (let i = 0; i < 20 && (camera.isAnimated() || labels?.moving() || renderTimes.length === 0 || (labels?.cachedFrames ?? 0) > 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    await frame();
  }
  // What the user sees once it settled must be sigma's own full drawing: compare the label layer with a
  // render forced now (every label drawn by sigma, since nothing moves).
  const labelPixels = () => {
    const canvas = (sigma as unknown as { canvasContexts: { labels: CanvasRenderingContext2D } }).canvasContexts.labels;
    return canvas.getImageData(0, 0, canvas.canvas.width, canvas.canvas.height).data;
  };
  let differing = 0;
  if (labels) differing = labels.stalePixels();
  else {
    const settled = labelPixels();
    (sigma as unknown as { render(): void }).render();
    const fresh = labelPixels();
    for (let i = 0; i < fresh.length; i += 4) if (fresh[i] !== settled[i] || fresh[i + 1] !== settled[i + 1] || fresh[i + 2] !== settled[i + 2] || fresh[i + 3] !== settled[i + 3]) differing++;
  }
  results["checkSettledLabelPixelsDiffering"] = differing;
  results["panZoomJsMedianMs"] = median(panRenders);
  results["panZoomJsP95Ms"] = p95(panRenders);
  results["panZoomRenders"] = panRenders.length;
  results["panSettleRenderMs"] = renderTimes.at(-1) ?? NaN;
  results["frameMedianMs"] = median(frameTimes);
  results["frameP95Ms"] = p95(frameTimes);
  if (segments) Object.assign(results, segments.report(panRenders));

  // One live delta: LiveSync.receive applying a change that carries its record (rename, then a new node
  // linked to a shown one), plus the partial refresh sigma does for it on the next frame.
  const sync = new LiveSync({
    model,
    fetchNode: async () => null, fetchEdge: async () => null,
    fetchChanges: async (after) => ({ changes: [], last: after }), latestSeq: async () => 0,
    // What the page does with the canvas after a live change (app/live.ts): ring new nodes, release the frame.
    refetchView: async () => {}, applied: (info) => {
      renderer.flash(info.added);
      sigma.setCustomBBox(null);
    },
  });
  sync.baseline(0);
  const applyTimes: number[] = [];
  const renders = { rename: [] as number[], node: [] as number[], edge: [] as number[] };
  /** Each change's LiveSync.receive plus its next render: the main-thread time the target is about. */
  const withRender = { rename: [] as number[], node: [] as number[], edge: [] as number[] };
  // After each phase (outside the timing; its 4 MB reads would bring garbage collections into the timed frames if
  // done more often): the label layer against sigma's own full drawing, pixel for pixel.
  let staleLabelPixels = 0;
  let labelChecks = 0;
  const checkLabels = () => {
    if (!labels) return;
    staleLabelPixels += labels.stalePixels();
    labelChecks++;
  };
  const partialBefore = labels?.partialFrames ?? 0;
  const keptLayersBefore = layers?.keptLayerFrames ?? 0;
  const drawnLayersBefore = layers?.drawnLayerFrames ?? 0;
  // The live changes are watched where most of them land (the renamed nodes' corner of the graph), zoomed so
  // that labels show there, as an analyst watching that corner would.
  const watched = sigma.getNodeDisplayData("n30");
  if (watched) camera.setState({ x: watched.x, y: watched.y, ratio: 0.3, angle: 0 });
  await frame();
  await frame();
  results["cameraRatio"] = camera.getState().ratio;
  results["labelsShown"] = labels?.drawnLabels().length ?? NaN;
  await tracePhase("delta");
  profile("delta");
  // Renames of shown nodes, new nodes, and new edges linking a new node to a shown one, in turn.
  for (let i = 1; i <= 60; i++) {
    const kind = (["edge", "rename", "node"] as const)[i % 3]!;
    const change: ChangeEvent = kind === "rename"
      ? { seq: i, at: "", kind: "NodeUpserted", entityId: `n${i}`, node: { ...data.nodes[i]!, name: `Renamed ${i}` } }
      : kind === "node"
        ? { seq: i, at: "", kind: "NodeUpserted", entityId: `live${i}`, node: { id: `live${i}`, kind: "Theme", name: `Live ${i}`, aliases: [], description: "" } }
        : { seq: i, at: "", kind: "EdgeUpserted", entityId: `le${i}`, edge: { id: `le${i}`, type: "PARTNERED_WITH", source: `live${i - 1}`, target: `n${(i * 97) % nodeCount}`, evidence: [] } };
    renderTimes.length = 0;
    const start = performance.now();
    await sync.receive(change);
    const applied = performance.now() - start;
    applyTimes.push(applied);
    await frame();
    renders[kind].push(renderTimes[0] ?? 0);
    withRender[kind].push(applied + (renderTimes[0] ?? 0));
    if (tracing) {
      // Marks for bench/trace.mjs: the change's apply and its render, named with what the benchmark timed.
      performance.measure(`apply ${i} ${kind}`, { start, duration: applied });
      if (renderTimes[0] !== undefined) performance.measure(`render ${i} ${kind} ${(applied + renderTimes[0]).toFixed(1)}`, { start: lastRender[0]!, end: lastRender[1]! });
    }
    if (segments && applied + (renderTimes[0] ?? 0) > 8) segments.addSpike("delta", renderTimes[0] ?? 0, results, applied);
  }
  await tracePhase("done");
  checkLabels();
  // Removals: the live edges, then the live nodes (each with what is left of its edges), and some of the
  // original nodes with all of theirs.
  const removals: number[] = [];
  const removed: ChangeEvent[] = [];
  for (let i = 1; i <= 60; i++) if (i % 3 === 0) removed.push({ seq: 0, at: "", kind: "EdgeRemoved", entityId: `le${i}` });
  for (let i = 1; i <= 60; i++) if (i % 3 === 2) removed.push({ seq: 0, at: "", kind: "NodeRemoved", entityId: `live${i}` });
  for (let i = 0; i < 10; i++) removed.push({ seq: 0, at: "", kind: "NodeRemoved", entityId: `n${500 + i * 37}` });
  let seq = 60;
  for (const change of removed) {
    renderTimes.length = 0;
    const start = performance.now();
    await sync.receive({ ...change, seq: ++seq });
    const applied = performance.now() - start;
    await frame();
    removals.push(applied + (renderTimes[0] ?? 0));
    if (segments && applied + (renderTimes[0] ?? 0) > 8) segments.addSpike("remove", renderTimes[0] ?? 0, results, applied);
  }
  checkLabels();
  // With a path highlighted (the usual view after "NATO to Balkans"): everything else dimmed, edge labels on.
  // Renames of shown nodes then, each timed with its render.
  const pathNodes = Array.from({ length: 8 }, (_, i) => `n${(1000 + i * 50) % nodeCount}`);
  const pathEdges = new Set<string>();
  for (const n of pathNodes) model.graph.forEachEdge(n, (e) => void (pathEdges.size < 12 && pathEdges.add(e)));
  renderer.setHighlight({ nodes: new Set(pathNodes), edges: pathEdges, focusEdges: new Set([...pathEdges].slice(0, 3)) });
  await frame();
  await frame();
  const highlighted: number[] = [];
  for (let i = 0; i < 20; i++) {
    const id = i % 2 === 0 ? pathNodes[(i / 2) % pathNodes.length]! : `n${(2000 + i * 13) % nodeCount}`;
    renderTimes.length = 0;
    const start = performance.now();
    await sync.receive({ seq: ++seq, at: "", kind: "NodeUpserted", entityId: id, node: { ...data.nodes[Number(id.slice(1))]!, name: `Highlighted rename ${i}` } });
    const applied = performance.now() - start;
    await frame();
    highlighted.push(applied + (renderTimes[0] ?? 0));
    if (segments && applied + (renderTimes[0] ?? 0) > 8) segments.addSpike("highlight", renderTimes[0] ?? 0, results, applied);
  }
  checkLabels();
  if (labels) results["checkEdgeLabelPixelsDifferingFromSigma"] = labels.edgeLabelPixelsDifferingFromSigma();
  renderer.setHighlight(null);
  await frame();
  results["deltaHighlightedRenameWithRenderMedianMs"] = median(highlighted);
  results["deltaHighlightedRenameWithRenderMaxMs"] = Math.max(...highlighted);
  profileEnd("delta");
  results["checkStaleLabelPixelsAfterLiveChanges"] = staleLabelPixels;
  results["labelChecks"] = labelChecks;
  results["partialLabelFrames"] = (labels?.partialFrames ?? 0) - partialBefore;
  results["partialLabelsRedrawn"] = labels?.redrawnLabels ?? 0;
  results["partialWholeRedraws"] = labels?.wholeRedraws ?? 0;
  results["keptHoverFrames"] = labels?.keptHoverFrames ?? 0;
  // Of the node and edge layers' frames during the live changes, those left as they were and those drawn.
  results["keptWebGLLayerFrames"] = (layers?.keptLayerFrames ?? 0) - keptLayersBefore;
  results["drawnWebGLLayerFrames"] = (layers?.drawnLayerFrames ?? 0) - drawnLayersBefore;
  results["deltaApplyMedianMs"] = median(applyTimes);
  results["deltaRenameNextRenderMs"] = median(renders.rename);
  results["deltaAddNextRenderMs"] = median(renders.node);
  results["deltaEdgeNextRenderMs"] = median(renders.edge);
  results["deltaRemoveWithRenderMedianMs"] = median(removals);
  results["deltaRemoveWithRenderMaxMs"] = Math.max(...removals);
  results["deltaMaxNextRenderMs"] = Math.max(...renders.rename, ...renders.node, ...renders.edge);
  results["deltaRenameWithRenderMedianMs"] = median(withRender.rename);
  results["deltaAddWithRenderMedianMs"] = median(withRender.node);
  results["deltaEdgeWithRenderMedianMs"] = median(withRender.edge);
  const all = [...withRender.rename, ...withRender.node, ...withRender.edge];
  results["deltaWithRenderP95Ms"] = p95(all);
  results["deltaWithRenderMaxMs"] = Math.max(...all);
  results["deltaWithRenderOver16"] = all.filter((v) => v > 16).length;
  results["deltaRemoveWithRenderOver16"] = removals.filter((v) => v > 16).length;
  Object.assign(results, checkSlots(sigma));

  // Let the new nodes' rings expire (a redraw of their own) so the layout's figures are the layout's.
  await new Promise((resolve) => setTimeout(resolve, 4200));

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
    // Layout writes move nodes in place (partial.ts): every slot must still be what a full re-index writes.
    for (const [key, value] of Object.entries(checkSlots(sigma, true))) results[`layout.${key}`] = value;
  }
  // hold=1 (run.mjs SCREENSHOT=...): the canvas stays, to be looked at.
  if (params.get("hold") !== "1") renderer.kill();
  return results;
}

/**
 * breakdown=1: times the parts of each sigma render (re-index, clearing, WebGL programs, picking textures,
 * labels, hover layer) and reports, for renders over 8 ms, where their time went.
 */
function timeSegments(sigma: Renderer["sigma"]) {
  const perRender: Record<string, number>[] = [];
  let current: Record<string, number> = {};
  const wrap = (target: Record<string, unknown>, name: string, label: string) => {
    const original = target[name] as (...args: unknown[]) => unknown;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        current[label] = (current[label] ?? 0) + performance.now() - start;
      }
    };
  };
  const internals = sigma as unknown as Record<string, unknown> & { nodePrograms: Record<string, Record<string, unknown>>; edgePrograms: Record<string, Record<string, unknown>> };
  for (const name of ["process", "clear", "renderLabels", "renderEdgeLabels", "renderHighlightedNodes", "resetWebGLTexture", "resize"]) wrap(internals, name, name);
  // The hover layer's two halves: its Canvas 2D boxes and labels, and its WebGL discs.
  wrap(internals["settings"] as Record<string, unknown>, "defaultDrawNodeHover", "hover.draw");
  for (const [type, program] of Object.entries(internals["nodeHoverPrograms"] as Record<string, Record<string, unknown>>)) wrap(program, "render", `hover.nodes:${type}`);
  for (const [type, program] of Object.entries(internals.nodePrograms)) wrap(program, "render", `nodes:${type}`);
  for (const [type, program] of Object.entries(internals.edgePrograms)) wrap(program, "render", `edges:${type}`);
  sigma.on("beforeRender", () => (current = {}));
  sigma.on("afterRender", () => perRender.push(current));
  return {
    /**
     * A live change over 8 ms (applying it, `apply`, plus its next render, `total`), its render split into parts
     * under `prefix`; `other` is the render's time outside every part timed (its own bookkeeping, WebGL calls
     * outside the programs, a garbage collection that fell in it). Each spike is also listed (`prefix.N`).
     */
    addSpike(prefix: string, total: number, out: Record<string, number>, apply = 0): void {
      const n = (out[`${prefix}SpikeRenders`] ?? 0) + 1;
      out[`${prefix}SpikeRenders`] = n;
      out[`${prefix}SpikeTotalMs`] = (out[`${prefix}SpikeTotalMs`] ?? 0) + total;
      out[`${prefix}Spike.apply`] = (out[`${prefix}Spike.apply`] ?? 0) + apply;
      const parts = total > 0 ? perRender.at(-1) ?? {} : {};
      let timed = 0;
      for (const [k, v] of Object.entries(parts)) {
        out[`${prefix}Spike.${k}`] = (out[`${prefix}Spike.${k}`] ?? 0) + v;
        timed += v;
      }
      out[`${prefix}Spike.other`] = (out[`${prefix}Spike.other`] ?? 0) + Math.max(0, total - timed);
      if (n <= 6) {
        const top = Object.entries(parts).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([k, v]) => `${k}:${v.toFixed(1)}`).join(",");
        // (A number-valued summary for run.mjs: apply + render, the render's largest part listed by name.)
        out[`${prefix}.${n}[apply ${apply.toFixed(1)} render ${total.toFixed(1)} ${top}]`] = apply + total;
      }
    },
    report(renderTimes: number[]): Record<string, number> {
      const out: Record<string, number> = {};
      const spikes = renderTimes.map((t, i) => [t, perRender[perRender.length - renderTimes.length + i]] as const).filter(([t]) => t > 8);
      out["spikeRenders"] = spikes.length;
      for (const [t, parts] of spikes) {
        out["spikeTotalMs"] = (out["spikeTotalMs"] ?? 0) + t;
        for (const [k, v] of Object.entries(parts ?? {})) out[`spike.${k}`] = (out[`spike.${k}`] ?? 0) + v;
      }
      return out;
    },
  };
}

/**
 * After the live changes: does every node's and edge's slot in sigma's WebGL buffers hold what sigma's own
 * writer puts there from its current display data, and is that display data what the reducers give now?
 * (Partial refreshes and appended slots must leave the canvas exactly as a full re-index would.)
 */
function checkSlots(sigma: Renderer["sigma"], positions = false): Record<string, number> {
  type Program = { array?: Float32Array; programs?: { array: Float32Array }[] };
  const internals = sigma as unknown as {
    nodePrograms: Record<string, Program>; edgePrograms: Record<string, Program>;
    nodeIndices: Record<string, number>; edgeIndices: Record<string, number>;
    nodeProgramIndex: Record<string, number>; edgeProgramIndex: Record<string, number>;
    addNodeToProgram(key: string, id: number, slot: number): void; addEdgeToProgram(key: string, id: number, slot: number): void;
  };
  const arrays = () => [...Object.values(internals.nodePrograms), ...Object.values(internals.edgePrograms)]
    .flatMap((p) => (p.programs ? p.programs.map((q) => q.array) : [p.array!]));
  const before = arrays().map((a) => a.slice());
  const graph = sigma.getGraph();
  graph.forEachNode((n) => internals.addNodeToProgram(n, internals.nodeIndices[n]!, internals.nodeProgramIndex[n]!));
  graph.forEachEdge((e) => internals.addEdgeToProgram(e, internals.edgeIndices[e]!, internals.edgeProgramIndex[e]!));
  let staleFloats = 0;
  arrays().forEach((array, i) => array.forEach((v, j) => (staleFloats += v === before[i]![j] || (Number.isNaN(v) && Number.isNaN(before[i]![j]!)) ? 0 : 1)));
  // With positions: also where each node is drawn (after live arrivals placed outside the normalized box, a
  // re-index legitimately moves everything; after a layout write it must not).
  const look = (d: { size?: number; color?: string; label?: string | null; hidden?: boolean; zIndex?: number; x?: number; y?: number } | undefined) =>
    JSON.stringify([d?.size, d?.color, d?.label, d?.hidden, d?.zIndex, positions ? d?.x : 0, positions ? d?.y : 0]);
  const nodesLook = new Map(graph.mapNodes((n) => [n, look(sigma.getNodeDisplayData(n))] as const));
  const edgesLook = new Map(graph.mapEdges((e) => [e, look(sigma.getEdgeDisplayData(e))] as const));
  sigma.refresh();
  const staleLooks = graph.filterNodes((n) => nodesLook.get(n) !== look(sigma.getNodeDisplayData(n))).length
    + graph.filterEdges((e) => edgesLook.get(e) !== look(sigma.getEdgeDisplayData(e))).length;
  return { checkStaleSlotFloats: staleFloats, checkStaleDisplayData: staleLooks };
}

declare global {
  interface Window {
    __bench: Promise<Record<string, number>>;
    __trace?: string;
    __traceGo?: () => void;
  }
}

window.__bench = run();
void window.__bench.then((r) => {
  document.getElementById("out")!.textContent = JSON.stringify(r, null, 2);
});
