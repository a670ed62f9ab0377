import { describe, expect, it } from "vitest";
import { boundsAt, boxAt, EDGE_MARGIN, fitInRegions, freeRegions, largestScale, OVERLAY_MARGIN, type FitItem, type Rect } from "../src/fit";

const LABEL = 13;

const width = (r: Rect) => r.right - r.left;
const height = (r: Rect) => r.bottom - r.top;

describe("a node's box", () => {
  it("holds the disc on the left, the label on the right, and is as tall as the label", () => {
    const box = boxAt({ x: 10, y: 20, radius: 6, labelWidth: 100 }, 2, 1, LABEL);
    // The disc grows with the square root of the scale: radius 6·√2.
    const r = 6 * Math.SQRT2;
    expect(box.left).toBeCloseTo(20 - r);
    expect(box.right).toBeCloseTo(20 + r + 3 + 100);
    expect(box.top).toBeCloseTo(40 - 8.5);
    expect(box.bottom).toBeCloseTo(40 + 8.5);
  });

  it("is only the disc when no label is drawn", () => {
    expect(boxAt({ x: 0, y: 0, radius: 6, labelWidth: 0 }, 1, 1, LABEL)).toEqual({ left: -6, right: 6, top: -6, bottom: 6 });
  });
});

describe("the largest scale", () => {
  it("fits the label's reach, not only the positions", () => {
    // Two nodes 100 px apart at scale 1; the right one's label is 200 px long.
    const items: FitItem[] = [
      { x: 0, y: 0, radius: 5, labelWidth: 0 },
      { x: 100, y: 0, radius: 5, labelWidth: 200 },
    ];
    const scale = largestScale(items, 600, 400, LABEL, 1, 0.1, 10);
    const bounds = boundsAt(items, scale, 1, LABEL);
    expect(width(bounds)).toBeLessThanOrEqual(600);
    expect(width(bounds)).toBeGreaterThan(599);
    // Positions alone would allow 6: the label leaves room for about 3.77.
    expect(scale).toBeGreaterThan(3.7);
    expect(scale).toBeLessThan(3.8);
  });

  it("is the smallest allowed when even it does not fit, and the largest when that fits", () => {
    const wide: FitItem[] = [{ x: 0, y: 0, radius: 5, labelWidth: 900 }];
    expect(largestScale(wide, 600, 400, LABEL, 1, 0.1, 10)).toBe(0.1);
    const dot: FitItem[] = [{ x: 0, y: 0, radius: 5, labelWidth: 0 }];
    expect(largestScale(dot, 600, 400, LABEL, 1, 0.1, 2)).toBe(2);
  });
});

describe("free regions", () => {
  const toolbar: Rect = { left: 8, top: 8, right: 270, bottom: 40 };
  const legend: Rect = { left: 8, top: 650, right: 126, bottom: 790 };

  it("are the canvas less its margins when nothing floats over it", () => {
    expect(freeRegions(900, 800, [])).toEqual([{ left: EDGE_MARGIN, top: EDGE_MARGIN, right: 900 - EDGE_MARGIN, bottom: 800 - EDGE_MARGIN }]);
  });

  it("clear the toolbar and the legend, each from one side", () => {
    const regions = freeRegions(900, 800, [toolbar, legend]);
    const below = toolbar.bottom + OVERLAY_MARGIN;
    // Below the toolbar and right of the legend; below the toolbar and above the legend.
    expect(regions).toContainEqual({ left: legend.right + OVERLAY_MARGIN, top: below, right: 900 - EDGE_MARGIN, bottom: 800 - EDGE_MARGIN });
    expect(regions).toContainEqual({ left: EDGE_MARGIN, top: below, right: 900 - EDGE_MARGIN, bottom: legend.top - OVERLAY_MARGIN });
    for (const r of regions) {
      for (const o of [toolbar, legend]) {
        const clear = r.left >= o.right + OVERLAY_MARGIN || r.right <= o.left - OVERLAY_MARGIN || r.top >= o.bottom + OVERLAY_MARGIN || r.bottom <= o.top - OVERLAY_MARGIN;
        expect(clear).toBe(true);
      }
    }
    // None lies inside another.
    for (const a of regions) for (const b of regions) if (a !== b) expect(a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom).toBe(false);
  });

  it("a wide, short view goes above the legend; a tall, narrow one beside the toolbar, the canvas's whole height", () => {
    const regions = freeRegions(900, 800, [toolbar, legend]);
    const row: FitItem[] = Array.from({ length: 8 }, (_, i) => ({ x: i * 100, y: 0, radius: 5, labelWidth: 60 }));
    const rowFit = fitInRegions(row, regions, LABEL, 1, 0.1, 2)!;
    expect(rowFit.region.left).toBe(EDGE_MARGIN);
    const column: FitItem[] = Array.from({ length: 8 }, (_, i) => ({ x: 0, y: i * 100, radius: 5, labelWidth: 60 }));
    const columnFit = fitInRegions(column, regions, LABEL, 1, 0.1, 2)!;
    expect(columnFit.region).toEqual({ left: toolbar.right + OVERLAY_MARGIN, top: EDGE_MARGIN, right: 900 - EDGE_MARGIN, bottom: 800 - EDGE_MARGIN });
    expect(height(columnFit.bounds)).toBeLessThanOrEqual(height(columnFit.region));
    expect(height(columnFit.bounds)).toBeGreaterThan(height(columnFit.region) - 1);
  });

  it("leave no region when the overlays cover the canvas", () => {
    expect(freeRegions(300, 200, [{ left: 0, top: 0, right: 300, bottom: 200 }])).toEqual([]);
    expect(fitInRegions([{ x: 0, y: 0, radius: 5, labelWidth: 10 }], [], LABEL, 1, 0.1, 2)).toBeNull();
  });
});
