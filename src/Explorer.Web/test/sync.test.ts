import { describe, expect, it } from "vitest";
import { QUERY_PART, ViewModel } from "../src/model";
import { CATCH_UP_LIMIT, LiveSync, planCatchUp, type SyncDeps } from "../src/sync";
import type { ViewState } from "../src/state";
import type { Change, ChangeEvent, ChangeKind, ChangesResponse, EdgeRecord, NodeRecord } from "../src/types";
import { holdsAsOf, liveFilter } from "../src/viewfilter";

const node = (id: string, name = id): NodeRecord => ({ id, kind: "Nation", name, aliases: [], description: "" });
const edge = (id: string, source: string, target: string, type = "MEMBER_OF"): EdgeRecord => ({
  id, type, source, target, evidence: [{ sourceId: "s", quote: "q" }],
});
const at = "2026-01-01T00:00:00Z";

/** A fake server: records by id, a change log, and counters of what the page fetched. */
function fixture(seed: { nodes: NodeRecord[]; edges: EdgeRecord[] }, view?: Partial<Pick<ViewState, "types" | "kinds" | "status" | "asOf" | "avoid">>) {
  const model = new ViewModel(undefined, () => 0.5);
  model.addToPart(QUERY_PART, seed.nodes, seed.edges);
  model.sync();
  const server = {
    nodes: new Map<string, NodeRecord>(),
    edges: new Map<string, EdgeRecord>(),
    log: [] as Change[],
    last: 0,
    fetched: [] as string[],
    refetches: 0,
  };
  const deps: SyncDeps = {
    model,
    fetchNode: async (id) => (server.fetched.push(`node:${id}`), server.nodes.get(id) ?? null),
    fetchEdge: async (id) => (server.fetched.push(`edge:${id}`), server.edges.get(id) ?? null),
    fetchChanges: async (after, limit): Promise<ChangesResponse> => {
      const changes = server.log.filter((c) => c.seq > after).slice(0, limit);
      return { changes, last: changes.length ? changes[changes.length - 1]!.seq : after };
    },
    latestSeq: async () => server.last,
    refetchView: async () => {
      server.refetches++;
    },
    applied: () => {},
    filter: view ? () => liveFilter({ types: [], kinds: [], status: "", asOf: "", avoid: [], ...view }) : undefined,
  };
  const write = (kind: ChangeKind, entityId: string, record?: NodeRecord | EdgeRecord | null): ChangeEvent => {
    const seq = ++server.last;
    if (kind === "NodeUpserted") server.nodes.set(entityId, record as NodeRecord);
    if (kind === "EdgeUpserted") server.edges.set(entityId, record as EdgeRecord);
    if (kind === "NodeRemoved") server.nodes.delete(entityId);
    if (kind === "EdgeRemoved") server.edges.delete(entityId);
    server.log.push({ seq, at, kind, entityId });
    return {
      seq, at, kind, entityId,
      node: kind === "NodeUpserted" ? (record as NodeRecord) : null,
      edge: kind === "EdgeUpserted" ? (record as EdgeRecord) : null,
    };
  };
  return { model, server, deps, sync: new LiveSync(deps), write };
}

const snapshot = (model: ViewModel) => ({
  nodes: model.graph.nodes().sort(),
  edges: model.graph.edges().sort(),
  labels: model.graph.mapNodes((_, a) => a.label).sort(),
});

describe("applying live changes", () => {
  it("applies each change once: a repeat or an older change changes nothing", async () => {
    const { model, sync, write } = fixture({ nodes: [node("nato"), node("france")], edges: [edge("france-nato", "france", "nato")] });
    const rename = write("NodeUpserted", "france", node("france", "France (renamed)"));
    const added = write("NodeUpserted", "italy", node("italy", "Italy"));
    const link = write("EdgeUpserted", "italy-nato", edge("italy-nato", "italy", "nato"));
    for (const change of [rename, added, link]) await sync.receive(change);
    const once = snapshot(model);
    for (const change of [rename, added, link, rename]) await sync.receive(change);
    expect(snapshot(model)).toEqual(once);
    expect(once.nodes).toEqual(["france", "italy", "nato"]);
    expect(once.labels).toContain("France (renamed)");
    expect(sync.lastSeq).toBe(link.seq);
  });

  it("drops removed nodes with their edges, and removing twice is harmless", async () => {
    const { model, sync, write } = fixture({ nodes: [node("nato"), node("france")], edges: [edge("france-nato", "france", "nato")] });
    const removed = write("NodeRemoved", "france");
    await sync.receive(removed);
    await sync.receive({ ...removed });
    expect(model.graph.nodes()).toEqual(["nato"]);
    expect(model.graph.size).toBe(0);
  });

  it("shows an edge to a node outside the view by fetching that node", async () => {
    const { model, server, sync, write } = fixture({ nodes: [node("nato")], edges: [] });
    server.nodes.set("spain", node("spain", "Spain"));
    await sync.receive(write("EdgeUpserted", "spain-nato", edge("spain-nato", "spain", "nato")));
    expect(model.graph.hasEdge("spain-nato")).toBe(true);
    expect(model.graph.getNodeAttribute("spain", "label")).toBe("Spain");
  });

  it("ignores an edge between two nodes it does not show", async () => {
    const { model, sync, write } = fixture({ nodes: [node("nato")], edges: [] });
    await sync.receive(write("EdgeUpserted", "a-b", edge("a-b", "a", "b")));
    expect(model.graph.order).toBe(1);
  });

  it("follows the view's review filter: a proposed edge stays off a confirmed-only view, and leaves it when disputed", async () => {
    const { model, server, sync, write } = fixture({ nodes: [node("nato"), node("france")], edges: [edge("france-nato", "france", "nato")] }, { status: "confirmed" });
    server.nodes.set("spain", node("spain", "Spain"));
    await sync.receive(write("EdgeUpserted", "spain-nato", { ...edge("spain-nato", "spain", "nato"), status: "Proposed" }));
    expect(model.graph.hasNode("spain")).toBe(false);
    expect(server.fetched).not.toContain("node:spain");
    await sync.receive(write("EdgeUpserted", "france-nato", { ...edge("france-nato", "france", "nato"), status: "Disputed" }));
    expect(model.graph.hasEdge("france-nato")).toBe(false);
    await sync.receive(write("EdgeUpserted", "france-nato", { ...edge("france-nato", "france", "nato"), status: "Confirmed" }));
    expect(model.graph.hasEdge("france-nato")).toBe(true);
  });

  it("follows the view's type, kind, avoid and as-of filters for arrivals", async () => {
    const seed = { nodes: [node("nato")], edges: [] };
    const typed = fixture(seed, { types: ["MEMBER_OF"] });
    typed.server.nodes.set("kfor", { ...node("kfor", "KFOR"), kind: "Mission" });
    await typed.sync.receive(typed.write("EdgeUpserted", "nato-kfor", edge("nato-kfor", "nato", "kfor", "LEADS")));
    expect(typed.model.graph.hasNode("kfor")).toBe(false);

    const kinds = fixture(seed, { kinds: ["Nation", "Organization"] });
    kinds.server.nodes.set("kfor", { ...node("kfor", "KFOR"), kind: "Mission" });
    await kinds.sync.receive(kinds.write("EdgeUpserted", "kfor-nato", edge("kfor-nato", "kfor", "nato")));
    expect(kinds.model.graph.hasNode("kfor")).toBe(false);

    const avoid = fixture(seed, { avoid: ["the usa", "Spain"] });
    avoid.server.nodes.set("spain", { ...node("spain", "Spain") });
    await avoid.sync.receive(avoid.write("EdgeUpserted", "spain-nato", edge("spain-nato", "spain", "nato")));
    expect(avoid.model.graph.hasNode("spain")).toBe(false);

    const dated = fixture(seed, { asOf: "1995" });
    dated.server.nodes.set("spain", node("spain", "Spain"));
    await dated.sync.receive(dated.write("EdgeUpserted", "spain-nato", { ...edge("spain-nato", "spain", "nato"), validFrom: "1999-03-12" }));
    expect(dated.model.graph.hasNode("spain")).toBe(false);
    await dated.sync.receive(dated.write("EdgeUpserted", "spain-nato", { ...edge("spain-nato", "spain", "nato"), validFrom: "1982-05" }));
    expect(dated.model.graph.hasEdge("spain-nato")).toBe(true);
  });

  it("keeps a live rename when the view is synced again from older copies", async () => {
    const { model, sync, write } = fixture({ nodes: [node("nato", "NATO")], edges: [] });
    await sync.receive(write("NodeUpserted", "nato", node("nato", "NATO (live)")));
    model.sync();
    expect(model.graph.getNodeAttribute("nato", "label")).toBe("NATO (live)");
  });
});

describe("catching up after a drop", () => {
  it("fetches what it missed when a change arrives after a gap, and applies it all in order", async () => {
    const { model, server, sync, write } = fixture({ nodes: [node("nato")], edges: [] });
    sync.baseline(server.last);
    write("NodeUpserted", "a", node("a", "A"));          // lost in the drop
    write("EdgeUpserted", "a-nato", edge("a-nato", "a", "nato"));  // lost in the drop
    const third = write("NodeUpserted", "b", node("b", "B"));
    await sync.receive(third);
    expect(snapshot(model).nodes).toEqual(["a", "b", "nato"]);
    expect(model.graph.hasEdge("a-nato")).toBe(true);
    expect(sync.lastSeq).toBe(third.seq);
  });

  it("after a reconnect, applies the last state of each record only", async () => {
    const { model, server, sync, write } = fixture({ nodes: [node("nato"), node("france")], edges: [] });
    sync.baseline(server.last);
    write("NodeUpserted", "x", node("x", "X1"));
    write("NodeUpserted", "x", node("x", "X2"));
    write("NodeRemoved", "france");
    write("NodeUpserted", "gone", node("gone"));
    write("NodeRemoved", "gone");
    await sync.catchUp();
    expect(snapshot(model).nodes).toEqual(["nato", "x"]);
    expect(model.graph.getNodeAttribute("x", "label")).toBe("X2");
    expect(server.fetched).toEqual(["node:x"]);
    expect(sync.lastSeq).toBe(server.last);
    // Events replayed by the transport after the catch-up are at or below the last seq: ignored.
    await sync.receive({ seq: 2, at, kind: "NodeUpserted", entityId: "x", node: node("x", "stale") });
    expect(model.graph.getNodeAttribute("x", "label")).toBe("X2");
  });

  it("re-fetches the view when too much was missed or the graph was reloaded", async () => {
    const many: Change[] = Array.from({ length: CATCH_UP_LIMIT }, (_, i) => ({ seq: i + 11, at, kind: "NodeUpserted", entityId: `n${i}` }));
    expect(planCatchUp({ changes: many, last: 10 + CATCH_UP_LIMIT }, 10).refetch).toBe(true);
    expect(planCatchUp({ changes: [{ seq: 11, at, kind: "GraphReloaded", entityId: "seed" }], last: 11 }, 10).refetch).toBe(true);

    const { server, sync, write } = fixture({ nodes: [node("nato")], edges: [] });
    sync.baseline(server.last);
    write("GraphReloaded", "seed");
    await sync.catchUp();
    expect(server.refetches).toBe(1);
    expect(sync.lastSeq).toBe(server.last);
  });

  it("reloads the view once for a burst of bulk batches, not once per batch", async () => {
    const { server, sync, write } = fixture({ nodes: [node("nato")], edges: [] });
    sync.baseline(server.last);
    const pushed = [write("GraphReloaded", "import"), write("GraphReloaded", "import"), write("GraphReloaded", "import")];
    await Promise.all(pushed.map((change) => sync.receive(change)));
    expect(server.refetches).toBe(1);
    expect(sync.lastSeq).toBe(server.last);
  });

  it("plans removals and upserts by record, ignoring changes already applied", () => {
    const plan = planCatchUp({
      changes: [
        { seq: 5, at, kind: "NodeUpserted", entityId: "old" },
        { seq: 6, at, kind: "EdgeUpserted", entityId: "e1" },
        { seq: 7, at, kind: "EdgeRemoved", entityId: "e1" },
        { seq: 8, at, kind: "NodeRemoved", entityId: "n1" },
        { seq: 9, at, kind: "NodeUpserted", entityId: "n1" },
        { seq: 10, at, kind: "AnnotationAdded", entityId: "a1" },
      ],
      last: 10,
    }, 5);
    expect(plan).toMatchObject({ refetch: false, upsertNodes: ["n1"], removeNodes: [], upsertEdges: [], removeEdges: ["e1"], last: 10 });
    expect(plan.annotations.map((c) => c.entityId)).toEqual(["a1"]);
  });
});

describe("as of a date, as the server reads it", () => {
  it("holds when the span overlaps the period and no suspension covers all of it", () => {
    expect(holdsAsOf(null, null, [], "1995")).toBe(true);
    expect(holdsAsOf("1995-12-31", null, [], "1995")).toBe(true);
    expect(holdsAsOf("1996", null, [], "1995")).toBe(false);
    expect(holdsAsOf(null, "1995-01", [], "1995-02")).toBe(false);
    expect(holdsAsOf(null, "1995-02", [], "1995-02-28")).toBe(true);
    expect(holdsAsOf(null, "2024-02", [], "2024-02-29")).toBe(true);
    expect(holdsAsOf(null, null, [{ from: "1992", to: "1995" }], "1993-06")).toBe(false);
    expect(holdsAsOf(null, null, [{ from: "1992-03", to: "1995" }], "1992")).toBe(true);
    expect(holdsAsOf(null, null, [{ from: "2014", to: null }], "2030")).toBe(false);
    expect(holdsAsOf("1949", null, [], "not a date")).toBe(true);
  });
});
