import { api, ApiError } from "../api";
import { Layout } from "../layout";
import { QUERY_PART, ViewModel } from "../model";
import { Renderer } from "../renderer";
import {
  collapse, decodeView, DEFAULTS, emptyView, encodeView, expand, hasPathQuestion, morePages, takesK, withoutDate, type Expansion, type PathMode, type ViewState,
} from "../state";
import type { EdgeRecord, NodeRecord, PathsResponse, SearchHit } from "../types";
import { byId } from "../ui/dom";

// The view: what the analyst asked (ViewState, mirrored in the URL), the graph it produced, and the actions
// that change it. Panels, controls and the live channel read and drive it; it draws nothing but the canvas.

/** The part holding an edge a link selected (and its ends). */
const LINKED_PART = "linked";

/** Neighbors per page when expanding; a supernode shows "N more" instead of flooding the canvas. */
export const PAGE = 25;
/**
 * What an empty URL shows: the story of the essay, its actors and the missions they conducted (NATO, the
 * African Union, the UN, the United States), rather than one organization's member list. An actor missing
 * from the dataset is simply left out.
 */
const START: Expansion[] = ["nato", "african-union", "un", "united-states"].map((id) => ({ id, types: ["CONDUCTED"], pages: 1 }));

export function isStartView(state: ViewState): boolean {
  return !state.q && !hasPathQuestion(state) && state.expanded.length === 0;
}

export interface PathResult {
  response: PathsResponse;
  focus: number;
  interpretation: string;
}

export interface ExpansionInfo {
  total: number;
  shown: number;
  countsByType: Record<string, number>;
}

/** What the view needs from the modules around it (set once by main.ts). */
export interface ViewPeers {
  /** Redraws the side panel for the current state. */
  renderPanel(): void;
  renderNodePanel(id: string): Promise<void>;
  renderEdgePanel(id: string): Promise<void>;
  /** Puts the state into the path bar and search box. */
  fillForms(): void;
  /** Keeps the names datalist in step with the canvas. */
  updateNames(): void;
  /** Refreshes annotation markers after the set of edges changed. */
  scheduleAnnotationCounts(): void;
}

export class ExplorerView {
  readonly model = new ViewModel();
  readonly renderer: Renderer;
  readonly layout: Layout;
  state: ViewState = emptyView();
  path: PathResult | null = null;
  searchResults: { interpretation: string; hits: SearchHit[] } | null = null;
  /** The last question's failure (shown in the panel until the next answer). */
  error: unknown = null;
  readonly expansionInfo = new Map<string, ExpansionInfo>();
  /** Relations per drawn node that is not expanded (as of the date and of the review statuses in countsKey): for "N more". */
  private readonly edgeCounts = new Map<string, number>();
  private readonly counting = new Set<string>();
  /** Relation counts still being asked for (a view that draws every label is fitted again when they come). */
  get countsPending(): boolean {
    return this.counting.size > 0;
  }
  private countsKey = "";
  peers!: ViewPeers;
  private viewLoads = 0;
  /** How many view loads have finished (with a view or an error): for tests waiting on an answer. */
  loadsDone = 0;
  /** The analyst moved the camera since the view was loaded (so it is not fitted automatically). */
  private userCamera = false;
  private cameraTimer = 0;
  private readonly message = byId("canvas-message");

  constructor() {
    this.renderer = new Renderer(this.model.graph, byId("graph"), {
      clickNode: (id) => this.selectNode(id),
      clickEdge: (id) => this.selectEdge(id),
      clickStage: () => this.clearSelection(),
      pinned: (id) => {
        this.layout.stop();
        this.setPinned(id, true);
      },
      drawingLost: () => this.setMessage("The browser keeps taking the graph's drawing (WebGL) away from this page: reload it to draw the graph again.", true),
    });
    this.layout = new Layout(this.model.graph);
    // The view is fitted whenever the layout settles, unless the analyst has moved the camera since.
    this.layout.onStop = () => this.settled();
    const container = byId("graph");
    // The toolbar and the legend float over the canvas: a fitted view keeps clear of them.
    const overlays = [byId("legend"), document.querySelector<HTMLElement>(".canvas-tools")].filter((e): e is HTMLElement => e !== null);
    this.renderer.overlays = () => {
      const origin = container.getBoundingClientRect();
      return overlays.map((element) => {
        const r = element.getBoundingClientRect();
        return { left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left, bottom: r.bottom - origin.top };
      });
    };
    let pressing = false;
    container.addEventListener("wheel", () => this.cameraMovedByUser(), { passive: true });
    container.addEventListener("pointerdown", () => (pressing = true), { passive: true });
    window.addEventListener("pointerup", () => (pressing = false), { passive: true });
    // (The camera outlives a sigma replaced after a lost WebGL context: this stays on it.)
    this.renderer.sigma.getCamera().on("updated", () => {
      if (pressing) this.cameraMovedByUser();
      if (!this.userCamera) return;
      window.clearTimeout(this.cameraTimer);
      this.cameraTimer = window.setTimeout(() => {
        const { x, y, ratio } = this.renderer.sigma.getCamera().getState();
        this.state.camera = { x, y, ratio };
        this.pushUrl(true);
      }, 300);
    });
  }

  /** The analyst moved the camera (wheel, drag, zoom buttons): stop fitting automatically. */
  cameraMovedByUser(): void {
    this.userCamera = true;
  }

  /** Back to automatic fitting (the Fit button). */
  fit(): void {
    this.userCamera = false;
    this.state.camera = null;
    this.renderer.fit();
    this.pushUrl(true);
  }

  private settled(): void {
    // A small view's nodes are moved apart until every label has room, then all labels are drawn.
    this.renderer.makeRoomForLabels();
    if (this.state.camera && !this.userCamera) {
      // A link's camera: applied once the layout has placed the nodes it frames.
      this.userCamera = true;
      this.renderer.sigma.getCamera().setState(this.state.camera);
    } else if (!this.userCamera) {
      this.renderer.fit();
    }
  }

  setPinned(id: string, pinned: boolean): void {
    this.renderer.setPinned(id, pinned);
    this.state.pins = this.state.pins.filter((p) => p.id !== id);
    if (pinned && this.model.graph.hasNode(id)) {
      const { x, y } = this.model.graph.getNodeAttributes(id);
      this.state.pins.push({ id, x, y });
    }
    this.pushUrl(true);
    if (this.state.selected === `n:${id}`) void this.peers.renderNodePanel(id);
  }

  private applyPins(): void {
    for (const pin of this.state.pins) {
      if (!this.model.graph.hasNode(pin.id)) continue;
      this.model.graph.mergeNodeAttributes(pin.id, { x: pin.x, y: pin.y, fixed: true });
    }
  }

  // ----- loading -----

  /**
   * Builds the graph for a view state: its question (path, phrase) plus every expansion. Opened from a link
   * (fromLink), a selected edge is drawn even when nothing else in the view holds it: a quote's "open the edge"
   * in the source view names the edge, and the analyst expects to land on it.
   */
  async loadView(state: ViewState, options: { keepCamera: boolean; fromLink?: boolean }): Promise<void> {
    const load = ++this.viewLoads;
    this.state = { ...state };
    this.peers.fillForms();
    this.setMessage("Loading…");
    const isEmpty = isStartView(state);
    try {
      // The question first: a "neighbors of X" phrase becomes an expansion of X, paged like Expand.
      const question = await this.fetchQuestion(state);
      const expansions = isEmpty ? START : this.state.expanded;
      const linkedEdge = options.fromLink && state.selected.startsWith("e:") ? state.selected.slice(2) : "";
      const [pages, linked] = await Promise.all([
        Promise.all(expansions.map((e) => this.fetchExpansion(e).catch(() => null))),
        linkedEdge ? this.fetchEdgeWithEnds(linkedEdge).catch(() => null) : null,
      ]);
      if (load !== this.viewLoads) return;
      this.error = null;
      for (const key of this.model.partKeys()) this.model.dropPart(key);
      this.model.hidden.clear();
      for (const id of state.hidden) this.model.hidden.add(id);
      if (question) this.model.addToPart(QUERY_PART, question.nodes, question.edges);
      pages.forEach((result, i) => {
        if (!result) return;
        result.forEach((page, p) => this.model.addToPart(`x:${expansions[i]!.id}#${p}`, page.nodes, page.edges));
      });
      if (linked) this.model.addToPart(LINKED_PART, linked.nodes, linked.edges);
      this.applyPins();
      this.applyGraph();
      const noPath = this.path && this.path.response.paths.length === 0 ? this.path.response.reason ?? "No path within these bounds." : null;
      this.setMessage(noPath ?? (this.model.graph.order === 0 ? "Nothing to show yet: search for a name, or ask “NATO to Balkans”." : ""), noPath !== null);
      if (!options.keepCamera) {
        this.userCamera = false;
        if (this.state.camera) {
          if (!this.layout.isRunning) this.settled();
        } else this.renderer.fit();
      }
      this.restoreSelection();
    } catch (error) {
      if (load !== this.viewLoads) return;
      // An answer that failed replaces the last one too: no stale results under an error.
      this.path = null;
      this.searchResults = null;
      this.error = error;
      this.model.dropPart(QUERY_PART);
      this.state.selected = "";
      this.renderer.select(null);
      this.applyGraph();
      this.showError(error);
    } finally {
      if (load === this.viewLoads) this.loadsDone++;
    }
  }

  /** Re-reads the URL (back/forward). */
  loadFromUrl(): Promise<void> {
    return this.loadView(decodeView(location.search), { keepCamera: false, fromLink: true });
  }

  /** An edge and its two ends, for a link that selects it. */
  private async fetchEdgeWithEnds(id: string): Promise<{ nodes: NodeRecord[]; edges: EdgeRecord[] }> {
    const edge = await api.edge(id);
    const nodes = await Promise.all([api.node(edge.source), api.node(edge.target)]);
    return { nodes, edges: [edge] };
  }

  /** The query part: a path question or a typed phrase. */
  private async fetchQuestion(state: ViewState): Promise<{ nodes: NodeRecord[]; edges: EdgeRecord[] } | null> {
    this.path = null;
    this.searchResults = null;
    if (hasPathQuestion(state) && !state.q) {
      const response = await this.fetchPaths(state);
      this.path = { response, focus: 0, interpretation: `Paths from ${response.from.name} to ${response.to.name}` };
      return response;
    }
    if (state.q) {
      // A phrase with its own date ("NATO to Balkans as of 1995") sets the date; otherwise the view's date applies.
      const ownDate = withoutDate(state.q) !== state.q;
      const answer = await api.query(state.q, ownDate ? undefined : state.asOf, undefined, state.status);
      this.state.asOf = answer.asOf ?? "";
      if (answer.kind === "path") {
        // The phrase named the ends and chose the mode ("how is X related to Y" ranks k paths, with the
        // server's default k): the path bar now holds them, so the controls show what produced the view, the
        // link restores it, and mode, hops and filters apply to it from here on.
        this.state.from = answer.from.id;
        this.state.to = answer.to.id;
        this.state.mode = answer.mode as PathMode;
        this.state.k = DEFAULTS.k;
        this.peers.fillForms();
        const narrowed = state.types.length + state.kinds.length + state.avoid.length > 0 || state.maxHops !== DEFAULTS.maxHops;
        const response = narrowed ? await this.fetchPaths(this.state) : answer;
        this.path = { response, focus: 0, interpretation: answer.interpretation };
        return response;
      }
      if (answer.kind === "neighborhood") {
        // Paged like Expand (its first page, then "N more"), with the center selected to show the count.
        if (!this.state.expanded.some((e) => e.id === answer.center.id)) this.state.expanded = expand(this.state.expanded, answer.center.id);
        if (!this.state.selected) this.state.selected = `n:${answer.center.id}`;
        return { nodes: [answer.center], edges: [] };
      }
      this.searchResults = { interpretation: answer.interpretation, hits: answer.results };
      // A name that matches one node exactly shows that node and its neighbors; the panel lists the rest.
      const top = answer.results[0];
      if (top && top.match === "Exact" && answer.results[1]?.match !== "Exact") {
        if (!this.state.expanded.some((e) => e.id === top.id)) this.state.expanded = expand(this.state.expanded, top.id);
      }
      return null;
    }
    return null;
  }

  private fetchPaths(state: ViewState) {
    return api.paths({
      from: state.from, to: state.to, mode: state.mode, k: takesK(state.mode) ? state.k : undefined,
      maxHops: state.maxHops, types: state.types, kinds: state.kinds, avoid: state.avoid, asOf: state.asOf, status: state.status,
    });
  }

  /** Every loaded page of one expansion. */
  private async fetchExpansion(expansion: Expansion): Promise<{ nodes: NodeRecord[]; edges: EdgeRecord[] }[]> {
    const types = expansion.types.length ? expansion.types : this.state.types;
    const pages = await Promise.all(Array.from({ length: expansion.pages }, (_, page) =>
      api.neighborhood(expansion.id, { types, kinds: this.state.kinds, limit: PAGE, offset: page * PAGE, asOf: this.state.asOf, status: this.state.status })));
    const first = pages[0];
    if (first) {
      const total = types.length ? types.reduce((n, t) => n + (first.countsByType[t] ?? 0), 0) : sum(first.countsByType);
      const shown = new Set(pages.flatMap((p) => p.nodes.map((n) => n.id)));
      shown.delete(first.center.id);
      this.expansionInfo.set(expansion.id, { total: pages[pages.length - 1]!.truncated ? Math.max(total, shown.size + 1) : shown.size, shown: shown.size, countsByType: first.countsByType });
    }
    return pages;
  }

  /** Graph changed structurally: sync, highlight, lay out, redraw what depends on it. */
  applyGraph(): void {
    const added = this.model.sync();
    this.renderer.setMore(this.hiddenNeighbors());
    void this.countEdges();
    this.renderer.sigma.setCustomBBox(null);
    this.updateHighlight();
    if (added.length > 0) this.layout.start();
    this.peers.renderPanel();
    this.peers.scheduleAnnotationCounts();
    this.peers.updateNames();
  }

  /** Every drawn node with more relations than drawn, and how many more ("N more" on the canvas and panel). */
  hiddenNeighbors(): Map<string, number> {
    const more = new Map<string, number>();
    const graph = this.model.graph;
    const expanded = this.expandedIds();
    for (const id of graph.nodes()) {
      const info = expanded.has(id) ? this.expansionInfo.get(id) : undefined;
      const total = info ? sum(info.countsByType) : this.edgeCounts.get(id);
      if (total === undefined) continue;
      // Edges the node has in the store (as of the view's date), less the edges drawn at it.
      const n = Math.max(0, total - graph.degree(id));
      if (n > 0) more.set(id, n);
    }
    return more;
  }

  /**
   * Learns how many relations each drawn node has (as of the view's date, of its review statuses), a few requests
   * at a time, so that every node, not only expanded ones, says "N more" when some are not drawn. Counts are kept
   * per date and review filter and forgotten for a node when a live change touches it.
   */
  private async countEdges(): Promise<void> {
    const { asOf, status } = this.state;
    const key = `${asOf}|${status}`;
    if (key !== this.countsKey) {
      this.edgeCounts.clear();
      this.countsKey = key;
    }
    const expanded = this.expandedIds();
    const wanted = this.model.graph.nodes().filter((id) => !expanded.has(id) && !this.edgeCounts.has(id) && !this.counting.has(id));
    if (wanted.length === 0) return;
    for (const id of wanted) this.counting.add(id);
    const queue = [...wanted];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          const answer = await api.neighborhood(id, { limit: 1, asOf, status });
          if (this.countsKey === key) this.edgeCounts.set(id, sum(answer.countsByType));
        } catch {
          // A node removed meanwhile, or the server unreachable: no count, no "N more".
        } finally {
          this.counting.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(6, wanted.length) }, worker));
    if (this.countsKey !== key) return;
    // Labels that grew ("N more") on a view that draws them all: room and fit again, once the layout is done.
    if (this.renderer.setMore(this.hiddenNeighbors()) && !this.layout.isRunning) this.settled();
    const selected = this.state.selected;
    if (selected.startsWith("n:") && wanted.includes(selected.slice(2))) void this.peers.renderNodePanel(selected.slice(2));
  }

  /** The nodes whose neighborhoods the view shows (their counts come with the expansion). */
  private expandedIds(): Set<string> {
    return new Set((isStartView(this.state) ? START : this.state.expanded).map((e) => e.id));
  }

  /** A live change touched these nodes (null: any node): their relation counts are asked again. */
  forgetCounts(ids: Iterable<string> | null): void {
    if (ids === null) this.edgeCounts.clear();
    else for (const id of ids) this.edgeCounts.delete(id);
    this.renderer.setMore(this.hiddenNeighbors());
    void this.countEdges();
  }

  updateHighlight(): void {
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

  pushUrl(replaceEntry = false): void {
    const search = encodeView(this.state);
    const target = search ? `?${search}` : location.pathname;
    if (`?${search}` === location.search || (!search && !location.search)) return;
    if (replaceEntry) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
  }

  // ----- actions -----

  async ask(phrase: string, bounds: Partial<Pick<ViewState, "maxHops" | "avoid" | "types" | "kinds" | "status">> = {}): Promise<void> {
    // Each answer replaces the last: a new question starts from an empty canvas, within the path bar's bounds.
    const state: ViewState = { ...this.state, ...bounds, q: phrase, from: "", to: "", expanded: [], hidden: [], selected: "", camera: null, pins: [] };
    await this.loadView(state, { keepCamera: false });
    this.pushUrl();
  }

  async findPath(form: Pick<ViewState, "from" | "to" | "mode" | "k" | "maxHops" | "avoid" | "types" | "kinds" | "status">): Promise<void> {
    if (!form.from || !form.to) {
      this.setMessage("Give both ends of the path: From and To.", true);
      return;
    }
    // Asking the same ends again (other mode, hops, filters) keeps the analyst's expansions; new ends replace them.
    const same = form.from === this.state.from && form.to === this.state.to;
    const state: ViewState = { ...this.state, ...form, q: "", expanded: same ? this.state.expanded : [], hidden: same ? this.state.hidden : [], selected: same ? this.state.selected : "", camera: null };
    await this.loadView(state, { keepCamera: false });
    this.pushUrl();
  }

  /** The time slider: the same question and expansions as of another date ("" for all dates). */
  async setAsOf(asOf: string): Promise<void> {
    if (asOf === this.state.asOf) return;
    // A phrase's own date gives way to the slider's.
    const state: ViewState = { ...this.state, asOf, q: withoutDate(this.state.q) };
    await this.loadView(state, { keepCamera: this.userCamera });
    this.pushUrl();
  }

  clearPath(): void {
    this.state = { ...this.state, q: "", from: "", to: "", avoid: [] };
    this.path = null;
    this.searchResults = null;
    this.model.dropPart(QUERY_PART);
    this.peers.fillForms();
    this.applyGraph();
    this.pushUrl();
  }

  /** Re-asks the current question with other bounds (the no-path panel's "Try 6 hops"). */
  retryWith(change: Partial<Pick<ViewState, "maxHops" | "types" | "kinds" | "avoid">>): void {
    void this.loadView({ ...this.state, ...change }, { keepCamera: false }).then(() => this.pushUrl());
  }

  /** A suggested name picked after an unknown or ambiguous one: it replaces the end that failed, or is shown. */
  pickSuggestion(id: string, field: string | undefined): void {
    if (!this.state.q && (field === "from" || field === "to") && hasPathQuestion(this.state)) {
      void this.findPath({ ...this.state, [field]: id });
    } else {
      void this.loadView({ ...emptyView(), types: this.state.types, kinds: this.state.kinds, expanded: [{ id, types: [], pages: 1 }], selected: `n:${id}` }, { keepCamera: false }).then(() => this.pushUrl());
    }
  }

  /** The Review select: the same question and expansions, following only edges of those review statuses ("" for all). */
  async setStatus(status: ViewState["status"]): Promise<void> {
    if (status === this.state.status) return;
    await this.loadView({ ...this.state, status }, { keepCamera: true });
    this.pushUrl(true);
  }

  /** Filters changed: re-run the question and the expansions. */
  setFilters(types: string[], kinds: string[]): void {
    this.state.types = types;
    this.state.kinds = kinds;
    void this.loadView(this.state, { keepCamera: true }).then(() => this.pushUrl(true));
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
    void this.peers.renderNodePanel(id);
    this.pushUrl(true);
  }

  selectEdge(id: string): void {
    this.state.selected = `e:${id}`;
    this.renderer.select("edge", id);
    void this.peers.renderEdgePanel(id);
    this.pushUrl(true);
  }

  clearSelection(): void {
    if (!this.state.selected) return;
    this.state.selected = "";
    this.renderer.select(null);
    this.peers.renderPanel();
    this.pushUrl(true);
  }

  /** Focuses one of several paths. */
  focusPath(index: number): void {
    if (!this.path) return;
    this.path.focus = index;
    this.updateHighlight();
    this.peers.renderPanel();
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

  // ----- messages -----

  setMessage(text: string, error = false): void {
    this.message.textContent = text;
    this.message.classList.toggle("error", error);
  }

  showError(error: unknown): void {
    console.error(error);
    if (error instanceof ApiError) {
      const names = [...(error.problem.candidates ?? []), ...(error.problem.suggestions ?? [])].map((c) => c.name);
      this.setMessage(`${error.problem.title ?? "Error"}: ${error.problem.detail ?? ""}${names.length ? ` Did you mean: ${names.join(", ")}?` : ""}`, true);
    } else {
      this.setMessage(`Something went wrong: ${String(error)}`, true);
    }
  }
}

export function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
