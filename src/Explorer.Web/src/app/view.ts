import { api, ApiError } from "../api";
import { Layout } from "../layout";
import { QUERY_PART, ViewModel } from "../model";
import { Renderer } from "../renderer";
import {
  collapse, decodeView, emptyView, encodeView, expand, hasPathQuestion, morePages, type Expansion, type ViewState,
} from "../state";
import type { EdgeRecord, NodeRecord, PathsResponse, SearchHit } from "../types";
import { byId } from "../ui/dom";

// The view: what the analyst asked (ViewState, mirrored in the URL), the graph it produced, and the actions
// that change it. Panels, controls and the live channel read and drive it; it draws nothing but the canvas.

/** Neighbors per page when expanding; a supernode shows "N more" instead of flooding the canvas. */
export const PAGE = 25;
/** What an empty URL shows: the seed's best-connected actor and its first page of neighbors. */
const START: Expansion = { id: "nato", types: [], pages: 1 };

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
  readonly expansionInfo = new Map<string, ExpansionInfo>();
  peers!: ViewPeers;
  private viewLoads = 0;
  private readonly message = byId("canvas-message");

  constructor() {
    this.renderer = new Renderer(this.model.graph, byId("graph"), {
      clickNode: (id) => this.selectNode(id),
      clickEdge: (id) => this.selectEdge(id),
      clickStage: () => this.clearSelection(),
      pinned: (id) => {
        this.layout.stop();
        if (this.state.selected === `n:${id}`) void this.peers.renderNodePanel(id);
      },
    });
    this.layout = new Layout(this.model.graph);
  }

  // ----- loading -----

  /** Builds the graph for a view state: its question (path, phrase) plus every expansion. */
  async loadView(state: ViewState, options: { keepCamera: boolean }): Promise<void> {
    const load = ++this.viewLoads;
    this.state = { ...state };
    this.peers.fillForms();
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

  /** Re-reads the URL (back/forward). */
  loadFromUrl(): Promise<void> {
    return this.loadView(decodeView(location.search), { keepCamera: false });
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
        this.peers.fillForms();
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

  /** Graph changed structurally: sync, highlight, lay out, redraw what depends on it. */
  applyGraph(): void {
    const added = this.model.sync();
    this.renderer.sigma.setCustomBBox(null);
    this.updateHighlight();
    if (added.length > 0) this.layout.start();
    this.peers.renderPanel();
    this.peers.scheduleAnnotationCounts();
    this.peers.updateNames();
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

  async ask(phrase: string): Promise<void> {
    // The neighborhoods already open stay as context: a path shows highlighted, the rest dimmed.
    const expanded = isStartView(this.state) ? [START] : this.state.expanded;
    const state: ViewState = { ...this.state, q: phrase, from: "", to: "", expanded, hidden: [], selected: "" };
    await this.loadView(state, { keepCamera: false });
    this.pushUrl();
  }

  async findPath(form: Pick<ViewState, "from" | "to" | "mode" | "k" | "maxHops" | "avoid" | "types" | "kinds">): Promise<void> {
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
    this.peers.fillForms();
    this.applyGraph();
    this.pushUrl();
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
