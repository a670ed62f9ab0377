// Timing of the label-side pass (src/labelside.ts) on the largest view that draws every label (LABEL_ALL = 100
// nodes): node bench/labelside.mjs [--runs 200]. The pass runs once when the layout settles (Renderer
// makeRoomForLabels, after labelroom.ts's separateLabels), not per frame; its time is printed next to
// separateLabels' on the same views. Views: "stars" (hubs with leaves and a few edges between hubs, as the seed's
// first view, 100 nodes / 120 edges) and "dense" (100 nodes / 300 edges on a small square, where labels cannot all
// be given room and many side moves are taken back). Deterministic (fixed seed).
import { createServer } from "vite";

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(option("runs", "200"));

const server = await createServer({ configFile: false, root: new URL("..", import.meta.url).pathname, server: { middlewareMode: true }, appType: "custom", logLevel: "error" });
const { separateLabels } = await server.ssrLoadModule("/src/labelroom.ts");
const { chooseLabelSides } = await server.ssrLoadModule("/src/labelside.ts");

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const viewport = { width: 1280 - 380, height: 800 - 130, padding: 70 };
const LABEL = 13;

function stars() {
  const items = [];
  const links = [];
  const hubs = 6;
  for (let h = 0; h < hubs; h++) {
    const cx = 40 * Math.cos((2 * Math.PI * h) / hubs), cy = 40 * Math.sin((2 * Math.PI * h) / hubs);
    const hub = items.length;
    items.push({ x: cx, y: cy, radius: 14, labelWidth: 120, fixed: false });
    const leaves = h < 4 ? 16 : 15;
    for (let i = 0; i < leaves; i++) {
      const a = 2 * Math.PI * random();
      items.push({ x: cx + 10 * Math.cos(a), y: cy + 10 * Math.sin(a), radius: 6, labelWidth: 80 + 120 * random(), fixed: false });
      links.push([hub, items.length - 1]);
    }
  }
  while (links.length < 120) links.push([Math.floor(random() * items.length), Math.floor(random() * items.length)]);
  return { items, links };
}

function dense() {
  const items = Array.from({ length: 100 }, () => ({ x: 20 * random(), y: 20 * random(), radius: 6 + 8 * random(), labelWidth: 60 + 160 * random(), fixed: false }));
  const links = Array.from({ length: 300 }, () => [Math.floor(random() * 100), Math.floor(random() * 100)]);
  return { items, links };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
for (const [name, make] of [["stars", stars], ["dense", dense]]) {
  const { items, links } = make();
  const roomTimes = [];
  let placed;
  for (let r = 0; r < Math.max(5, Math.floor(runs / 20)); r++) {
    const t = performance.now();
    placed = separateLabels(items, viewport, LABEL);
    roomTimes.push(performance.now() - t);
  }
  const view = items.map((item, i) => ({ ...item, ...placed[i] }));
  const times = [];
  let sides;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    sides = chooseLabelSides(view, links, viewport, LABEL);
    times.push(performance.now() - t);
  }
  const left = sides.filter(Boolean).length;
  console.log(`${name}: ${items.length} nodes / ${links.length} edges: chooseLabelSides median ${median(times).toFixed(3)} ms, p95 ${p95(times).toFixed(3)} ms (${runs} runs; ${left} labels left); separateLabels median ${median(roomTimes).toFixed(2)} ms`);
}
await server.close();
