// Which side of its node a label goes on. On a view that draws every label, a label sits right of its node; when
// the node's edges leave it to the right (a hub whose neighbours lie east of it, a leaf whose only edge runs that
// way), they run through the text, which is then hard to read. After labelroom.ts has made room for the labels,
// this moves a label to the left of its node where fewer edges cross it there and the left is clear of other
// nodes; then it takes back moves that made labels overlap at the scale the view will be fitted at (the widest
// label first; the one reaching furthest out of the view first when the view zoomed out for it). Pure geometry,
// and deterministic: a tie keeps the label on the right.

import { LABEL_GAP, radiusAt, type Rect } from "./fit";
import { box, fittedScale, MARGIN, overlap, type Box, type LabelItem, type Viewport } from "./labelroom";

/**
 * Whether the segment from (x1, y1) to (x2, y2) meets the rectangle (inside or on its border): the segment is
 * clipped to the rectangle's slabs along x and y (Liang–Barsky) and meets it if something is left.
 */
export function segmentMeetsBox(x1: number, y1: number, x2: number, y2: number, box: Rect): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  // Each side of the box as p·t <= q (the part of the segment inside that side's half-plane).
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, x1 - box.left) && clip(dx, box.right - x1) && clip(-dy, y1 - box.top) && clip(dy, box.bottom - y1) && t0 <= t1;
}

/** The box of a label's text (without its node's disc) on one side of a node at (x, y) with this disc radius, in screen pixels. */
function textBox(x: number, y: number, radius: number, width: number, labelSize: number, left: boolean): Rect {
  const half = labelSize / 2 + 2;
  const near = radius + LABEL_GAP;
  return left ? { left: x - near - width, right: x - near, top: y - half, bottom: y + half } : { left: x + near, right: x + near + width, top: y - half, bottom: y + half };
}

/** Whether a disc of this radius (plus MARGIN) at (x, y) meets the rectangle. */
function discMeetsBox(x: number, y: number, radius: number, box: Rect): boolean {
  const dx = Math.max(box.left - x, 0, x - box.right);
  const dy = Math.max(box.top - y, 0, y - box.bottom);
  const reach = radius + MARGIN;
  return dx * dx + dy * dy < reach * reach;
}

/** Whether two items' boxes (disc and label, on their sides) overlap, or come closer than `margin`, at this scale. */
function meet(a: LabelItem, p: Box, b: LabelItem, q: Box, scale: number, margin: number): boolean {
  const [x, y] = overlap(a, p, b, q, scale);
  return x + margin > 0 && y + margin > 0;
}

/**
 * For each item (graph coordinates, as labelroom.ts places them), whether its label goes left of its node: where
 * fewer of the edges (`links`: index pairs, drawn as straight segments between node centres) cross the label's
 * text box there than on the right, at the scale the view is fitted at, and the left box is clear of every other
 * node's disc by MARGIN. Moves that make two boxes overlap at the scale the view is then fitted at (which the
 * moves can change) are taken back until no pair overlaps that did not with every label on the right: the widest
 * moved label of such a pair first; when only labels that stayed overlap (the view zoomed out for a label moved
 * out past its edge), the label reaching furthest out of the view first. The items' own labelLeft is ignored:
 * every label starts on the right.
 */
export function chooseLabelSides(items: readonly LabelItem[], links: readonly (readonly [number, number])[], viewport: Viewport, labelSize: number): boolean[] {
  const n = items.length;
  const left = new Array<boolean>(n).fill(false);
  if (n === 0) return left;
  const right = items.map((item) => ({ ...item, labelLeft: false }));
  const fitted = fittedScale(right, viewport, labelSize);
  const { scale, unit } = fitted;
  // Screen pixels at the fitted scale (y down, as drawn).
  const xs = items.map((item) => item.x * scale);
  const ys = items.map((item) => -item.y * scale);
  const radii = items.map((item) => radiusAt(item.radius, scale, unit));
  // Each drawn segment once (two edges between the same nodes are one line), and no loops.
  const segments: [number, number][] = [];
  const seen = new Set<number>();
  for (const [a, b] of links) {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) continue;
    const key = Math.min(a, b) * n + Math.max(a, b);
    if (seen.has(key)) continue;
    seen.add(key);
    segments.push([a, b]);
  }
  const crossings = (box: Rect) => {
    let count = 0;
    for (const [a, b] of segments) if (segmentMeetsBox(xs[a]!, ys[a]!, xs[b]!, ys[b]!, box)) count++;
    return count;
  };
  let moved = false;
  for (let i = 0; i < n; i++) {
    const width = items[i]!.labelWidth;
    if (width <= 0) continue;
    const leftBox = textBox(xs[i]!, ys[i]!, radii[i]!, width, labelSize, true);
    const onLeft = crossings(leftBox);
    if (onLeft >= crossings(textBox(xs[i]!, ys[i]!, radii[i]!, width, labelSize, false))) continue;
    let clear = true;
    for (let j = 0; j < n && clear; j++) if (j !== i && discMeetsBox(xs[j]!, ys[j]!, radii[j]!, leftBox)) clear = false;
    if (!clear) continue;
    left[i] = true;
    moved = true;
  }
  if (!moved) return left;

  // Take back moves that made labels overlap at the new fitted scale. A moved label is to keep MARGIN from the
  // others, as labelroom.ts keeps them; two labels that stayed are only not to overlap (a view fitted a little
  // smaller, as a label moved out past its edge makes it, brings them a little closer). Pairs as they were with
  // every label on the right are left alone.
  const rightBoxes = right.map((item) => box(item, labelSize, fitted));
  const wasClose = new Set<number>();
  const wasOverlapping = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (meet(right[i]!, rightBoxes[i]!, right[j]!, rightBoxes[j]!, scale, MARGIN)) wasClose.add(i * n + j);
      if (meet(right[i]!, rightBoxes[i]!, right[j]!, rightBoxes[j]!, scale, 0)) wasOverlapping.add(i * n + j);
    }
  }
  // How far left of the view (every label on the right, at that fit) each label would reach on the left.
  let viewLeft = Infinity;
  for (let i = 0; i < n; i++) viewLeft = Math.min(viewLeft, right[i]!.x * scale - rightBoxes[i]!.left);
  const beyond = (i: number) => viewLeft - (items[i]!.x * scale - box({ ...items[i]!, labelLeft: true }, labelSize, fitted).left);
  /** The first of these by `key` (largest), then the widest label, then the first. */
  const first = (candidates: readonly number[], key: (i: number) => number) => {
    let best = -1;
    for (const i of candidates) {
      if (best < 0) {
        best = i;
        continue;
      }
      const a = key(i), b = key(best), w = items[i]!.labelWidth, v = items[best]!.labelWidth;
      if (a > b || (a === b && (w > v || (w === v && i < best)))) best = i;
    }
    return best;
  };
  const width = (i: number) => items[i]!.labelWidth;
  for (;;) {
    // The scale is fitted again once the pairs overlapping at the last fit are cleared (a fit costs more than the pairs).
    const sided = items.map((item, i) => ({ ...item, labelLeft: left[i]! }));
    const now = fittedScale(sided, viewport, labelSize);
    const boxes = sided.map((item) => box(item, labelSize, now));
    const clash = (i: number, j: number) => {
      const pair = i < j ? i * n + j : j * n + i;
      return left[i] || left[j]
        ? !wasClose.has(pair) && meet(sided[i]!, boxes[i]!, sided[j]!, boxes[j]!, now.scale, MARGIN)
        : !wasOverlapping.has(pair) && meet(sided[i]!, boxes[i]!, sided[j]!, boxes[j]!, now.scale, 0);
    };
    let fresh: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (clash(i, j)) fresh.push([i, j]);
    if (fresh.length === 0) break;
    const moves = left.flatMap((isLeft, i) => (isLeft ? [i] : []));
    if (fresh.every(([i, j]) => !left[i] && !left[j])) {
      // Only labels that stayed now overlap: the fit zoomed out for a label moved out past the view's edge. The
      // one reaching furthest out goes back.
      const furthest = first(moves, beyond);
      if (furthest < 0) break;
      left[furthest] = false;
      continue;
    }
    // Moved labels that overlap others: the widest goes back first, until none overlaps at this scale.
    while (fresh.length > 0) {
      const widest = first(fresh.flatMap(([i, j]) => [i, j]).filter((i) => left[i]), width);
      if (widest < 0) break;
      left[widest] = false;
      sided[widest] = { ...sided[widest]!, labelLeft: false };
      boxes[widest] = box(sided[widest]!, labelSize, now);
      fresh = fresh.filter(([i, j]) => clash(i, j));
    }
  }
  return left;
}
