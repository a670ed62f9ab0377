import { describe, expect, it } from "vitest";
import { apexChord, candidatePlaces, edgeSegment, EdgeLabelRoom, freePlace, labelAngle, polygonsOverlap, type Point } from "../src/edgelabels";

const square = (left: number, top: number, right: number, bottom: number): Point[] => [
  { x: left, y: top }, { x: right, y: top }, { x: right, y: bottom }, { x: left, y: bottom },
];
const canvas = { left: 0, top: 0, right: 1000, bottom: 800 };

describe("edge label geometry", () => {
  it("turns the text along the edge, always reading left to right", () => {
    expect(labelAngle(10, 0)).toBeCloseTo(0);
    expect(labelAngle(-10, 0)).toBeCloseTo(0);
    for (const [dx, dy] of [[3, 4], [-3, 4], [3, -4], [-3, -4]] as const) {
      const angle = labelAngle(dx, dy);
      // Upright: the text's direction points right (or straight down/up for a vertical edge).
      expect(Math.cos(angle)).toBeGreaterThanOrEqual(-1e-9);
      // Along the edge: parallel to (dx, dy).
      expect(Math.abs(Math.cos(angle) * dy - Math.sin(angle) * dx)).toBeLessThan(1e-9);
    }
  });

  it("takes the edge between the discs' borders", () => {
    const segment = edgeSegment({ x: 0, y: 0, size: 10 }, { x: 100, y: 0, size: 5 })!;
    expect(segment.from).toEqual({ x: 10, y: 0 });
    expect(segment.to).toEqual({ x: 95, y: 0 });
    expect(segment.length).toBe(85);
    expect(edgeSegment({ x: 0, y: 0, size: 10 }, { x: 12, y: 0, size: 5 })).toBeNull();
  });

  it("tries sigma's place first: the middle, below the line", () => {
    const segment = edgeSegment({ x: 0, y: 0, size: 5 }, { x: 200, y: 0, size: 5 })!;
    const [first, second] = candidatePlaces(segment, 60, 2, 11);
    expect(first!.x).toBe(100);
    expect(first!.across).toBe(1 + 11);
    // Its box: 60 wide around the middle, just below the line.
    const xs = first!.corners.map((c) => c.x);
    const ys = first!.corners.map((c) => c.y);
    expect(Math.min(...xs)).toBeCloseTo(70);
    expect(Math.max(...xs)).toBeCloseTo(130);
    expect(Math.min(...ys)).toBeGreaterThan(1);
    // Then above it.
    expect(Math.max(...second!.corners.map((c) => c.y))).toBeLessThan(0);
  });

  it("keeps the text on the edge: a label as long as the edge has only the middle", () => {
    const segment = edgeSegment({ x: 0, y: 0, size: 5 }, { x: 110, y: 0, size: 5 })!;
    expect(candidatePlaces(segment, 100, 2, 11).map((p) => p.x)).toEqual([55, 55]);
  });
});

describe("polygons", () => {
  it("overlap when they share area, not when they only touch or are apart", () => {
    expect(polygonsOverlap(square(0, 0, 10, 10), square(5, 5, 15, 15))).toBe(true);
    expect(polygonsOverlap(square(0, 0, 10, 10), square(10, 0, 20, 10))).toBe(false);
    // A diamond whose corner points between two squares' corners without reaching them.
    const diamond = [{ x: 5, y: 12 }, { x: 10, y: 17 }, { x: 5, y: 22 }, { x: 0, y: 17 }];
    expect(polygonsOverlap(square(0, 0, 10, 10), diamond)).toBe(false);
    expect(polygonsOverlap(square(0, 0, 10, 13), diamond)).toBe(true);
  });
});

describe("a free place", () => {
  const segment = edgeSegment({ x: 0, y: 100, size: 5 }, { x: 400, y: 100, size: 5 })!;
  const places = candidatePlaces(segment, 80, 2, 11);

  it("is sigma's own when nothing is in the way", () => {
    expect(freePlace(places, [], canvas)).toBe(places[0]);
  });

  it("moves above the line, then along it, away from a node label in the way", () => {
    const underTheMiddle = square(150, 102, 260, 118);
    expect(freePlace(places, [underTheMiddle], canvas)).toBe(places[1]);
    const acrossTheMiddle = square(150, 80, 260, 118);
    const place = freePlace(places, [acrossTheMiddle], canvas)!;
    expect(place).not.toBeNull();
    expect(place.corners.every((c) => c.x < 150 || c.x > 260)).toBe(true);
  });

  it("is none when every place is taken or off the canvas", () => {
    expect(freePlace(places, [square(0, 0, 400, 200)], canvas)).toBeNull();
    expect(freePlace(places, [], { left: 0, top: 0, right: 1000, bottom: 105 })).toBe(places[1]);
  });
});

describe("the edge label room", () => {
  // A context that records the text drawn and where; text is 6 px a character wide.
  function recorder() {
    const texts: { text: string; x: number; y: number }[] = [];
    let at = { x: 0, y: 0 };
    const context = {
      fillStyle: "", font: "",
      measureText: (text: string) => ({ width: text.length * 6 }),
      save() {}, restore() {}, rotate() {},
      translate(x: number, y: number) { at = { x, y }; },
      fillText: (text: string) => texts.push({ text, ...at }),
    };
    return { texts, context: context as unknown as CanvasRenderingContext2D };
  }
  const settings = { edgeLabelSize: 11, edgeLabelFont: "sans-serif", edgeLabelWeight: "normal", edgeLabelColor: { color: "#000" } } as never;
  const source = { key: "a", x: 0, y: 100, size: 5, label: "A", color: "#000" };
  const target = { key: "b", x: 400, y: 100, size: 5, label: "B", color: "#000" };

  it("keeps a second label off the first, and leaves out one with no room unless it is forced", () => {
    const { texts, context } = recorder();
    const room = new EdgeLabelRoom((edge) => edge === "forced");
    room.begin([], 1000, 800);
    const edge = (key: string) => ({ key, label: "PARTNERED_WITH", size: 2, color: "#000" });
    room.draw(context, edge("e1"), source, target, settings);
    room.draw(context, edge("e2"), source, target, settings);
    expect(texts).toHaveLength(2);
    expect(polygonsOverlap(room.placed[0]!.corners, room.placed[1]!.corners)).toBe(false);

    room.begin([{ left: 0, top: 0, right: 1000, bottom: 800 }], 1000, 800);
    room.draw(context, edge("e3"), source, target, settings);
    expect(texts).toHaveLength(2);
    room.draw(context, edge("forced"), source, target, settings);
    expect(texts).toHaveLength(3);
    expect(texts[2]).toMatchObject({ x: 200, y: 100 });
  });

  it("puts a curved edge's label at the curve's apex, on either side of it, or leaves it out", () => {
    // edge-curve's curve from (0,100) to (400,100), curvature 0.3: control point (200, 100 - 400 * 0.3) = (200, -20).
    const control = { x: 200, y: -20 };
    const apex = { x: 0.25 * source.x + 0.5 * control.x + 0.25 * target.x, y: 0.25 * source.y + 0.5 * control.y + 0.25 * target.y };
    const [from, to] = apexChord(source, target, 0.3);
    expect({ x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 }).toEqual(apex);
    expect(from).toMatchObject({ key: "a", size: 5 });

    const { texts, context } = recorder();
    const room = new EdgeLabelRoom(() => false);
    room.begin([], 1000, 800);
    const curved = (key: string, curvature: number) => ({ key, label: "PROVIDED_AID_TO", size: 2, color: "#000", curvature });
    room.draw(context, curved("bent", 0.3), source, target, settings);
    expect(texts[0]).toMatchObject({ x: apex.x, y: apex.y });
    // On the curve's outer side (it bends up here: above the apex), where the curve does not run through the text.
    expect(room.placed[0]!.corners.every((c) => c.y < apex.y)).toBe(true);
    room.begin([], 1000, 800);
    room.draw(context, curved("bent", -0.3), source, target, settings);
    expect(room.placed[0]!.corners.every((c) => c.y > 160)).toBe(true);
    // A node label on the outer side: the inner side, never a spot along the chord away from the apex.
    room.begin([{ left: 150, top: 20, right: 250, bottom: 39 }], 1000, 800);
    room.draw(context, curved("bent", 0.3), source, target, settings);
    expect(room.placed).toHaveLength(1);
    expect(room.placed[0]!.corners.every((c) => c.y > 40)).toBe(true);
    room.begin([{ left: 150, top: 20, right: 250, bottom: 80 }], 1000, 800);
    room.draw(context, curved("bent", 0.3), source, target, settings);
    expect(room.placed).toHaveLength(0);
  });
});
