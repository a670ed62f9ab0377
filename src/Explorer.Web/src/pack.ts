// Disconnected groups closer together on a small view. ForceAtlas2 pushes the groups of a view apart (every node
// repels every other, and only a weak gravity pulls a group back), so the first view's three groups (NATO's
// missions, the African Union's and the UN's, Haiti with the United States) end up far apart: the fit must zoom
// out to frame them, and the middle of the canvas stays empty. After the layout settles, and before labelroom
// parts the labels, this slides each smaller group in a straight line toward the largest one until its box
// (discs and labels at the fitted scale, plus a gap) would touch a box already placed. The groups keep their
// shapes and their sides of the view; a group with a pinned node stays where the analyst left it.

import { boxAt } from "./fit";
import { fittedScale, type LabelItem, type Viewport } from "./labelroom";

/** Screen pixels kept between two groups' boxes. */
export const GROUP_GAP = 28;

interface Bounds {
  left: number;
  right: number;
  bottom: number;
  top: number;
}

/** Node indices grouped by connected component, largest group first (ties: the group of the lower index first). */
export function components(count: number, edges: readonly (readonly [number, number])[]): number[][] {
  const parent = Array.from({ length: count }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const [a, b] of edges) {
    const ra = root(a), rb = root(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const r = root(i);
    const group = groups.get(r);
    if (group) group.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
}

/**
 * New positions (graph coordinates, in the items' order): every group that has no pinned node moved toward the
 * largest group until it nearly touches a group placed before it; nothing moves when there is one group.
 */
export function packComponents(items: readonly LabelItem[], edges: readonly (readonly [number, number])[], viewport: Viewport, labelSize: number, passes = 3): { x: number; y: number }[] {
  const at = items.map(({ x, y }) => ({ x, y }));
  const groups = components(items.length, edges);
  if (groups.length < 2) return at;
  for (let pass = 0; pass < passes; pass++) {
    // The scale the view will be fitted at as it stands: packing only zooms it in, so a gap kept at this scale
    // stays at least as wide on screen.
    const fitted = fittedScale(items.map((item, i) => ({ ...item, ...at[i]! })), viewport, labelSize);
    const pad = GROUP_GAP / 2 / fitted.scale;
    // A group's box in graph units: its nodes' boxes at the fitted scale (fit.ts), less that scale, plus the gap.
    const bounds = (group: readonly number[], dx = 0, dy = 0): Bounds => {
      const b = { left: Infinity, right: -Infinity, bottom: Infinity, top: -Infinity };
      for (const i of group) {
        const box = boxAt({ ...items[i]!, x: at[i]!.x + dx, y: at[i]!.y + dy }, fitted.scale, fitted.unit, labelSize);
        b.left = Math.min(b.left, box.left / fitted.scale - pad);
        b.right = Math.max(b.right, box.right / fitted.scale + pad);
        b.bottom = Math.min(b.bottom, box.top / fitted.scale - pad);
        b.top = Math.max(b.top, box.bottom / fitted.scale + pad);
      }
      return b;
    };
    const overlaps = (a: Bounds, b: Bounds) => a.left < b.right && b.left < a.right && a.bottom < b.top && b.bottom < a.top;
    const pinned = (group: readonly number[]) => group.some((i) => items[i]!.fixed);

    const main = bounds(groups[0]!);
    const target = { x: (main.left + main.right) / 2, y: (main.bottom + main.top) / 2 };
    const placed: Bounds[] = [main, ...groups.slice(1).filter(pinned).map((group) => bounds(group))];
    let moved = false;
    for (const group of groups.slice(1)) {
      if (pinned(group)) continue;
      const own = bounds(group);
      const vx = target.x - (own.left + own.right) / 2, vy = target.y - (own.bottom + own.top) / 2;
      // The step closest to the target at which the group's box is clear of every box placed so far.
      const STEPS = 64;
      let t = 0;
      for (let step = STEPS; step > 0; step--) {
        const candidate = bounds(group, (vx * step) / STEPS, (vy * step) / STEPS);
        if (!placed.some((box) => overlaps(candidate, box))) {
          t = step / STEPS;
          break;
        }
      }
      placed.push(bounds(group, vx * t, vy * t));
      if (t > 0) {
        for (const i of group) {
          at[i]!.x += vx * t;
          at[i]!.y += vy * t;
        }
        moved = true;
      }
    }
    if (!moved) break;
  }
  return at;
}
