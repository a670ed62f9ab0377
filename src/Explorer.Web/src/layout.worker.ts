/// <reference lib="webworker" />
// ForceAtlas2 off the main thread: receives the node and edge matrices, runs a batch of iterations,
// sends the node matrix back (transferred, not copied). Served from 'self' (no blob: worker).
import iterate from "graphology-layout-forceatlas2/iterate.js";

let edges = new Float32Array(0);

self.onmessage = (event: MessageEvent<{ generation: number; settings: object; nodes: ArrayBuffer; edges?: ArrayBuffer; iterations: number }>) => {
  const { generation, settings, iterations } = event.data;
  const nodes = new Float32Array(event.data.nodes);
  if (event.data.edges) edges = new Float32Array(event.data.edges);
  for (let i = 0; i < iterations; i++) iterate(settings, nodes, edges);
  (self as unknown as DedicatedWorkerGlobalScope).postMessage({ generation, nodes: nodes.buffer }, [nodes.buffer]);
};
