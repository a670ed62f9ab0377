import { describe, expect, it } from "vitest";
import { labelsOverlap, separateLabels, type LabelItem } from "../src/labelroom";

const viewport = { width: 1000, height: 750, padding: 70 };
const LABEL = 13;

/** A hub with leaves on a circle of radius `r` (graph units), each with a label `width` pixels long. */
function star(cx: number, cy: number, leaves: number, r: number, width: number): LabelItem[] {
  const items: LabelItem[] = [{ x: cx, y: cy, radius: 14, labelWidth: 110, fixed: false }];
  for (let i = 0; i < leaves; i++) {
    const angle = (2 * Math.PI * i) / leaves;
    items.push({ x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle), radius: 6, labelWidth: width, fixed: false });
  }
  return items;
}

describe("separateLabels", () => {
  it("gives every label of three far-apart stars room at the fitted scale", () => {
    // The first view's shape: NATO's missions, the African Union's, the UN's, far apart from each other.
    const items = [...star(0, 0, 8, 1, 160), ...star(30, 5, 5, 1, 120), ...star(-12, 25, 2, 1, 140)];
    expect(labelsOverlap(items, viewport, LABEL)).toBe(true);

    const placed = separateLabels(items, viewport, LABEL);

    expect(labelsOverlap(items.map((item, i) => ({ ...item, ...placed[i]! })), viewport, LABEL)).toBe(false);
  });

  it("leaves a view whose labels already have room as it is", () => {
    const items: LabelItem[] = [
      { x: 0, y: 0, radius: 8, labelWidth: 100, fixed: false },
      { x: 10, y: 10, radius: 8, labelWidth: 100, fixed: false },
    ];

    expect(separateLabels(items, viewport, LABEL)).toEqual([{ x: 0, y: 0 }, { x: 10, y: 10 }]);
  });

  it("never moves a pinned node, and moves the other one the whole way", () => {
    const items: LabelItem[] = [
      { x: 0, y: 0, radius: 8, labelWidth: 100, fixed: true },
      { x: 0.1, y: 0.05, radius: 8, labelWidth: 100, fixed: false },
      { x: 20, y: 20, radius: 8, labelWidth: 100, fixed: true },
    ];

    const placed = separateLabels(items, viewport, LABEL);

    expect(placed[0]).toEqual({ x: 0, y: 0 });
    expect(placed[2]).toEqual({ x: 20, y: 20 });
    expect(labelsOverlap(items.map((item, i) => ({ ...item, ...placed[i]! })), viewport, LABEL)).toBe(false);
  });

  it("stops after its rounds when the labels cannot all fit", () => {
    const items = Array.from({ length: 60 }, (_, i): LabelItem => ({ x: i % 3, y: Math.floor(i / 3), radius: 8, labelWidth: 900, fixed: false }));

    const placed = separateLabels(items, viewport, LABEL, 5);

    expect(placed).toHaveLength(60);
    expect(placed.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
  });
});
