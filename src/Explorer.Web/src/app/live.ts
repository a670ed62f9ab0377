import { api, orNull } from "../api";
import type { AnnotationsView } from "../annotations/view";
import { LiveChannel, type ConnectionState } from "../live";
import { LiveSync } from "../sync";
import type { ViewModel } from "../model";
import type { Change, ChangeEvent, PresenceEvent } from "../types";
import { byId, h } from "../ui/dom";
import { liveFilter } from "../viewfilter";
import type { ExplorerView } from "./view";

// The page's side of the live channel: changes applied to the model (sync.ts), then the canvas, the feed,
// the open panel and annotation markers brought up to date; connection state and presence in the header.

/** Up to this many nodes on the canvas, nodes that arrive live re-run the layout for a moment. */
const LIVE_LAYOUT_MAX_NODES = 2000;

export class LiveView {
  readonly sync: LiveSync;
  readonly channel: LiveChannel;
  private annotationTimer = 0;
  /** When each applied live change was first drawn (epoch ms), for the latency benchmark. */
  private readonly drawnAt = new Map<number, number>();
  private pendingDrawn: number[] = [];
  private state: ConnectionState = "connecting";
  private lastPresence: PresenceEvent | null = null;
  /** Called after live changes that add, change or delete source documents (the Documents list follows). */
  sourcesChanged: () => void = () => {};

  constructor(private readonly view: ExplorerView, private readonly annotations: AnnotationsView) {
    this.sync = new LiveSync({
      model: view.model,
      fetchNode: (id) => orNull(api.node(id)),
      fetchEdge: (id) => orNull(api.edge(id)),
      fetchChanges: (after, limit) => api.changes(after, limit),
      latestSeq: () => this.channel.lastSeq(),
      refetchView: () => view.loadView(view.state, { keepCamera: true }),
      applied: (info) => this.afterLiveChange(info.changes, info.added),
      annotation: (change) => this.annotationChanged(change),
      filter: () => liveFilter(view.state),
    });
    this.channel = new LiveChannel({
      changed: (change) => void this.sync.receive(change),
      presence: (presence) => this.presence(presence),
      state: (state) => this.connection(state),
      reconnected: () => void this.sync.catchUp(),
    });
    view.renderer.onSigma((sigma) =>
      sigma.on("afterRender", () => {
        if (this.pendingDrawn.length === 0) return;
        const now = performance.timeOrigin + performance.now();
        for (const seq of this.pendingDrawn) this.drawnAt.set(seq, now);
        this.pendingDrawn = [];
        while (this.drawnAt.size > 1000) this.drawnAt.delete(this.drawnAt.keys().next().value!);
      }),
    );
  }

  /** When the change with this sequence number was first drawn (epoch ms), or 0. */
  drawn(seq: number): number {
    return this.drawnAt.get(seq) ?? 0;
  }

  private afterLiveChange(changes: (Change | ChangeEvent)[], added: string[]): void {
    // The graph already holds the change (sync.ts applied it); add it to the feed and redraw what depends on it.
    const view = this.view;
    const { model, renderer } = view;
    for (const change of changes) this.pendingDrawn.push(change.seq);
    renderer.sigma.scheduleRender();
    const feed = byId("feed");
    byId("feed-empty").hidden = true;
    for (const change of changes.slice(-20)) {
      const time = new Date(change.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      feed.prepend(h("li", { attrs: { title: `change #${change.seq}` } }, h("span", { class: "feed-time", text: time }), " ", describe(change, model)));
    }
    while (feed.childElementCount > 50) feed.lastElementChild?.remove();
    if (added.length > 0) {
      renderer.flash(added);
      // On a large graph an arrival stays where the model placed it (next to a neighbor): re-running the layout
      // would move every node the analyst is looking at, and re-index the canvas on each of its writes.
      if (model.graph.order <= LIVE_LAYOUT_MAX_NODES) view.layout.start(1200);
    }
    // Relation counts ("N more") change with the topology: an upserted edge's ends are counted again, anything else recounts all.
    const topology = changes.filter((c) => c.kind.startsWith("Node") || c.kind.startsWith("Edge") || c.kind === "GraphReloaded");
    if (topology.length > 0) {
      const ends = topology.map((c) => ("edge" in c && c.edge ? [c.edge.source, c.edge.target] : null));
      view.forgetCounts(ends.every((e) => e !== null) ? ends.flat() : null);
    }
    renderer.sigma.setCustomBBox(null);
    if (view.state.selected.startsWith("n:")) {
      const id = view.state.selected.slice(2);
      if (!model.graph.hasNode(id)) view.clearSelection();
      else if (changes.some((c) => c.entityId === id)) void view.peers.renderNodePanel(id);
    }
    if (view.state.selected.startsWith("e:") && !model.graph.hasEdge(view.state.selected.slice(2))) view.clearSelection();
    view.peers.updateNames();
    if (changes.some((c) => c.kind === "SourceUpserted" || c.kind === "SourceRemoved" || c.kind === "GraphReloaded")) this.sourcesChanged();
  }

  private annotationChanged(change: ChangeEvent): void {
    this.scheduleAnnotationCounts();
    const selected = this.view.state.selected;
    if (selected.startsWith("e:")) {
      const edge = selected.slice(2);
      const target = (change.annotation as { targetId?: string } | undefined)?.targetId;
      if (!target || target === edge) void this.annotations.renderEdgeSection(byId("annotations"), edge).catch(() => {});
    }
  }

  scheduleAnnotationCounts(): void {
    if (this.annotations.session.available !== true) return;
    window.clearTimeout(this.annotationTimer);
    this.annotationTimer = window.setTimeout(async () => {
      this.view.renderer.setAnnotationCounts(await this.annotations.counts(this.view.model.graph.edges()));
    }, 200);
  }

  private presence(presence: PresenceEvent): void {
    this.lastPresence = presence;
    this.renderPresence();
  }

  /**
   * Who is viewing: the signed-in names and a count of the rest. Only while live: when the channel is down the
   * header says Offline or Reconnecting and no count, since any count would be stale.
   */
  private renderPresence(): void {
    const element = byId("presence");
    const presence = this.lastPresence;
    if (this.state !== "live" || !presence) {
      element.textContent = "";
      element.title = "";
      return;
    }
    const anonymous = Math.max(0, presence.viewers - presence.users.length);
    const names = presence.users.join(", ");
    element.textContent = presence.viewers <= 1
      ? "Only you are viewing"
      : `Viewing: ${names}${names && anonymous ? " + " : ""}${anonymous ? `${anonymous} anonymous` : ""}`;
    element.title = `${presence.viewers} open view${presence.viewers === 1 ? "" : "s"}`;
  }

  private connection(state: ConnectionState): void {
    this.state = state;
    this.renderPresence();
    const element = byId("connection");
    element.className = `conn conn-${state}`;
    element.textContent = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" }[state];
    element.title = { connecting: "Connecting to live updates", live: "Other people's changes appear as they happen", reconnecting: "Connection lost; reconnecting", offline: "Offline: changes will be fetched when the connection is back" }[state];
  }
}

/** A change as a sentence: "ana annotated NATO → NATO intervention in the Balkans". */
export function describe(change: Change | ChangeEvent, model: ViewModel): string {
  const name = (id: string) => model.nodes.get(id)?.name ?? id;
  const relation = (id: string) => {
    const edge = ("edge" in change ? change.edge : null) ?? model.edges.get(id);
    return edge ? `${name(edge.source)} → ${name(edge.target)}` : "a relation";
  };
  const annotation = "annotation" in change ? change.annotation : null;
  const target = annotation ? (annotation.targetKind === "edge" ? relation(annotation.targetId) : name(annotation.targetId)) : null;
  switch (change.kind) {
    case "NodeUpserted": return `${name(change.entityId)} added or updated`;
    case "NodeRemoved": return `${name(change.entityId)} removed`;
    case "EdgeUpserted": return `Relation ${relation(change.entityId)} added or updated`;
    case "EdgeRemoved": return `Relation ${relation(change.entityId)} removed`;
    case "GraphReloaded": return "The graph was reloaded";
    case "SourceUpserted": return `Source document ${change.entityId} added or updated`;
    case "SourceRemoved": return `Source document ${change.entityId} removed`;
    case "SuggestionDismissed": return `A relation suggested by source document ${change.entityId} was dismissed`;
    case "AnnotationAdded": return annotation ? `${annotation.author} annotated ${target}` : "An annotation was added";
    case "AnnotationChanged": return annotation ? `${annotation.author}’s annotation on ${target} was edited` : "An annotation was edited";
    case "AnnotationRemoved": return annotation ? `${annotation.author}’s annotation on ${target} was deleted` : "An annotation was deleted";
    default: return String(change.kind);
  }
}
