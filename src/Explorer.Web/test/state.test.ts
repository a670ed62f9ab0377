import { describe, expect, it } from "vitest";
import { collapse, decodeExpansion, decodeView, emptyView, encodeView, expand, morePages, withoutDate, type ViewState } from "../src/state";

describe("view state in the URL", () => {
  it("round-trips a full view", () => {
    const view: ViewState = {
      ...emptyView(),
      q: "NATO to Balkans", from: "nato", to: "balkans", mode: "k", k: 5, maxHops: 4,
      types: ["CONDUCTED", "DEPLOYED_TO"], kinds: ["Mission"], avoid: ["nato-balkans-intervention"],
      expanded: [{ id: "nato", types: [], pages: 1 }, { id: "mali", types: ["DEPLOYED_TO"], pages: 3 }],
      hidden: ["france"], selected: "e:nato-conducted-nato-balkans-intervention",
      pins: [{ id: "mali", x: 12.5, y: -3.25 }], camera: { x: 0.4, y: 0.6, ratio: 0.5 }, asOf: "1999-03", status: "confirmed,proposed",
    };
    expect(decodeView(encodeView(view))).toEqual(view);
  });

  it("leaves defaults out of the URL", () => {
    expect(encodeView(emptyView())).toBe("");
    expect(encodeView({ ...emptyView(), q: "neighbors of NATO" })).toBe("q=neighbors+of+NATO");
  });

  it("keeps an as-of date of a year, a month or a day, and drops anything else", () => {
    expect(decodeView("?asof=1995").asOf).toBe("1995");
    expect(decodeView("?asof=2010-06").asOf).toBe("2010-06");
    expect(decodeView("?asof=1999-03-24").asOf).toBe("1999-03-24");
    for (const bad of ["95", "1995-13", "1995-1", "1995-02-32", "soon", "1995-01-01T00:00"]) expect(decodeView(`?asof=${bad}`).asOf).toBe("");
    expect(encodeView({ ...emptyView(), asOf: "1995" })).toBe("asof=1995");
  });

  it("keeps the review filter the path bar offers, and drops anything else", () => {
    expect(decodeView("?status=confirmed").status).toBe("confirmed");
    expect(decodeView("?status=confirmed%2Cproposed").status).toBe("confirmed,proposed");
    expect(decodeView("?status=CONFIRMED").status).toBe("confirmed");
    for (const bad of ["disputed", "proposed", "all", "<b>"]) expect(decodeView(`?status=${bad}`).status).toBe("");
    expect(encodeView({ ...emptyView(), status: "confirmed" })).toBe("status=confirmed");
  });

  it("takes a phrase's own date off so that the slider's can apply", () => {
    expect(withoutDate("NATO to Balkans as of 1995")).toBe("NATO to Balkans");
    expect(withoutDate("members of the SCO in 2010-06")).toBe("members of the SCO");
    expect(withoutDate("NATO to Balkans")).toBe("NATO to Balkans");
    expect(withoutDate("peacekeeping in Africa")).toBe("peacekeeping in Africa");
    expect(withoutDate("how is NATO related to Mali, during 2013?")).toBe("how is NATO related to Mali");
  });

  it("keeps text exactly, whatever characters it holds", () => {
    const q = "<img src=x onerror=alert(1)> & to ~ , \"quotes\"";
    expect(decodeView(encodeView({ ...emptyView(), q })).q).toBe(q);
  });

  it("clamps out-of-range numbers and ignores unknown modes", () => {
    const view = decodeView("?mode=bogus&k=99&hops=-3");
    expect(view.mode).toBe("ranked");
    expect(view.k).toBe(10);
    expect(view.maxHops).toBe(1);
    expect(decodeView("?hops=abc").maxHops).toBe(6);
  });

  it("ignores malformed pins and cameras", () => {
    const view = decodeView("?pin=mali~1~x&pin=~1~2&pin=chad~1~2&pin=chad~3~4&cam=1~2~0&sel=n:chad");
    expect(view.pins).toEqual([{ id: "chad", x: 1, y: 2 }]);
    expect(view.camera).toBeNull();
    expect(decodeView("?cam=0.5~0.5~99").camera).toEqual({ x: 0.5, y: 0.5, ratio: 10 });
  });

  it("drops duplicate and empty expansions, and bad selections", () => {
    const view = decodeView("?x=nato&x=nato~MEMBER_OF~2&x=&x=~~&sel=zzz");
    expect(view.expanded).toEqual([{ id: "nato", types: [], pages: 1 }]);
    expect(view.selected).toBe("");
  });

  it("decodes an expansion with types and pages", () => {
    expect(decodeExpansion("nato~MEMBER_OF.CONDUCTED~4")).toEqual({ id: "nato", types: ["MEMBER_OF", "CONDUCTED"], pages: 4 });
    expect(decodeExpansion("nato~~999")?.pages).toBe(50);
  });

  it("expands, pages and collapses without touching other expansions", () => {
    let expanded = expand([], "nato");
    expanded = expand(expanded, "mali", ["DEPLOYED_TO"]);
    expanded = morePages(expanded, "nato", []);
    expect(expanded).toEqual([{ id: "nato", types: [], pages: 2 }, { id: "mali", types: ["DEPLOYED_TO"], pages: 1 }]);
    expect(morePages(expanded, "nato", ["MEMBER_OF"])[0]).toEqual({ id: "nato", types: ["MEMBER_OF"], pages: 2 });
    expect(expand(expanded, "nato", ["MEMBER_OF"])[0]).toEqual({ id: "nato", types: ["MEMBER_OF"], pages: 1 });
    expect(collapse(expanded, "nato")).toEqual([{ id: "mali", types: ["DEPLOYED_TO"], pages: 1 }]);
  });
});
