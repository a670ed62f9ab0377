import { describe, expect, it } from "vitest";
import { edgeAwareHover, edgeAwareLabel } from "../src/labels";

// A canvas context that records where text goes; text is 7 px a character wide.
function recorder() {
  const texts: { text: string; x: number }[] = [];
  const context = {
    fillStyle: "", font: "", shadowOffsetX: 0, shadowOffsetY: 0, shadowBlur: 0, shadowColor: "",
    fillText: (text: string, x: number) => texts.push({ text, x }),
    strokeText: (text: string, x: number) => texts.push({ text: `outline ${text}`, x }),
    measureText: (text: string) => ({ width: text.length * 7 }),
    beginPath() {}, moveTo() {}, lineTo() {}, arc() {}, closePath() {}, fill() {},
  };
  return { texts, context: context as unknown as CanvasRenderingContext2D };
}

const settings = { labelSize: 13, labelFont: "sans-serif", labelWeight: "500", labelColor: { color: "#000" } } as never;
const LONG = "African Union–United Nations Hybrid Operation in Darfur";

describe("node labels near the canvas edge", () => {
  it("draws a label right of its node when it fits", () => {
    const { texts, context } = recorder();
    edgeAwareLabel(() => 1000)(context, { x: 100, y: 50, size: 10, label: LONG, color: "#000" }, settings);
    expect(texts).toEqual([{ text: LONG, x: 113 }]);
  });

  it("draws a long label left of a node near the right edge, ending before the node", () => {
    const { texts, context } = recorder();
    edgeAwareLabel(() => 1000)(context, { x: 900, y: 50, size: 10, label: LONG, color: "#000" }, settings);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.x + LONG.length * 7).toBe(900 - 10 - 3);
    expect(texts[0]!.x).toBeGreaterThanOrEqual(0);
  });

  it("keeps the right side when the left has even less room", () => {
    const { texts, context } = recorder();
    edgeAwareLabel(() => 300)(context, { x: 100, y: 50, size: 10, label: LONG, color: "#000" }, settings);
    expect(texts[0]!.x).toBe(113);
  });

  it("puts the hover box's label on the same side as the label", () => {
    const { texts, context } = recorder();
    const label = edgeAwareLabel(() => 1000);
    edgeAwareHover(() => 1000, label)(context, { x: 900, y: 50, size: 10, label: LONG, color: "#000" }, settings);
    expect(texts[0]!.x + LONG.length * 7).toBe(887);
  });

  it("outlines a forced label in the canvas's colour under its text, and only a forced one", () => {
    const { texts, context } = recorder();
    edgeAwareLabel(() => 1000)(context, { x: 100, y: 50, size: 10, label: "NATO", color: "#000", forceLabel: true }, settings);
    edgeAwareLabel(() => 1000)(context, { x: 100, y: 80, size: 10, label: "UN", color: "#000" }, settings);
    expect(texts).toEqual([{ text: "outline NATO", x: 113 }, { text: "NATO", x: 113 }, { text: "UN", x: 113 }]);
  });

  it("draws a label meant for the left of its node right-aligned, ending before the node", () => {
    const { texts, context } = recorder();
    edgeAwareLabel(() => 1000)(context, { x: 300, y: 50, size: 10, label: "NATO", color: "#000", labelLeft: true } as never, settings);
    expect(texts).toEqual([{ text: "NATO", x: 300 - 10 - 3 - 28 }]);
  });

  it("draws a label meant for the left on the right when the left edge is too close and the right has more room", () => {
    const { texts, context } = recorder();
    edgeAwareLabel(() => 1000)(context, { x: 40, y: 50, size: 10, label: LONG, color: "#000", labelLeft: true } as never, settings);
    expect(texts[0]!.x).toBe(53);
  });

  it("puts the hover box's label left with a label meant for the left", () => {
    const { texts, context } = recorder();
    const label = edgeAwareLabel(() => 1000);
    edgeAwareHover(() => 1000, label)(context, { x: 300, y: 50, size: 10, label: "NATO", color: "#000", labelLeft: true } as never, settings);
    expect(texts[0]!.x + 28).toBe(287);
  });
});
