import { describe, expect, it } from "vitest";
import pkg from "../package.json?raw";
import installed from "../node_modules/sigma/package.json?raw";
import source from "../node_modules/sigma/dist/sigma.esm.js?raw";
import { changedBoxes, type LabelDraw } from "../src/labelcache";
import { labelBox, type Box } from "../src/labels";
import { slotRuns } from "../src/slotruns";

// Drawing only the labels that changed (labelcache.ts) and uploading only the slots that changed (programs.ts).
// The pixels themselves are compared with a full drawing in a real browser (the test hook's staleLabelPixels, in
// LiveLabelTests, and the page benchmark); these check the bookkeeping that decides what is drawn again.

const settings = {} as LabelDraw["settings"];
function draw(key: string, x: number, y: number, label = key, extra: Record<string, unknown> = {}): LabelDraw {
  return { key, data: { key, x, y, size: 5, label, color: "#000", hidden: false, forceLabel: false, type: "circle", zIndex: 0, highlighted: false, ...extra } as LabelDraw["data"], settings };
}
const box = (d: LabelDraw): Box => labelBox(d.data, 13, 1000);
const many = (n: number) => Array.from({ length: n }, (_, i) => draw(`n${i}`, 20 * i, 10 * i));

describe("which parts of the label layer a change redraws", () => {
  it("nothing when the same labels are drawn the same way in the same order", () => {
    expect(changedBoxes(many(20), many(20), box)).toEqual([]);
  });

  it("a renamed label: its old box and its new one", () => {
    const before = many(20);
    const after = many(20);
    after[7] = draw("n7", 140, 70, "Renamed");
    expect(changedBoxes(before, after, box)).toEqual([box(after[7]!), box(before[7]!)]);
  });

  it("a label that appears, moves, recolours or goes", () => {
    const before = many(20);
    const after = many(20);
    after.push(draw("live", 500, 500));
    after[3] = draw("n3", 61, 30);
    after[4] = draw("n4", 80, 40, "n4", { labelColor: "#5f6b7a" });
    after.splice(9, 1);
    const boxes = changedBoxes(before, after, box)!;
    for (const d of [after.find((a) => a.key === "live")!, after[3]!, before[3]!, after[4]!, before[9]!]) expect(boxes).toContainEqual(box(d));
    expect(boxes).toHaveLength(6);
  });

  it("a label that changed sides of its node: its old box and its new one", () => {
    const before = many(20);
    const after = many(20);
    after[5] = draw("n5", 100, 50, "n5", { labelLeft: true });
    expect(changedBoxes(before, after, box)).toEqual([box(after[5]!), box(before[5]!)]);
  });

  it("labels kept as they were but drawn in another order (one may now cover the other)", () => {
    const before = many(20);
    const after = many(20);
    [after[5], after[8]] = [after[8]!, after[5]!];
    const boxes = changedBoxes(before, after, box)!;
    // Everything between the first and last place the orders differ.
    expect(boxes).toEqual([5, 6, 7, 8].map((i) => box(after[i]!)));
  });

  it("everything when most labels changed (a layout write moves them all)", () => {
    const before = many(20);
    const after = many(20).map((d) => draw(d.key, d.data.x + 1, d.data.y));
    expect(changedBoxes(before, after, box)).toBeNull();
    expect(changedBoxes([], many(20), box)).toBeNull();
  });
});

describe("a label's box", () => {
  const measure = (text: string) => text.length * 7;

  it("holds the label drawn right of its node, with a margin", () => {
    const b = labelBox({ x: 100, y: 50, size: 10, label: "NATO" }, 13, 1000, measure);
    expect(b.left).toBeLessThan(113);
    expect(b.right).toBeGreaterThan(113 + 28);
    // The baseline is at y + size / 3: a full em above it, a third of one below.
    expect(b.top).toBeLessThan(50 + 13 / 3 - 13);
    expect(b.bottom).toBeGreaterThan(50 + 13 / 3 + 13 / 3);
  });

  it("unmeasured, holds the measured box (the cheap test never misses a label)", () => {
    for (const x of [100, 900, 990]) {
      const label = "African Union–United Nations Hybrid Operation in Darfur";
      const exact = labelBox({ x, y: 50, size: 10, label }, 13, 1000, measure);
      const bound = labelBox({ x, y: 50, size: 10, label }, 13, 1000);
      expect(bound.left).toBeLessThanOrEqual(exact.left);
      expect(bound.right).toBeGreaterThanOrEqual(exact.right);
    }
  });

  it("follows a label drawn left of its node (labelside.ts), measured or not", () => {
    const exact = labelBox({ x: 300, y: 50, size: 10, label: "NATO", labelLeft: true }, 13, 1000, measure);
    expect(exact.right).toBeGreaterThanOrEqual(300 - 10 - 3);
    expect(exact.right).toBeLessThan(300);
    expect(exact.left).toBeLessThanOrEqual(300 - 10 - 3 - 28);
    const bound = labelBox({ x: 300, y: 50, size: 10, label: "NATO", labelLeft: true }, 13, 1000);
    expect(bound.left).toBeLessThanOrEqual(exact.left);
    expect(bound.right).toBeGreaterThanOrEqual(exact.right);
  });

  it("follows a long label flipped left of a node near the right edge", () => {
    const label = "African Union–United Nations Hybrid Operation in Darfur";
    const b = labelBox({ x: 900, y: 50, size: 10, label }, 13, 1000, measure);
    expect(b.right).toBeGreaterThanOrEqual(900 - 10 - 3);
    expect(b.right).toBeLessThan(900);
    expect(b.left).toBeLessThanOrEqual(900 - 10 - 3 - label.length * 7);
  });
});

describe("buffer uploads of the slots written", () => {
  it("joins nearby slots into runs and keeps far ones apart", () => {
    expect(slotRuns([5, 3, 4, 10, 500])).toEqual([[3, 11], [500, 501]]);
    expect(slotRuns([])).toEqual([]);
  });

  it("uploads one span when the slots are scattered everywhere", () => {
    const slots = Array.from({ length: 100 }, (_, i) => i * 1000);
    expect(slotRuns(slots)).toEqual([[0, 99_001]]);
  });
});

describe("sigma, whose private members the label layer and partial refresh use", () => {
  it("is pinned at 3.0.3, and its renderLabels still asks for each label through defaultDrawNodeLabel", () => {
    expect((JSON.parse(pkg) as { dependencies: Record<string, string> }).dependencies["sigma"]).toBe("3.0.3");
    expect((JSON.parse(installed) as { version: string }).version).toBe("3.0.3");
    // What labelcache.ts and partial.ts rely on, in the shape they rely on.
    for (const needle of [
      "var drawLabel = (nodeProgram === null || nodeProgram === void 0 ? void 0 : nodeProgram.drawLabel) || defaultDrawNodeLabel;",
      "this.canvasContexts.labels.clearRect(0, 0, this.width, this.height);",
      "this.emit(\"beforeClear\");",
      "this.emit(\"afterClear\");",
      "this.renderLabels();\n      this.renderEdgeLabels();",
      "var labelsToDisplay = this.labelGrid.getLabelsToDisplay(cameraState.ratio, this.settings.labelDensity);",
      // layers.ts: the clears of the node and edge layers follow beforeClear, then the picking textures are reset
      // through resetWebGLTexture, then each program draws through its render(params).
      "this.emit(\"beforeClear\");\n      this.webGLContexts.nodes.bindFramebuffer(WebGLRenderingContext.FRAMEBUFFER, null);\n      this.webGLContexts.nodes.clear(WebGLRenderingContext.COLOR_BUFFER_BIT);\n      this.webGLContexts.edges.bindFramebuffer(WebGLRenderingContext.FRAMEBUFFER, null);\n      this.webGLContexts.edges.clear(WebGLRenderingContext.COLOR_BUFFER_BIT);",
      "return _this9.resetWebGLTexture(layer);",
      "program.render(params);",
      "_program2.render(params);",
    ]) expect(source).toContain(needle);
  });
});
