import { describe, expect, it } from "vitest";
import { fittedScale, labelsOverlap, separateLabels, type LabelItem } from "../src/labelroom";
import { boxAt } from "../src/fit";
import { components, GROUP_GAP, packComponents } from "../src/pack";

const viewport = { width: 1000, height: 750, padding: 70 };
const LABEL = 13;

/** A hub and its leaves on a circle (graph units), with the edges hub-leaf as index pairs offset by `first`. */
function star(cx: number, cy: number, leaves: number, r: number, width: number, first: number, fixed = false): { items: LabelItem[]; edges: [number, number][] } {
  const items: LabelItem[] = [{ x: cx, y: cy, radius: 14, labelWidth: 110, fixed }];
  const edges: [number, number][] = [];
  for (let i = 0; i < leaves; i++) {
    const angle = (2 * Math.PI * i) / leaves;
    items.push({ x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle), radius: 6, labelWidth: width, fixed: false });
    edges.push([first, first + 1 + i]);
  }
  return { items, edges };
}

/** The first view's shape: three stars far apart (as ForceAtlas2 leaves them). */
function threeStars(pinThird = false) {
  const a = star(0, 0, 8, 1, 160, 0);
  const b = star(30, 5, 5, 1, 120, 9);
  const c = star(-12, 25, 2, 1, 140, 15, pinThird);
  return { items: [...a.items, ...b.items, ...c.items], edges: [...a.edges, ...b.edges, ...c.edges], groups: [[0, 9], [9, 15], [15, 18]] as const };
}

describe("components", () => {
  it("groups nodes by connection, largest first", () => {
    expect(components(6, [[0, 1], [2, 3], [3, 4]])).toEqual([[2, 3, 4], [0, 1], [5]]);
  });
});

describe("packComponents", () => {
  it("brings far-apart groups together, so the view is fitted closer, each group keeping its shape", () => {
    const { items, edges, groups } = threeStars();
    const before = fittedScale(items, viewport, LABEL).scale;

    const packed = packComponents(items, edges, viewport, LABEL);
    const after = items.map((item, i) => ({ ...item, ...packed[i]! }));

    expect(fittedScale(after, viewport, LABEL).scale).toBeGreaterThan(1.5 * before);
    for (const [start, end] of groups) {
      const dx = packed[start]!.x - items[start]!.x, dy = packed[start]!.y - items[start]!.y;
      for (let i = start; i < end; i++) {
        expect(packed[i]!.x - items[i]!.x).toBeCloseTo(dx, 9);
        expect(packed[i]!.y - items[i]!.y).toBeCloseTo(dy, 9);
      }
    }
    // The largest group is the anchor.
    expect(packed.slice(0, 9)).toEqual(items.slice(0, 9).map(({ x, y }) => ({ x, y })));
    // Labels can still all be given room afterwards.
    const placed = separateLabels(after, viewport, LABEL);
    expect(labelsOverlap(after.map((item, i) => ({ ...item, ...placed[i]! })), viewport, LABEL)).toBe(false);
  });

  it("keeps every group's box (discs and labels, at the scale the view is fitted at) clear of the others", () => {
    const { items, edges, groups } = threeStars();
    const packed = packComponents(items, edges, viewport, LABEL);
    const after = items.map((item, i) => ({ ...item, ...packed[i]! }));
    const { scale, unit } = fittedScale(after, viewport, LABEL);
    const bounds = ([start, end]: readonly [number, number]) => {
      const boxes = after.slice(start, end).map((item) => boxAt(item, scale, unit, LABEL));
      return { left: Math.min(...boxes.map((b) => b.left)), right: Math.max(...boxes.map((b) => b.right)), top: Math.min(...boxes.map((b) => b.top)), bottom: Math.max(...boxes.map((b) => b.bottom)) };
    };
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) {
      const p = bounds(groups[a]!), q = bounds(groups[b]!);
      const apart = Math.max(q.left - p.right, p.left - q.right, q.top - p.bottom, p.top - q.bottom);
      expect(apart).toBeGreaterThanOrEqual(GROUP_GAP - 1e-6);
    }
  });

  it("leaves a group with a pinned node where it is, and a single group alone", () => {
    const { items, edges } = threeStars(true);
    const packed = packComponents(items, edges, viewport, LABEL);
    expect(packed.slice(15)).toEqual(items.slice(15).map(({ x, y }) => ({ x, y })));
    expect(packed[9]).not.toEqual({ x: items[9]!.x, y: items[9]!.y });

    const one = star(3, 4, 4, 2, 100, 0);
    expect(packComponents(one.items, one.edges, viewport, LABEL)).toEqual(one.items.map(({ x, y }) => ({ x, y })));
  });
});
