import "./style.css";
import { Annotations } from "./annotations";
import { api, ApiError, orNull } from "./api";
import { download, toGraphMl, toJson, toPng, toSvg } from "./export";
import { Layout } from "./layout";
import { LiveChannel, type ConnectionState } from "./live";
import { KIND_COLORS, QUERY_PART, ViewModel } from "./model";
import { Renderer } from "./renderer";
import {
  collapse, decodeView, emptyView, encodeView, expand, hasPathQuestion, morePages, type Expansion, type PathMode, type ViewState,
} from "./state";
import { LiveSync } from "./sync";
import { EDGE_TYPES, NODE_KINDS, type ChangeEvent, type EdgeRecord, type GraphPath, type NodeRecord, type PathsResponse, type SearchHit } from "./types";
import { byId, h, replace } from "./ui/dom";
import { evidenceList, kindTag, relationLine } from "./ui/panel";
import { SearchBox } from "./ui/search";

/** Neighbors per page when expanding; a supernode shows "N more" instead of flooding the canvas. */
const PAGE = 25;
/** What an empty URL shows: the seed's best-connected actor and its first page of neighbors. */
const START: Expansion = { id: "nato", types: [], pages: 1 };

function isStartView(state: ViewState): boolean {
  return !state.q && !hasPathQuestion(state) && state.expanded.length === 0;
}

interface PathResult {
  response: PathsResponse;
  focus: number;
  interpretation: string;
}

class App {
  readonly model = new ViewModel();
  readonly renderer: Renderer;
  readonly layout: Layout;
  readonly annotations = new Annotations();
  readonly sync: LiveSync;
  readonly live: LiveChannel;
  readonly search: SearchBox;
  state: ViewState = emptyView();
  private path: PathResult | null = null;
  private searchResults: { interpretation: string; hits: SearchHit[] } | null = null;
  private sourceTitles = new Map<string, string>();
  private expansionInfo = new Map<string, { total: number; shown: number; countsByType: Record<string, number> }>();
  private viewLoads = 0;
  private ready = false;
  private readonly cspViolations: string[] = [];
  private readonly panel = byId("panel-content");
  private readonly message = byId("canvas-message");
  private annotationTimer = 0;
  /** performance.now() of the first frame that drew nodes (first meaningful paint). */
  private firstGraphPaint = 0;
  /** When each applied live change was first drawn (epoch ms), for the latency benchmark. */
  private readonly drawnAt = new Map<number, number>();
  private pendingDrawn: number[] = [];

  constructor() {
    document.addEventListener("securitypolicyviolation", (event) => this.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
    this.renderer = new Renderer(this.model.graph, byId("graph"), {
      clickNode: (id) => this.selectNode(id),
      clickEdge: (id) => this.selectEdge(id),
      clickStage: () => this.clearSelection(),
      pinned: (id) => {
        this.layout.stop();
        if (this.state.selected === `n:${id}`) void this.renderNodePanel(id);
      },
    });
    this.layout = new Layout(this.model.graph);
    this.renderer.sigma.on("afterRender", () => {
      if (!this.firstGraphPaint && this.model.graph.order > 0) this.firstGraphPaint = performance.now();
      if (this.pendingDrawn.length) {
        const now = performance.timeOrigin + performance.now();
        for (const seq of this.pendingDrawn) this.drawnAt.set(seq, now);
        this.pendingDrawn = [];
        while (this.drawnAt.size > 1000) this.drawnAt.delete(this.drawnAt.keys().next().value!);
      }
    });
    this.sync = new LiveSync({
      model: this.model,
      fetchNode: (id) => orNull(api.node(id)),
      fetchEdge: (id) => orNull(api.edge(id)),
      fetchChanges: (after, limit) => api.changes(after, limit),
      latestSeq: () => this.live.lastSeq(),
      refetchView: () => this.loadView(this.state, { keepCamera: true }),
      applied: (info) => this.afterLiveChange(info.changes, info.added),
      annotation: (change) => this.annotationChanged(change),
    });
    this.live = new LiveChannel({
      changed: (change) => void this.sync.receive(change),
      presence: (presence) => {
        const others = Math.max(0, presence.viewers - 1);
        const names = presence.users.length ? ` — ${presence.users.join(", ")}` : "";
        const anonymous = Math.max(0, presence.viewers - presence.users.length);
        byId("presence").textContent = others === 0
          ? "Only you are viewing"
          : `${presence.viewers} viewing${names}${presence.users.length && anonymous ? ` + ${anonymous} anonymous` : ""}`;
      },
      state: (state) => this.connection(state),
      reconnected: () => void this.sync.catchUp(),
    });
    this.search = new SearchBox(byId<HTMLInputElement>("search"), byId<HTMLUListElement>("suggestions"), byId<HTMLFormElement>("search-form"), {
      pickNode: (hit) => void this.showNode(hit.id),
      ask: (phrase) => void this.ask(phrase),
    });
    this.annotations.onChange = () => {
      this.annotations.renderAccount(byId("account"));
      if (this.state.selected.startsWith("e:")) void this.renderEdgePanel(this.state.selected.slice(2));
      this.scheduleAnnotationCounts();
    };
    this.wireControls();
    this.renderLegend();
  }

  async start(): Promise<void> {
    const baseline = this.live.start();
    void this.annotations.detect().then(() => {
      this.annotations.renderAccount(byId("account"));
      this.scheduleAnnotationCounts();
    });
    void fetch("/api/sources").then((r) => (r.ok ? r.json() : [])).then((sources: { id: string; title: string }[]) => {
      for (const source of sources) this.sourceTitles.set(source.id, source.title);
    }).catch(() => {});
    const state = decodeView(location.search);
    // The view is fetched once the live channel says where the change log stands, so nothing committed in
    // between is missed (changes after the baseline arrive through the hub and apply idempotently).
    const seq = await Promise.race([baseline, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 1500))]);
    await this.loadView(state, { keepCamera: false });
    if (seq >= 0) this.sync.baseline(seq);
    else void baseline.then((late) => {
      // The channel came up late: whatever happened before it connected is fetched like after a drop.
      this.sync.baseline(Math.min(late, this.sync.lastSeq || late));
      void this.sync.catchUp();
    });
    this.ready = true;
    window.addEventListener("popstate", () => void this.loadView(decodeView(location.search), { keepCamera: false }));
  }

  // ----- the view -----

  /** Builds the graph for a view state: its question (path, phrase) plus every expansion. */
  async loadView(state: ViewState, options: { keepCamera: boolean }): Promise<void> {
    const load = ++this.viewLoads;
    this.state = { ...state };
    this.fillForms();
    this.setMessage("Loading…");
    const isEmpty = isStartView(state);
    const expansions = isEmpty ? [START] : state.expanded;
    if (isEmpty && !state.selected) this.state.selected = `n:${START.id}`;
    try {
      const [question, pages] = await Promise.all([
        this.fetchQuestion(state),
        Promise.all(expansions.map((e) => this.fetchExpansion(e).catch(() => null))),
      ]);
      if (load !== this.viewLoads) return;
      for (const key of this.model.partKeys()) this.model.dropPart(key);
      this.model.hidden.clear();
      for (const id of state.hidden) this.model.hidden.add(id);
      if (question) this.model.addToPart(QUERY_PART, question.nodes, question.edges);
      pages.forEach((result, i) => {
        if (!result) return;
        result.forEach((page, p) => this.model.addToPart(`x:${expansions[i]!.id}#${p}`, page.nodes, page.edges));
      });
      this.applyGraph();
      this.setMessage(this.model.graph.order === 0 ? "Nothing to show yet: search for a name, or ask “NATO to Balkans”." : "");
      if (!options.keepCamera) this.renderer.fit();
      this.restoreSelection();
    } catch (error) {
      if (load !== this.viewLoads) return;
      this.showError(error);
    }
  }

  /** The query part: a path question or a typed phrase. */
  private async fetchQuestion(state: ViewState): Promise<{ nodes: NodeRecord[]; edges: EdgeRecord[] } | null> {
    this.path = null;
    this.searchResults = null;
    if (hasPathQuestion(state)) {
      const response = await api.paths({
        from: state.from, to: state.to, mode: state.mode, k: state.mode === "k" ? state.k : undefined,
        maxHops: state.maxHops, types: state.types, kinds: state.kinds, avoid: state.avoid,
      });
      this.path = { response, focus: 0, interpretation: `Paths from ${response.from.name} to ${response.to.name}` };
      return response;
    }
    if (state.q) {
      const answer = await api.query(state.q);
      if (answer.kind === "path") {
        this.path = { response: answer, focus: 0, interpretation: answer.interpretation };
        // The phrase named the ends: the path bar now holds them, so mode and filters apply to it.
        this.state.from = answer.from.id;
        this.state.to = answer.to.id;
        this.fillForms();
        return answer;
      }
      if (answer.kind === "neighborhood") {
        this.state.expanded = expand(this.state.expanded, answer.center.id);
        this.expansionInfo.set(answer.center.id, { total: sum(answer.countsByType), shown: answer.nodes.length - 1, countsByType: answer.countsByType });
        return { nodes: answer.nodes, edges: answer.edges };
      }
      this.searchResults = { interpretation: answer.interpretation, hits: answer.results };
      return null;
    }
    return null;
  }

  /** Every loaded page of one expansion. */
  private async fetchExpansion(expansion: Expansion): Promise<{ nodes: NodeRecord[]; edges: EdgeRecord[] }[]> {
    const types = expansion.types.length ? expansion.types : this.state.types;
    const pages = await Promise.all(Array.from({ length: expansion.pages }, (_, page) =>
      api.neighborhood(expansion.id, { types, kinds: this.state.kinds, limit: PAGE, offset: page * PAGE })));
    const first = pages[0];
    if (first) {
      const total = types.length ? types.reduce((n, t) => n + (first.countsByType[t] ?? 0), 0) : sum(first.countsByType);
      const shown = new Set(pages.flatMap((p) => p.nodes.map((n) => n.id)));
      shown.delete(first.center.id);
      this.expansionInfo.set(expansion.id, { total: pages[pages.length - 1]!.truncated ? Math.max(total, shown.size + 1) : shown.size, shown: shown.size, countsByType: first.countsByType });
    }
    return pages;
  }

  /** Graph changed structurally: sync, highlight, lay out, publish to the URL. */
  private applyGraph(): void {
    const added = this.model.sync();
    this.renderer.sigma.setCustomBBox(null);
    this.updateHighlight();
    if (added.length > 0) this.layout.start();
    this.renderPanel();
    this.scheduleAnnotationCounts();
    this.updateNames();
  }

  private updateHighlight(): void {
    const path = this.path;
    if (!path || path.response.paths.length === 0) {
      this.renderer.setHighlight(null);
      return;
    }
    const nodes = new Set<string>();
    const edges = new Set<string>();
    for (const p of path.response.paths) {
      p.nodes.forEach((n) => nodes.add(n));
      p.edges.forEach((e) => edges.add(e));
    }
    const focus = path.response.paths.length > 1 ? new Set(path.response.paths[path.focus]?.edges ?? []) : new Set<string>();
    this.renderer.setHighlight({ nodes, edges, focusEdges: focus });
  }

  private pushUrl(replaceEntry = false): void {
    const search = encodeView(this.state);
    const target = search ? `?${search}` : location.pathname;
    if (`?${search}` === location.search || (!search && !location.search)) return;
    if (replaceEntry) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
  }

  // ----- actions -----

  async ask(phrase: string): Promise<void> {
    // The neighborhoods already open stay as context: a path shows highlighted, the rest dimmed.
    const expanded = isStartView(this.state) ? [START] : this.state.expanded;
    const state: ViewState = { ...this.state, q: phrase, from: "", to: "", expanded, hidden: [], selected: "" };
    await this.loadView(state, { keepCamera: false });
    this.pushUrl();
  }

  async findPath(): Promise<void> {
    const form = this.readPathForm();
    if (!form.from || !form.to) {
      this.setMessage("Give both ends of the path: From and To.", true);
      return;
    }
    const expanded = isStartView(this.state) ? [START] : this.state.expanded;
    const state: ViewState = { ...this.state, ...form, q: "", expanded, selected: "" };
    await this.loadView(state, { keepCamera: false });
    this.pushUrl();
  }

  clearPath(): void {
    this.state = { ...this.state, q: "", from: "", to: "", avoid: [] };
    this.path = null;
    this.searchResults = null;
    this.model.dropPart(QUERY_PART);
    this.fillForms();
    this.applyGraph();
    this.pushUrl();
  }

  /** Shows a node: selects it when drawn, else brings its neighborhood in. */
  async showNode(id: string): Promise<void> {
    if (!this.model.graph.hasNode(id)) await this.expandNode(id, []);
    this.selectNode(id);
    this.renderer.focusNode(id);
  }

  async expandNode(id: string, types: string[], more = false): Promise<void> {
    this.state.expanded = more ? morePages(this.state.expanded, id, types) : expand(this.state.expanded, id, types);
    this.state.hidden = this.state.hidden.filter((h) => h !== id);
    this.model.hidden.delete(id);
    const expansion = this.state.expanded.find((e) => e.id === id)!;
    try {
      const pages = await this.fetchExpansion(expansion);
      this.model.dropParts(`x:${id}`);
      pages.forEach((page, p) => this.model.addToPart(`x:${id}#${p}`, page.nodes, page.edges));
      this.applyGraph();
      this.pushUrl(true);
    } catch (error) {
      this.showError(error);
    }
  }

  collapseNode(id: string): void {
    const expanded = this.state.expanded.some((e) => e.id === id);
    if (expanded) {
      this.state.expanded = collapse(this.state.expanded, id);
      this.model.dropParts(`x:${id}`);
    } else {
      this.state.hidden = [...new Set([...this.state.hidden, id])];
      this.model.hidden.add(id);
      if (this.state.selected === `n:${id}`) this.state.selected = "";
    }
    this.applyGraph();
    this.pushUrl(true);
  }

  selectNode(id: string): void {
    this.state.selected = `n:${id}`;
    this.renderer.select("node", id);
    void this.renderNodePanel(id);
    this.pushUrl(true);
  }

  selectEdge(id: string): void {
    this.state.selected = `e:${id}`;
    this.renderer.select("edge", id);
    void this.renderEdgePanel(id);
    this.pushUrl(true);
  }

  clearSelection(): void {
    if (!this.state.selected) return;
    this.state.selected = "";
    this.renderer.select(null);
    this.renderPanel();
    this.pushUrl(true);
  }

  private restoreSelection(): void {
    const selected = this.state.selected;
    if (selected.startsWith("n:") && this.model.graph.hasNode(selected.slice(2))) this.selectNode(selected.slice(2));
    else if (selected.startsWith("e:") && this.model.graph.hasEdge(selected.slice(2))) this.selectEdge(selected.slice(2));
    else {
      this.state.selected = "";
      this.renderer.select(null);
    }
  }

  // ----- live -----

  private afterLiveChange(changes: { seq: number; kind: string; entityId: string }[], added: string[]): void {
    // The graph already holds the change (sync.ts applied it); add it to the feed and redraw what depends on it.
    for (const change of changes) this.pendingDrawn.push(change.seq);
    this.renderer.sigma.scheduleRender();
    const feed = byId("feed");
    byId("feed-empty").hidden = true;
    for (const change of changes.slice(-20)) {
      const name = this.model.nodes.get(change.entityId)?.name ?? this.model.edges.get(change.entityId)?.type ?? change.entityId;
      feed.prepend(h("li", { text: `#${change.seq} ${describe(change.kind)}: ${name}` }));
    }
    while (feed.childElementCount > 50) feed.lastElementChild?.remove();
    if (added.length > 0) {
      this.renderer.flash(added);
      this.layout.start(1200);
    }
    this.renderer.sigma.setCustomBBox(null);
    if (this.state.selected.startsWith("n:")) {
      const id = this.state.selected.slice(2);
      if (!this.model.graph.hasNode(id)) this.clearSelection();
      else if (changes.some((c) => c.entityId === id)) void this.renderNodePanel(id);
    }
    if (this.state.selected.startsWith("e:") && !this.model.graph.hasEdge(this.state.selected.slice(2))) this.clearSelection();
    this.updateNames();
  }

  private annotationChanged(change: ChangeEvent): void {
    this.scheduleAnnotationCounts();
    const selected = this.state.selected;
    if (selected.startsWith("e:")) {
      const edge = selected.slice(2);
      const target = (change.annotation as { targetId?: string } | undefined)?.targetId;
      if (!target || target === edge) void this.annotations.renderEdgeSection(byId("annotations"), edge).catch(() => {});
    }
  }

  private scheduleAnnotationCounts(): void {
    if (this.annotations.available !== true) return;
    window.clearTimeout(this.annotationTimer);
    this.annotationTimer = window.setTimeout(async () => {
      this.renderer.setAnnotationCounts(await this.annotations.counts(this.model.graph.edges()));
    }, 200);
  }

  private connection(state: ConnectionState): void {
    const element = byId("connection");
    element.className = `conn conn-${state}`;
    element.textContent = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" }[state];
    element.title = { connecting: "Connecting to live updates", live: "Other people's changes appear as they happen", reconnecting: "Connection lost; reconnecting", offline: "Offline: changes will be fetched when the connection is back" }[state];
  }

  // ----- panel -----

  private renderPanel(): void {
    const selected = this.state.selected;
    if (selected.startsWith("n:") && this.model.graph.hasNode(selected.slice(2))) {
      void this.renderNodePanel(selected.slice(2));
    } else if (selected.startsWith("e:") && this.model.graph.hasEdge(selected.slice(2))) {
      void this.renderEdgePanel(selected.slice(2));
    } else if (this.path) {
      this.renderPathPanel(this.path);
    } else if (this.searchResults) {
      this.renderSearchPanel(this.searchResults.interpretation, this.searchResults.hits);
    } else {
      this.renderHelpPanel();
    }
  }

  private renderHelpPanel(): void {
    replace(this.panel, h("section", {},
      h("h2", { text: "Explore" }),
      h("p", { text: "Type a name in the search box (press / to get there), or ask a question like “NATO to Balkans” or “neighbors of NATO”." }),
      h("p", { text: "Click a node for its details and to expand its neighborhood; click an edge for its evidence. Drag a node to pin it." }),
      h("p", { class: "muted", text: `${this.model.graph.order} nodes and ${this.model.graph.size} edges in view.` })));
  }

  private renderSearchPanel(interpretation: string, hits: SearchHit[]): void {
    replace(this.panel, h("section", { attrs: { "aria-label": "Search results" } },
      h("h2", { text: "Search results" }),
      h("p", { class: "muted", text: interpretation }),
      hits.length === 0 ? h("p", { text: "No node matches." }) : null,
      h("ul", { class: "results" }, ...hits.map((hit) => h("li", {},
        kindTag(hit.kind), " ",
        h("button", { class: "link", text: hit.name, attrs: { type: "button" }, on: { click: () => void this.showNode(hit.id) } }))))));
  }

  private renderPathPanel(result: PathResult): void {
    const response = result.response;
    const section = h("section", { attrs: { "aria-label": "Paths" } },
      h("h2", { text: result.interpretation }),
      h("p", { class: "muted", text: response.paths.length === 0 ? response.reason ?? "No path found." : `${response.paths.length} path${response.paths.length > 1 ? "s" : ""} (${response.mode})` }));
    const nodes = new Map(response.nodes.map((n) => [n.id, n] as const));
    for (const [id, record] of this.model.nodes) if (!nodes.has(id)) nodes.set(id, record);
    const edges = new Map(response.edges.map((e) => [e.id, e] as const));
    const list = h("ol", { class: "paths" });
    response.paths.forEach((path, index) => list.appendChild(this.renderPath(path, index, result, nodes, edges)));
    section.appendChild(list);
    replace(this.panel, section);
  }

  private renderPath(path: GraphPath, index: number, result: PathResult, nodes: Map<string, NodeRecord>, edges: Map<string, EdgeRecord>): HTMLElement {
    const hops = h("ol", { class: "hops" });
    path.nodes.forEach((id, i) => {
      const node = nodes.get(id);
      hops.appendChild(h("li", { class: "hop-node" },
        node ? kindTag(node.kind) : null,
        h("button", { class: "link", text: node?.name ?? id, attrs: { type: "button" }, on: { click: () => this.selectNode(id) } })));
      const edgeId = path.edges[i];
      const edge = edgeId ? edges.get(edgeId) : undefined;
      if (edge) {
        hops.appendChild(h("li", { class: "hop-edge", attrs: { "aria-label": `Relation ${edge.type}` } },
          h("button", { class: "link relation", text: edge.source === id ? `${edge.type} →` : `← ${edge.type}`, attrs: { type: "button", "aria-label": `Edge ${edge.type} details` }, on: { click: () => this.selectEdge(edge.id) } }),
          evidenceList(edge, this.sourceTitles)));
      }
    });
    const multiple = result.response.paths.length > 1;
    return h("li", { class: `path${multiple && index === result.focus ? " focused" : ""}`, attrs: { "aria-label": `Path ${index + 1}` } },
      h("div", { class: "path-head" },
        h("strong", { text: `Path ${index + 1}: ${path.length} hop${path.length === 1 ? "" : "s"}` }),
        h("span", { class: "muted", text: `cost ${path.cost}` }),
        multiple ? h("button", { text: "Focus", attrs: { type: "button", "aria-pressed": String(index === result.focus) }, on: { click: () => { result.focus = index; this.updateHighlight(); this.renderPathPanel(result); } } }) : null),
      path.why ? h("p", { class: "why muted", text: path.why }) : null,
      hops);
  }

  private async renderNodePanel(id: string): Promise<void> {
    const record = this.model.nodes.get(id);
    const container = h("section", { attrs: { "aria-label": "Node details" } });
    replace(this.panel, container, this.backToPath());
    const draw = (details: { degree: number; countsByType: Record<string, number> } | null) => {
      const node = this.model.nodes.get(id) ?? record;
      if (!node) return;
      const expanded = this.state.expanded.find((e) => e.id === id);
      const info = this.expansionInfo.get(id);
      const pinned = this.model.graph.hasNode(id) && this.model.graph.getNodeAttribute(id, "fixed") === true;
      const counts = details?.countsByType ?? info?.countsByType ?? {};
      const more = expanded && info ? Math.max(0, info.total - info.shown) : 0;
      replace(container,
        h("h2", {}, node.name),
        h("dl", {},
          h("dt", { text: "Kind" }), h("dd", {}, kindTag(node.kind)),
          h("dt", { text: "Id" }), h("dd", { text: node.id }),
          node.aliases.length ? h("dt", { text: "Aliases" }) : null, node.aliases.length ? h("dd", { text: node.aliases.join("; ") }) : null,
          details ? h("dt", { text: "Degree" }) : null, details ? h("dd", { text: String(details.degree) }) : null),
        node.description ? h("p", { text: node.description }) : null,
        h("div", { class: "actions" },
          h("button", { text: expanded ? "Expand again" : "Expand", class: "primary", attrs: { type: "button" }, on: { click: () => void this.expandNode(id, expanded?.types ?? []) } }),
          expanded || this.model.graph.hasNode(id) ? h("button", { text: expanded ? "Collapse" : "Hide", attrs: { type: "button" }, on: { click: () => this.collapseNode(id) } }) : null,
          more > 0 ? h("button", { text: `${more} more`, attrs: { type: "button", "aria-label": `Show ${Math.min(PAGE, more)} more of ${more} hidden neighbors` }, on: { click: () => void this.expandNode(id, expanded?.types ?? [], true) } }) : null,
          h("button", { text: pinned ? "Unpin" : "Pin", attrs: { type: "button" }, on: { click: () => { this.renderer.setPinned(id, !pinned); void this.renderNodePanel(id); } } }),
          h("button", { text: "Path from here", attrs: { type: "button" }, on: { click: () => { byId<HTMLInputElement>("path-from").value = node.id; byId<HTMLInputElement>("path-to").focus(); } } }),
          h("button", { text: "Path to here", attrs: { type: "button" }, on: { click: () => { byId<HTMLInputElement>("path-to").value = node.id; byId<HTMLInputElement>("path-from").focus(); } } })),
        Object.keys(counts).length ? h("h3", { text: "Edges by type" }) : null,
        h("ul", { class: "counts" }, ...Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([type, n]) => h("li", {},
          h("span", { class: "relation", text: `${type} (${n})` }),
          h("button", {
            text: expanded?.types.length === 1 && expanded.types[0] === type ? "Shown" : "Show",
            attrs: { type: "button", "aria-label": `Show ${type} neighbors (${n})` },
            on: { click: () => void this.expandNode(id, [type]) },
          })))));
    };
    draw(null);
    const details = await orNull(api.node(id)).catch(() => null);
    if (this.state.selected === `n:${id}`) draw(details);
  }

  private async renderEdgePanel(id: string): Promise<void> {
    const edge = this.model.edges.get(id);
    if (!edge) return;
    const source = this.model.nodes.get(edge.source);
    const target = this.model.nodes.get(edge.target);
    const annotationSection = h("section", { attrs: { id: "annotations", "aria-label": "Annotations" } });
    annotationSection.hidden = true;
    replace(this.panel,
      h("section", { attrs: { "aria-label": "Edge details" } },
        h("h2", { text: edge.type }),
        relationLine(edge, edge.source, this.model.nodes),
        h("div", { class: "actions" },
          h("button", { class: "link", text: source?.name ?? edge.source, attrs: { type: "button" }, on: { click: () => this.selectNode(edge.source) } }),
          h("span", { text: "→" }),
          h("button", { class: "link", text: target?.name ?? edge.target, attrs: { type: "button" }, on: { click: () => this.selectNode(edge.target) } })),
        h("h3", { text: "Evidence" }),
        evidenceList(edge, this.sourceTitles)),
      annotationSection,
      this.backToPath());
    await this.annotations.renderEdgeSection(annotationSection, id).catch(() => {});
  }

  private backToPath(): HTMLElement | null {
    if (!this.path && !this.searchResults) return null;
    return h("button", { class: "link", text: this.path ? "← Back to the paths" : "← Back to the results", attrs: { type: "button" }, on: { click: () => this.clearSelection() } });
  }

  // ----- controls -----

  private wireControls(): void {
    byId<HTMLFormElement>("path-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.findPath();
    });
    byId("path-clear").addEventListener("click", () => this.clearPath());
    byId("path-swap").addEventListener("click", () => {
      const from = byId<HTMLInputElement>("path-from");
      const to = byId<HTMLInputElement>("path-to");
      [from.value, to.value] = [to.value, from.value];
    });
    byId<HTMLSelectElement>("path-mode").addEventListener("change", () => this.syncModeField());
    byId("fit").addEventListener("click", () => this.renderer.fit());
    byId("zoom-in").addEventListener("click", () => this.renderer.zoom(1.5));
    byId("zoom-out").addEventListener("click", () => this.renderer.zoom(1 / 1.5));
    byId("relayout").addEventListener("click", () => this.layout.start());
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-export]")) {
      button.addEventListener("click", () => {
        void this.export(button.dataset["export"] ?? "");
        button.closest("details")?.removeAttribute("open");
      });
    }
    const kinds = byId("filter-kinds");
    for (const kind of NODE_KINDS) kinds.appendChild(checkbox("kind", kind, kind));
    const types = byId("filter-types");
    for (const type of EDGE_TYPES) types.appendChild(checkbox("type", type, type));
    byId("path-form").addEventListener("change", (event) => {
      const target = event.target as HTMLInputElement;
      if (target.name !== "kind" && target.name !== "type") return;
      const form = this.readPathForm();
      this.state.types = form.types;
      this.state.kinds = form.kinds;
      this.updateFilterBadge();
      // Filters re-run the question and the expansions.
      void this.loadView(this.state, { keepCamera: true }).then(() => this.pushUrl(true));
    });
    document.addEventListener("keydown", (event) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement;
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        this.search.focus();
      } else if (event.key === "Escape") {
        if (typing) (event.target as HTMLElement).blur();
        for (const open of document.querySelectorAll("details[open]")) open.removeAttribute("open");
        this.search.value = "";
        this.search.close();
        this.clearSelection();
      }
    });
    window.addEventListener("resize", () => this.renderer.sigma.resize());
  }

  private readPathForm(): Pick<ViewState, "from" | "to" | "mode" | "k" | "maxHops" | "avoid" | "types" | "kinds"> {
    const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
    const checked = (name: string) => [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
    return {
      from: value("path-from"),
      to: value("path-to"),
      mode: byId<HTMLSelectElement>("path-mode").value as PathMode,
      k: clampInt(value("path-k"), 1, 10, 3),
      maxHops: clampInt(value("path-hops"), 1, 10, 6),
      avoid: value("path-avoid").split(",").map((s) => s.trim()).filter((s) => s.length > 0),
      types: checked("type"),
      kinds: checked("kind"),
    };
  }

  private fillForms(): void {
    const s = this.state;
    byId<HTMLInputElement>("path-from").value = s.from;
    byId<HTMLInputElement>("path-to").value = s.to;
    byId<HTMLSelectElement>("path-mode").value = s.mode;
    byId<HTMLInputElement>("path-k").value = String(s.k);
    byId<HTMLInputElement>("path-hops").value = String(s.maxHops);
    byId<HTMLInputElement>("path-avoid").value = s.avoid.join(", ");
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="type"]')) input.checked = s.types.includes(input.value);
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="kind"]')) input.checked = s.kinds.includes(input.value);
    if (s.q && document.activeElement !== byId("search")) this.search.value = s.q;
    this.syncModeField();
    this.updateFilterBadge();
  }

  private syncModeField(): void {
    byId("path-k-label").hidden = byId<HTMLSelectElement>("path-mode").value !== "k";
  }

  private updateFilterBadge(): void {
    const count = this.state.types.length + this.state.kinds.length;
    const badge = byId("filter-count");
    badge.hidden = count === 0;
    badge.textContent = String(count);
    badge.setAttribute("aria-label", `${count} filters on`);
  }

  private updateNames(): void {
    const list = byId("node-names");
    const names = [...this.model.nodes.values()].filter((n) => this.model.graph.hasNode(n.id)).slice(0, 500);
    replace(list, ...names.map((n) => h("option", { attrs: { value: n.id }, text: n.name })));
  }

  private renderLegend(): void {
    replace(byId("legend"),
      ...NODE_KINDS.map((kind) => h("span", { class: "legend-item" }, h("span", { class: `swatch kind-${kind}`, attrs: { "aria-hidden": "true" } }), kind)),
      h("span", { class: "legend-item" }, h("span", { class: "swatch edge-swatch edge-path", attrs: { "aria-hidden": "true" } }), "Path"),
      h("span", { class: "legend-item" }, h("span", { class: "swatch edge-swatch edge-annotated", attrs: { "aria-hidden": "true" } }), "Annotated"));
    void KIND_COLORS;
  }

  private async export(format: string): Promise<void> {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const { graph, nodes, edges } = this.model;
    if (format === "png") download(`explorer-${stamp}.png`, await toPng(this.renderer.sigma));
    if (format === "svg") download(`explorer-${stamp}.svg`, new Blob([toSvg(this.renderer.sigma, graph)], { type: "image/svg+xml" }));
    if (format === "json") download(`explorer-${stamp}.json`, new Blob([toJson(graph, nodes, edges)], { type: "application/json" }));
    if (format === "graphml") download(`explorer-${stamp}.graphml`, new Blob([toGraphMl(graph, nodes, edges)], { type: "application/graphml+xml" }));
  }

  private setMessage(text: string, error = false): void {
    this.message.textContent = text;
    this.message.classList.toggle("error", error);
  }

  private showError(error: unknown): void {
    console.error(error);
    if (error instanceof ApiError) {
      const names = [...(error.problem.candidates ?? []), ...(error.problem.suggestions ?? [])].map((c) => c.name);
      this.setMessage(`${error.problem.title ?? "Error"}: ${error.problem.detail ?? ""}${names.length ? ` Did you mean: ${names.join(", ")}?` : ""}`, true);
    } else {
      this.setMessage(`Something went wrong: ${String(error)}`, true);
    }
  }

  /** The test hook: what the canvas holds, for browser tests and benchmarks. */
  hook() {
    return {
      get ready() { return app.ready; },
      nodes: () => this.model.graph.nodes(),
      edges: () => this.model.graph.edges(),
      highlighted: () => {
        const h = this.renderer.getHighlight();
        return h ? [...h.nodes, ...h.edges] : [];
      },
      lastSeq: () => this.sync.lastSeq,
      firstGraphPaint: () => this.firstGraphPaint,
      drawnAt: (seq: number) => this.drawnAt.get(seq) ?? 0,
      label: (id: string) => (this.model.graph.hasNode(id) ? this.model.graph.getNodeAttribute(id, "label") : null),
      selected: () => this.state.selected,
      cspViolations: () => [...this.cspViolations],
      layoutRunning: () => this.layout.isRunning,
      annotationCount: (id: string) => this.renderer.annotationCount(id),
      select: (id: string) => this.selectNode(id),
      selectEdge: (id: string) => this.selectEdge(id),
      idle: () => this.sync.idle(),
      exportJson: () => toJson(this.model.graph, this.model.nodes, this.model.edges),
      exportGraphMl: () => toGraphMl(this.model.graph, this.model.nodes, this.model.edges),
      exportSvg: () => toSvg(this.renderer.sigma, this.model.graph),
    };
  }
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function clampInt(text: string, min: number, max: number, fallback: number): number {
  const n = Math.trunc(Number(text));
  return Number.isFinite(n) && text !== "" ? Math.min(max, Math.max(min, n)) : fallback;
}

function checkbox(name: string, value: string, label: string): HTMLLabelElement {
  return h("label", {}, h("input", { attrs: { type: "checkbox", name, value } }), ` ${label}`);
}

function describe(kind: string): string {
  return ({ NodeUpserted: "node saved", NodeRemoved: "node removed", EdgeUpserted: "edge saved", EdgeRemoved: "edge removed", GraphReloaded: "graph reloaded" } as Record<string, string>)[kind] ?? kind;
}

declare global {
  interface Window {
    __explorer: ReturnType<App["hook"]>;
  }
}

const app = new App();
window.__explorer = app.hook();
void app.start();
