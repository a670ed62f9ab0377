import type { ViewModel } from "./model";
import type { Change, ChangeEvent, ChangesResponse, EdgeRecord, NodeRecord } from "./types";
import type { LiveFilter } from "./viewfilter";

// Applying the live channel's changes to the model: once each, in order, none lost across a drop.
// Every change carries a sequence number. A change at or below the last applied one is ignored; a gap
// (a change arrives whose predecessor never did) and a reconnect both trigger a catch-up through
// /api/changes; missing too much re-fetches the view. Transport-free, so it is unit-tested.

export const CATCH_UP_LIMIT = 1000;

export interface SyncDeps {
  model: ViewModel;
  fetchNode(id: string): Promise<NodeRecord | null>;
  fetchEdge(id: string): Promise<EdgeRecord | null>;
  fetchChanges(after: number, limit: number): Promise<ChangesResponse>;
  /** The newest sequence number the server has published (the hub's LastSeq). */
  latestSeq(): Promise<number>;
  /** Rebuilds the current view from the API (GraphReloaded, or too much missed). */
  refetchView(): Promise<void>;
  /** Called after every applied change (or batch), to redraw. */
  applied(info: AppliedInfo): void;
  /** Annotation changes go to the annotations module. */
  annotation?(change: ChangeEvent): void;
  /** The view's filters (types, kinds, status, as-of, avoid): an arrival outside them is not shown. */
  filter?(): LiveFilter;
}

export interface AppliedInfo {
  changes: Change[];
  /** Node ids newly shown (to lay out and flash). */
  added: string[];
  refetched: boolean;
}

/** What a catch-up must do: last change per record wins. */
export interface CatchUpPlan {
  refetch: boolean;
  upsertNodes: string[];
  removeNodes: string[];
  upsertEdges: string[];
  removeEdges: string[];
  annotations: Change[];
  last: number;
}

export function planCatchUp(response: ChangesResponse, after: number, limit = CATCH_UP_LIMIT): CatchUpPlan {
  const fresh = response.changes.filter((c) => c.seq > after).sort((a, b) => a.seq - b.seq);
  const plan: CatchUpPlan = {
    refetch: false, upsertNodes: [], removeNodes: [], upsertEdges: [], removeEdges: [], annotations: [],
    last: Math.max(after, response.last, ...fresh.map((c) => c.seq)),
  };
  if (response.changes.length >= limit || fresh.some((c) => c.kind === "GraphReloaded")) {
    plan.refetch = true;
    return plan;
  }
  const nodes = new Map<string, string>();
  const edges = new Map<string, string>();
  for (const change of fresh) {
    switch (change.kind) {
      case "NodeUpserted":
      case "NodeRemoved":
        nodes.delete(change.entityId);
        nodes.set(change.entityId, change.kind);
        break;
      case "EdgeUpserted":
      case "EdgeRemoved":
        edges.delete(change.entityId);
        edges.set(change.entityId, change.kind);
        break;
      default:
        if (change.kind.startsWith("Annotation")) plan.annotations.push(change);
    }
  }
  for (const [id, kind] of nodes) (kind === "NodeRemoved" ? plan.removeNodes : plan.upsertNodes).push(id);
  for (const [id, kind] of edges) (kind === "EdgeRemoved" ? plan.removeEdges : plan.upsertEdges).push(id);
  return plan;
}

export class LiveSync {
  private last = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private catchingUp = false;

  constructor(private readonly deps: SyncDeps) {}

  /** The sequence number of the last change applied (or covered by a fetched view). */
  get lastSeq(): number {
    return this.last;
  }

  /** The view was just (re)built from the API at or after this sequence number. */
  baseline(seq: number): void {
    this.last = Math.max(this.last, seq);
  }

  /** A change pushed by the hub. Applied in arrival order after anything already queued. */
  receive(change: ChangeEvent): Promise<void> {
    return this.enqueue(async () => {
      if (change.seq <= this.last) return;
      if (change.seq > this.last + 1 && !this.catchingUp) {
        // Something before it never arrived: fetch what was missed, which includes this change.
        await this.runCatchUp();
        if (change.seq <= this.last) return;
      }
      const added = await this.apply(change);
      this.last = Math.max(this.last, change.seq);
      this.deps.applied({ changes: [change], added, refetched: false });
    });
  }

  /** After a reconnect: applies whatever was committed while the connection was down. */
  catchUp(): Promise<void> {
    return this.enqueue(() => this.runCatchUp());
  }

  /** Waits for everything queued so far. */
  idle(): Promise<void> {
    return this.enqueue(async () => {});
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch((error: unknown) => console.error("live update failed", error));
    return next;
  }

  private async runCatchUp(): Promise<void> {
    this.catchingUp = true;
    try {
      const after = this.last;
      const response = await this.deps.fetchChanges(after, CATCH_UP_LIMIT);
      const plan = planCatchUp(response, after);
      if (plan.refetch) {
        const latest = Math.max(plan.last, await this.deps.latestSeq());
        await this.deps.refetchView();
        this.last = Math.max(this.last, latest);
        this.deps.applied({ changes: response.changes, added: [], refetched: true });
        return;
      }
      const model = this.deps.model;
      for (const id of plan.removeEdges) model.removeEdge(id);
      for (const id of plan.removeNodes) model.removeNode(id);
      const added: string[] = [];
      const nodes = await Promise.all(plan.upsertNodes.map((id) => this.deps.fetchNode(id)));
      plan.upsertNodes.forEach((id, i) => {
        const node = nodes[i];
        if (node) {
          if (!model.graph.hasNode(id)) added.push(id);
          model.upsertNode(node, true);
        } else {
          model.removeNode(id);
        }
      });
      const edges = await Promise.all(plan.upsertEdges.map((id) => this.deps.fetchEdge(id)));
      for (let i = 0; i < plan.upsertEdges.length; i++) {
        const edge = edges[i];
        if (edge) added.push(...(await this.showEdge(edge)));
        else model.removeEdge(plan.upsertEdges[i]!);
      }
      for (const change of plan.annotations) this.deps.annotation?.(change);
      this.last = Math.max(this.last, plan.last);
      if (response.changes.length > 0) this.deps.applied({ changes: response.changes, added, refetched: false });
    } finally {
      this.catchingUp = false;
    }
  }

  /** Applies one change; returns the node ids it newly shows. */
  private async apply(change: ChangeEvent): Promise<string[]> {
    const model = this.deps.model;
    switch (change.kind) {
      case "NodeUpserted": {
        const node = change.node ?? (await this.deps.fetchNode(change.entityId));
        if (!node) {
          model.removeNode(change.entityId);
          return [];
        }
        const isNew = !model.graph.hasNode(node.id);
        return model.upsertNode(node, true) && isNew ? [node.id] : [];
      }
      case "NodeRemoved":
        model.removeNode(change.entityId);
        return [];
      case "EdgeUpserted": {
        const edge = change.edge ?? (await this.deps.fetchEdge(change.entityId));
        if (!edge) {
          model.removeEdge(change.entityId);
          return [];
        }
        return this.showEdge(edge);
      }
      case "EdgeRemoved":
        model.removeEdge(change.entityId);
        return [];
      case "GraphReloaded": {
        // The view is fetched afresh after the newest published change, so the changes queued behind this one
        // are in it: a bulk import pushes one GraphReloaded per batch, and the page reloads once, not per batch.
        const latest = await this.deps.latestSeq();
        await this.deps.refetchView();
        this.last = Math.max(this.last, latest);
        return [];
      }
      default:
        if (change.kind.startsWith("Annotation")) this.deps.annotation?.(change);
        return [];
    }
  }

  /**
   * Shows an edge; when only one end is in view, fetches the other so the change is visible. An edge outside the
   * view's filters is taken off the canvas instead (its status or dates may have just moved it out), and so is
   * one whose missing end is outside them.
   */
  private async showEdge(edge: EdgeRecord): Promise<string[]> {
    const model = this.deps.model;
    const filter = this.deps.filter?.();
    if (filter && !filter.edge(edge)) {
      model.removeEdge(edge.id);
      return [];
    }
    const { missing } = model.upsertEdge(edge);
    const added: string[] = [];
    for (const id of missing) {
      const node = await this.deps.fetchNode(id);
      if (node && (!filter || filter.node(node)) && model.upsertNode(node, true)) added.push(id);
    }
    if (added.length > 0) model.upsertEdge(edge);
    return added;
  }
}
