import { inferSettings } from "graphology-layout-forceatlas2";
import defaults from "graphology-layout-forceatlas2/defaults.js";
import { graphToByteArrays } from "graphology-layout-forceatlas2/helpers.js";
import type { ExplorerGraph } from "./model";

// Runs ForceAtlas2 in a web worker for a bounded time after the graph's structure changes, writing
// positions back into the graph (sigma redraws on attribute changes). Pinned nodes (fixed) stay put.

/** Floats per node in ForceAtlas2's node matrix (x and y first). */
const NODE_FIELDS = 10;

export class Layout {
  private worker: Worker | null = null;
  private running = false;
  private generation = 0;
  private deadline = 0;
  private matrices: { nodes: Float32Array; edges: Float32Array } | null = null;
  private settings: object = {};
  private lastAssign = 0;
  onStop: (() => void) | null = null;

  constructor(private readonly graph: ExplorerGraph, private readonly budgetMs = 2500) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** (Re)starts the layout on the current graph for the time budget. */
  start(budgetMs = this.budgetMs): void {
    if (this.graph.order < 2) {
      // Nothing to lay out (perhaps the graph emptied while a run was going): settle now.
      this.stop();
      return;
    }
    this.worker ??= this.spawn();
    this.generation++;
    this.settings = { ...defaults, ...inferSettings(this.graph), barnesHutOptimize: this.graph.order > 300, adjustSizes: false, slowDown: 5 };
    this.matrices = graphToByteArrays(this.graph, () => 1);
    this.deadline = performance.now() + budgetMs;
    this.running = true;
    this.post(true);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.onStop?.();
  }

  kill(): void {
    this.stop();
    this.worker?.terminate();
    this.worker = null;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module", name: "forceatlas2" });
    worker.onmessage = (event: MessageEvent<{ generation: number; nodes: ArrayBuffer }>) => this.receive(event.data.generation, event.data.nodes);
    return worker;
  }

  private post(withEdges: boolean): void {
    const matrices = this.matrices!;
    const iterations = this.graph.order > 2000 ? 1 : this.graph.order > 500 ? 3 : 10;
    const message: { generation: number; settings: object; nodes: ArrayBuffer; edges?: ArrayBuffer; iterations: number } = {
      generation: this.generation,
      settings: this.settings,
      nodes: matrices.nodes.buffer as ArrayBuffer,
      iterations,
    };
    const transfer: ArrayBuffer[] = [matrices.nodes.buffer as ArrayBuffer];
    if (withEdges) {
      message.edges = matrices.edges.buffer as ArrayBuffer;
      transfer.push(matrices.edges.buffer as ArrayBuffer);
    }
    this.worker!.postMessage(message, transfer);
  }

  private receive(generation: number, buffer: ArrayBuffer): void {
    const nodes = new Float32Array(buffer);
    // An answer to a batch sent before a restart or stop is stale.
    if (!this.running || generation !== this.generation || !this.matrices) return;
    // The structure may have changed since; the matrix then no longer matches the graph.
    if (nodes.length !== this.graph.order * NODE_FIELDS) {
      this.start(Math.max(500, this.deadline - performance.now()));
      return;
    }
    this.matrices.nodes = nodes;
    // Writing positions rewrites every node and edge in sigma's buffers: on large graphs do it about once a
    // second (the worker keeps iterating meanwhile), on small ones every batch for a smooth animation.
    const now = performance.now();
    const done = now >= this.deadline;
    if (done || this.graph.order <= 2000 || now - this.lastAssign >= 1000) {
      // Positions only, and said so: the renderer then moves nodes without re-indexing the graph (partial.ts).
      let i = 0;
      this.graph.updateEachNodeAttributes((_, attributes) => {
        attributes.x = nodes[i]!;
        attributes.y = nodes[i + 1]!;
        i += NODE_FIELDS;
        return attributes;
      }, { attributes: ["x", "y"] });
      this.lastAssign = now;
    }
    if (done) {
      this.stop();
      return;
    }
    this.post(false);
  }
}
