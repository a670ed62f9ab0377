import { describe, expect, it } from "vitest";
import { fittedScale, type LabelItem } from "../src/labelroom";
import { chooseLabelSides, segmentMeetsBox } from "../src/labelside";

const viewport = { width: 1000, height: 750, padding: 70 };
const LABEL = 13;

describe("segmentMeetsBox", () => {
  const box = { left: 0, top: 0, right: 100, bottom: 20 };

  it("meets a box the segment runs through, or starts or ends in", () => {
    expect(segmentMeetsBox(-10, 10, 110, 10, box)).toBe(true);
    expect(segmentMeetsBox(50, -30, 50, 50, box)).toBe(true);
    expect(segmentMeetsBox(-20, -20, 120, 40, box)).toBe(true);
    expect(segmentMeetsBox(50, 10, 500, 300, box)).toBe(true);
    expect(segmentMeetsBox(10, 5, 20, 15, box)).toBe(true);
  });

  it("misses a box the segment passes by, stops short of, or whose corner it cuts past", () => {
    expect(segmentMeetsBox(-10, 30, 110, 30, box)).toBe(false);
    expect(segmentMeetsBox(-50, 10, -1, 10, box)).toBe(false);
    expect(segmentMeetsBox(101, -30, 101, 50, box)).toBe(false);
    // The line through both points would cross the box; the segment ends before it.
    expect(segmentMeetsBox(-40, -40, -5, -5, box)).toBe(false);
    // Past the corner (100, 0): the line y = x - 110 runs below-right of it.
    expect(segmentMeetsBox(110, 0, 130, 20, box)).toBe(false);
  });
});

/**
 * Items laid out in screen pixels (y down) at the scale the view is fitted at: four unlabelled corner nodes far
 * out fix that scale, whatever the labels in the middle do; `nodes` are placed in the middle at (x, y) pixels.
 */
function inFrame(nodes: { x: number; y: number; labelWidth: number; radius?: number }[]): LabelItem[] {
  const corners: LabelItem[] = [[-100, -100], [100, -100], [-100, 100], [100, 100]].map(([x, y]) => ({ x: x!, y: y!, radius: 4, labelWidth: 0, fixed: false }));
  const scale = fittedScale(corners, viewport, LABEL).scale;
  const items = [...nodes.map((n) => ({ x: n.x / scale, y: -n.y / scale, radius: n.radius ?? 4, labelWidth: n.labelWidth, fixed: false })), ...corners];
  // The middle does not reach the corners' frame: the scale holds.
  expect(fittedScale(items, viewport, LABEL).scale).toBeCloseTo(scale, 6);
  return items;
}

describe("chooseLabelSides", () => {
  it("moves a label left of its node when an edge runs through it on the right", () => {
    // A's edge to B leaves it to the right, through A's label; B's label, right of B, is clear.
    const items = inFrame([{ x: -100, y: 0, labelWidth: 100 }, { x: 150, y: 0, labelWidth: 60 }]);

    const sides = chooseLabelSides(items, [[0, 1]], viewport, LABEL);

    expect(sides.slice(0, 2)).toEqual([true, false]);
  });

  it("keeps a label on the right when a node sits where it would go on the left", () => {
    // C (unlabelled) is 60 px left of A, under the 100 px label A would have there.
    const items = inFrame([{ x: -100, y: 0, labelWidth: 100 }, { x: 150, y: 0, labelWidth: 60 }, { x: -160, y: 0, labelWidth: 0 }]);

    const sides = chooseLabelSides(items, [[0, 1]], viewport, LABEL);

    expect(sides.slice(0, 3)).toEqual([false, false, false]);
  });

  it("keeps a label on the right when a node sits where it would go on the left, even beside a crowded node", () => {
    // C nearly touches A's disc: their boxes already meet with every label on the right, so only the check that
    // the left is clear of nodes keeps A's label off C.
    const items = inFrame([{ x: -100, y: 0, labelWidth: 100 }, { x: 150, y: 0, labelWidth: 60 }, { x: -112, y: 0, labelWidth: 0 }]);

    const sides = chooseLabelSides(items, [[0, 1]], viewport, LABEL);

    expect(sides.slice(0, 3)).toEqual([false, false, false]);
  });

  it("keeps a label on the right when as many edges cross it on the left", () => {
    const items = inFrame([{ x: 0, y: 0, labelWidth: 100 }, { x: 200, y: 0, labelWidth: 0 }, { x: -200, y: 0, labelWidth: 0 }]);

    const sides = chooseLabelSides(items, [[0, 1], [0, 2]], viewport, LABEL);

    expect(sides[0]).toBe(false);
  });

  /**
   * A (40 px label) and B (150 px label), 100 px apart, B `below` px lower, each with an edge leaving to the right
   * through its label: on the right their labels are clear of each other.
   */
  const twoCrossed = (below: number) => inFrame([
    { x: -150, y: 0, labelWidth: 40 },
    { x: -50, y: below, labelWidth: 150 },
    { x: 50, y: 0, labelWidth: 0 },
    { x: 150, y: below, labelWidth: 0 },
  ]);

  it("takes back the move of the label reaching furthest when two moved labels would overlap", () => {
    // 20 px lower, both moved left, B's label runs under A's (clear of A's disc). Taking back B's move alone clears
    // them; A's alone would not.
    expect(chooseLabelSides(twoCrossed(20), [[0, 2], [1, 3]], viewport, LABEL).slice(0, 2)).toEqual([true, false]);
  });

  it("takes back first the move of the label reaching furthest out of the view, when the view zoomed out for it makes labels that stayed overlap", () => {
    // A and B each have an edge leaving to the right through their label. A is the view's left edge: its label
    // moved left would widen the view by 150 px, and the view, fitted again, would be a fifth smaller. P and Q,
    // 18 px apart (their labels 17 px tall), would then overlap. B's label is wider but stays inside the view.
    const base: LabelItem[] = [
      { x: 0, y: 0, radius: 4, labelWidth: 150, fixed: false },
      { x: 10, y: 0, radius: 4, labelWidth: 60, fixed: false },
      { x: 3, y: -3, radius: 4, labelWidth: 160, fixed: false },
      { x: 10, y: -3, radius: 4, labelWidth: 60, fixed: false },
      { x: 6, y: 3, radius: 4, labelWidth: 60, fixed: false },
      { x: 6, y: 3, radius: 4, labelWidth: 60, fixed: false },
    ];
    const scale = fittedScale(base, viewport, LABEL).scale;
    const items = base.map((item, i) => (i === 5 ? { ...item, y: 3 - 18 / scale } : item));
    expect(fittedScale(items.map((item, i) => ({ ...item, labelLeft: i === 0 })), viewport, LABEL).scale).toBeLessThan(0.85 * scale);

    const sides = chooseLabelSides(items, [[0, 1], [2, 3]], viewport, LABEL);

    expect(sides).toEqual([false, false, true, false, false, false]);
  });

  it("moves both labels when they stay clear of each other", () => {
    // As above with B 40 px lower: both labels go left.
    expect(chooseLabelSides(twoCrossed(40), [[0, 2], [1, 3]], viewport, LABEL).slice(0, 2)).toEqual([true, true]);
  });

  it("leaves every label on the right when no edge crosses one", () => {
    const items = inFrame([{ x: -100, y: 0, labelWidth: 100 }, { x: -100, y: 60, labelWidth: 100 }]);

    expect(chooseLabelSides(items, [[0, 1]], viewport, LABEL).every((left) => !left)).toBe(true);
  });
});
