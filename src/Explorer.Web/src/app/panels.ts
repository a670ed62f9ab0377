import { api, ApiError, orNull } from "../api";
import type { AnnotationsView } from "../annotations/view";
import { NODE_KINDS, type EdgeRecord, type GraphPath, type NodeRecord, type SearchHit } from "../types";
import { byId, h, replace } from "../ui/dom";
import { showPathEnd } from "./pathends";
import { evidenceList, kindTag, relationLine } from "../ui/panel";
import { isStartView, PAGE, type ExplorerView, type PathResult } from "./view";

// The side panel: help, search results, paths hop by hop, a node's details, an edge's evidence and
// annotations. It shows the view's state; every button calls an action on the view.

export class Panels {
  private readonly panel = byId("panel-content");
  readonly sourceTitles = new Map<string, string>();

  constructor(private readonly view: ExplorerView, private readonly annotations: AnnotationsView) {}

  /** Loads the source documents' titles (for evidence links). */
  loadSources(): void {
    void api.sources().then((sources) => {
      for (const source of sources) this.sourceTitles.set(source.id, source.title);
    }).catch(() => {});
  }

  renderPanel(): void {
    const { state, model, path, searchResults } = this.view;
    const selected = state.selected;
    if (selected.startsWith("n:") && model.graph.hasNode(selected.slice(2))) {
      void this.renderNodePanel(selected.slice(2));
    } else if (selected.startsWith("e:") && model.graph.hasEdge(selected.slice(2))) {
      void this.renderEdgePanel(selected.slice(2));
    } else if (this.view.error) {
      this.renderErrorPanel(this.view.error);
    } else if (path) {
      this.renderPathPanel(path);
    } else if (searchResults) {
      this.renderSearchPanel(searchResults.interpretation, searchResults.hits);
    } else {
      this.renderHelpPanel();
    }
  }

  private renderHelpPanel(): void {
    const graph = this.view.model.graph;
    const start = isStartView(this.view.state);
    replace(this.panel, h("section", { attrs: { "aria-label": "Help" } },
      h("h2", { text: start ? "Who conducted which missions" : "Explore" }),
      start ? h("p", { text: "The essay’s actors (NATO, the African Union, the UN, the United States) and the missions they conducted. A label’s “N more” counts the relations not drawn yet: click the node, then Expand." }) : null,
      h("p", { text: "Type a name in the search box (press / to get there), or ask a question like “NATO to Balkans” or “neighbors of NATO”." }),
      h("p", { text: "Click a node for its details and to expand its neighborhood; click an edge for its evidence. Drag a node to pin it." }),
      h("p", { class: "muted", text: `${graph.order} nodes and ${graph.size} edges in view.` })));
  }

  /** A question that failed: what went wrong, and the names the server suggests, one click each. */
  private renderErrorPanel(error: unknown): void {
    const problem = error instanceof ApiError ? error.problem : null;
    const names = [...(problem?.candidates ?? []), ...(problem?.suggestions ?? [])];
    replace(this.panel, h("section", { attrs: { "aria-label": "Error" } },
      h("h2", { text: problem?.title ?? "Something went wrong" }),
      h("p", { text: problem?.detail ?? String(error) }),
      names.length ? h("h3", { text: problem?.candidates?.length ? "Which one did you mean?" : "Did you mean" }) : null,
      names.length ? h("ul", { class: "results", attrs: { "aria-label": "Suggestions" } }, ...names.map((n) => h("li", {},
        kindTag(n.kind), " ",
        h("button", { class: "link", text: n.name, attrs: { type: "button" }, on: { click: () => this.view.pickSuggestion(n.id, problem?.field) } })))) : null));
  }

  private renderSearchPanel(interpretation: string, hits: SearchHit[]): void {
    replace(this.panel, h("section", { attrs: { "aria-label": "Search results" } },
      h("h2", { text: "Search results" }),
      h("p", { class: "muted", text: interpretation }),
      hits.length === 0 ? h("p", { text: "No node matches." }) : null,
      h("ul", { class: "results" }, ...hits.map((hit) => h("li", {},
        kindTag(hit.kind), " ",
        h("button", { class: "link", text: hit.name, attrs: { type: "button" }, on: { click: () => void this.view.showNode(hit.id) } }))))));
  }

  private renderPathPanel(result: PathResult): void {
    const response = result.response;
    const state = this.view.state;
    const section = h("section", { attrs: { "aria-label": "Paths" } },
      h("h2", { text: result.interpretation }),
      h("p", { class: response.paths.length === 0 ? "notice" : "muted", text: response.paths.length === 0 ? response.reason ?? "No path found." : `${response.paths.length} path${response.paths.length > 1 ? "s" : ""} (${response.mode})` }));
    if (response.paths.length === 0) {
      const filtered = state.types.length + state.kinds.length + state.avoid.length > 0;
      section.appendChild(h("p", { class: "muted", text: `Searched within ${state.maxHops} hop${state.maxHops === 1 ? "" : "s"}${filtered ? ", with filters on" : ""}.` }));
      section.appendChild(h("div", { class: "actions" },
        state.maxHops < 6 ? h("button", { class: "primary", text: "Try 6 hops", attrs: { type: "button" }, on: { click: () => this.view.retryWith({ maxHops: 6 }) } })
          : state.maxHops < 10 ? h("button", { class: "primary", text: "Try 10 hops", attrs: { type: "button" }, on: { click: () => this.view.retryWith({ maxHops: 10 }) } }) : null,
        filtered ? h("button", { text: "Without filters", attrs: { type: "button" }, on: { click: () => this.view.retryWith({ types: [], kinds: [], avoid: [] }) } }) : null));
    }
    const nodes = new Map(response.nodes.map((n) => [n.id, n] as const));
    for (const [id, record] of this.view.model.nodes) if (!nodes.has(id)) nodes.set(id, record);
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
        h("button", { class: "link", text: node?.name ?? id, attrs: { type: "button" }, on: { click: () => this.view.selectNode(id) } })));
      const edgeId = path.edges[i];
      const edge = edgeId ? edges.get(edgeId) : undefined;
      if (edge) {
        const review = edge.status && edge.status !== "Confirmed" ? edge.status.toLowerCase() : null;
        hops.appendChild(h("li", { class: `hop-edge${review ? ` hop-${review}` : ""}`, attrs: { "aria-label": `Relation ${edge.type}${review ? ` (${review})` : ""}` } },
          h("button", { class: "link relation", text: edge.source === id ? `${edge.type} →` : `← ${edge.type}`, attrs: { type: "button", "aria-label": `Edge ${edge.type} details` }, on: { click: () => this.view.selectEdge(edge.id) } }),
          review ? h("span", { class: `edge-status edge-status-${review}`, text: ` ${review}` }) : null,
          evidenceList(edge, this.sourceTitles)));
      }
    });
    const multiple = result.response.paths.length > 1;
    return h("li", { class: `path${multiple && index === result.focus ? " focused" : ""}`, attrs: { "aria-label": `Path ${index + 1}` } },
      h("div", { class: "path-head" },
        h("strong", { text: `Path ${index + 1}: ${path.length} hop${path.length === 1 ? "" : "s"}` }),
        h("span", { class: "muted", text: `cost ${path.cost}` }),
        multiple ? h("button", { text: "Focus", attrs: { type: "button", "aria-pressed": String(index === result.focus) }, on: { click: () => this.view.focusPath(index) } }) : null),
      path.why ? h("p", { class: "why muted", text: path.why }) : null,
      hops);
  }

  async renderNodePanel(id: string): Promise<void> {
    const view = this.view;
    const record = view.model.nodes.get(id);
    const container = h("section", { attrs: { "aria-label": "Node details" } });
    replace(this.panel, container, this.backToPath());
    const draw = (details: { degree: number; countsByType: Record<string, number> } | null) => {
      const node = view.model.nodes.get(id) ?? record;
      if (!node) return;
      const expanded = view.state.expanded.find((e) => e.id === id);
      const info = view.expansionInfo.get(id);
      const pinned = view.model.graph.hasNode(id) && view.model.graph.getNodeAttribute(id, "fixed") === true;
      const counts = details?.countsByType ?? info?.countsByType ?? {};
      // Expanded: the neighbors not paged in yet; otherwise the relations not drawn (as the canvas label says).
      const more = expanded && info ? Math.max(0, info.total - info.shown) : expanded ? 0 : view.hiddenNeighbors().get(id) ?? 0;
      replace(container,
        h("h2", {}, node.name),
        h("dl", {},
          h("dt", { text: "Kind" }), h("dd", {}, kindTag(node.kind)),
          h("dt", { text: "Id" }), h("dd", { text: node.id }),
          node.aliases.length ? h("dt", { text: "Aliases" }) : null, node.aliases.length ? h("dd", { text: node.aliases.join("; ") }) : null,
          details ? h("dt", { text: "Degree" }) : null, details ? h("dd", { text: String(details.degree) }) : null),
        node.description ? h("p", { text: node.description }) : null,
        this.nodeEditing(id),
        h("div", { class: "actions" },
          h("button", { text: expanded ? "Expand again" : "Expand", class: "primary", attrs: { type: "button" }, on: { click: () => void view.expandNode(id, expanded?.types ?? []) } }),
          expanded || view.model.graph.hasNode(id) ? h("button", { text: expanded ? "Collapse" : "Hide", attrs: { type: "button" }, on: { click: () => view.collapseNode(id) } }) : null,
          more > 0 ? h("button", { text: `${more} more`, attrs: { type: "button", "aria-label": `Show ${Math.min(PAGE, more)} more of ${more} hidden neighbors` }, on: { click: () => void view.expandNode(id, expanded?.types ?? [], expanded !== undefined) } }) : null,
          h("button", { text: pinned ? "Unpin" : "Pin", attrs: { type: "button" }, on: { click: () => view.setPinned(id, !pinned) } }),
          h("button", { text: "Path from here", attrs: { type: "button" }, on: { click: () => { showPathEnd("path-from", node.id, node.name); byId<HTMLInputElement>("path-to").focus(); } } }),
          h("button", { text: "Path to here", attrs: { type: "button" }, on: { click: () => { showPathEnd("path-to", node.id, node.name); byId<HTMLInputElement>("path-from").focus(); } } })),
        Object.keys(counts).length ? h("h3", { text: "Edges by type" }) : null,
        h("ul", { class: "counts" }, ...Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([type, n]) => h("li", {},
          h("span", { class: "relation", text: `${type} (${n})` }),
          h("button", {
            text: expanded?.types.length === 1 && expanded.types[0] === type ? "Shown" : "Show",
            attrs: { type: "button", "aria-label": `Show ${type} neighbors (${n})` },
            on: { click: () => void view.expandNode(id, [type]) },
          })))));
    };
    draw(null);
    // Counted as the view is: as of its date, of its review statuses (as its "N more" labels are).
    const { asOf, status } = view.state;
    const details = await orNull(api.node(id, asOf, status)).catch(() => null);
    if (view.state.selected === `n:${id}` && view.state.asOf === asOf && view.state.status === status) draw(details);
  }

  async renderEdgePanel(id: string): Promise<void> {
    const view = this.view;
    const edge = view.model.edges.get(id);
    if (!edge) return;
    const source = view.model.nodes.get(edge.source);
    const target = view.model.nodes.get(edge.target);
    const annotationSection = h("section", { attrs: { id: "annotations", "aria-label": "Annotations" } });
    annotationSection.hidden = true;
    replace(this.panel,
      h("section", { attrs: { "aria-label": "Edge details" } },
        h("h2", { text: edge.type }),
        relationLine(edge, edge.source, view.model.nodes),
        h("div", { class: "actions" },
          h("button", { class: "link", text: source?.name ?? edge.source, attrs: { type: "button" }, on: { click: () => view.selectNode(edge.source) } }),
          h("span", { text: "→" }),
          h("button", { class: "link", text: target?.name ?? edge.target, attrs: { type: "button" }, on: { click: () => view.selectNode(edge.target) } })),
        this.reviewLine(edge),
        h("h3", { text: "Evidence" }),
        evidenceList(edge, this.sourceTitles)),
      annotationSection,
      this.backToPath());
    await this.annotations.renderEdgeSection(annotationSection, id).catch(() => {});
  }

  /** After signing in or out: what the panel offers follows the role (Edit and Delete, the New node form). */
  sessionChanged(): void {
    const selected = this.view.state.selected;
    if (selected.startsWith("n:")) void this.renderNodePanel(selected.slice(2));
    else if (this.panel.querySelector('[aria-label="New node"]')) {
      if (this.annotations.session.canEdit) this.renderNewNode();
      else this.renderPanel();
    }
  }

  /** "New node": a small form in the panel (analysts and admins; others are told why not). */
  renderNewNode(): void {
    if (!this.annotations.session.canEdit) {
      replace(this.panel, h("section", { attrs: { "aria-label": "New node" } },
        h("h2", { text: "New node" }), h("p", { text: "Sign in as an analyst or admin to add nodes." })));
      return;
    }
    const name = h("input", { attrs: { type: "text", "aria-label": "Name", required: true } });
    const kind = h("select", { attrs: { "aria-label": "Kind" } }, ...NODE_KINDS.map((k) => h("option", { attrs: { value: k }, text: k })));
    const description = h("textarea", { attrs: { "aria-label": "Description", rows: 3 } });
    const message = h("p", { class: "muted", attrs: { role: "status" } });
    const form = h("form", { attrs: { "aria-label": "New node" } },
      h("h2", { text: "New node" }),
      h("label", {}, "Name ", name), h("label", {}, "Kind ", kind), h("label", {}, "Description ", description),
      h("button", { class: "primary", attrs: { type: "submit" }, text: "Create node" }), message);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void (async () => {
        try {
          const node = await api.createNode({ name: name.value, kind: kind.value, description: description.value });
          message.textContent = `Created ${node.name}.`;
          void this.view.showNode(node.id);
        } catch (error) {
          message.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : String(error);
        }
      })();
    });
    replace(this.panel, form);
    name.focus();
  }

  /** Analysts and admins: edit a node's name and description, or delete it (the server says who may). */
  private nodeEditing(id: string): HTMLElement | null {
    const session = this.annotations.session;
    if (session.available !== true) return null;
    if (session.readsOnly) return h("p", { class: "muted role-note", text: `You are signed in as ${session.me.userName ?? "?"}, a ${session.me.role ?? "reader"}: analysts and admins edit nodes.` });
    if (!session.canEdit) return h("p", { class: "muted role-note", text: "Sign in as an analyst or admin to edit nodes or add new ones." });
    const message = h("p", { class: "muted", attrs: { role: "status" } });
    const name = h("input", { attrs: { type: "text", "aria-label": "Node name" } });
    const description = h("textarea", { attrs: { "aria-label": "Node description", rows: 3 } });
    const form = h("form", { class: "node-edit", attrs: { "aria-label": "Edit node", hidden: true } },
      h("label", {}, "Name ", name), h("label", {}, "Description ", description),
      h("button", { attrs: { type: "submit" }, text: "Save node" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void (async () => {
        try {
          const current = await api.node(id);
          const saved = await api.editNode(id, current.version, { name: name.value, description: description.value });
          message.textContent = `Saved: ${saved.name} (version ${saved.version}).`;
          form.hidden = true;
        } catch (error) {
          message.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : String(error);
        }
      })();
    });
    const edit = h("button", { attrs: { type: "button" }, text: "Edit", on: { click: () => void (async () => {
      const current = await api.node(id);
      name.value = current.name;
      description.value = current.description;
      form.hidden = !form.hidden;
    })() } });
    const remove = h("button", { attrs: { type: "button" }, text: "Delete", on: { click: () => void (async () => {
      try {
        const current = await api.node(id);
        const cascade = current.degree > 0 && window.confirm(`Delete ${current.name} and its ${current.degree} relation(s)?`);
        if (current.degree > 0 && !cascade) return;
        await api.deleteNode(id, current.version, cascade);
        message.textContent = `Deleted ${current.name}.`;
      } catch (error) {
        message.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : String(error);
      }
    })() } });
    return h("div", { class: "editing" }, h("div", { class: "actions" }, edit, remove), form, message);
  }

  /** The edge's review status; analysts and admins change it here (PUT with If-Match: its version). */
  private reviewLine(edge: EdgeRecord): HTMLElement {
    const status = edge.status ?? "Confirmed";
    const line = h("p", { class: "review" }, "Review: ", h("span", { class: `edge-status edge-status-${status.toLowerCase()}`, text: status }));
    if (!this.annotations.session.canEdit) return line;
    const message = h("span", { class: "muted", attrs: { role: "status" } });
    const select = h("select", { attrs: { "aria-label": "Review status" } },
      ...["Proposed", "Confirmed", "Disputed"].map((s) => h("option", { attrs: { value: s, selected: s === status }, text: s })));
    select.addEventListener("change", () => {
      void (async () => {
        try {
          const current = await api.edge(edge.id);
          const saved = await api.editEdge(edge.id, current.version ?? 1, { status: select.value });
          this.view.model.mergeEdge(saved);
          message.textContent = `Saved: ${saved.status ?? select.value}.`;
        } catch (error) {
          message.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : String(error);
        }
      })();
    });
    const remove = h("button", { attrs: { type: "button" }, text: "Delete relation", on: { click: () => void (async () => {
      try {
        const current = await api.edge(edge.id);
        await api.deleteEdge(edge.id, current.version ?? 1);
        message.textContent = "Deleted.";
      } catch (error) {
        message.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : String(error);
      }
    })() } });
    line.append(" ", select, " ", remove, " ", message);
    return line;
  }

  private backToPath(): HTMLElement | null {
    const { path, searchResults } = this.view;
    if (!path && !searchResults) return null;
    return h("button", { class: "link", text: path ? "← Back to the paths" : "← Back to the results", attrs: { type: "button" }, on: { click: () => this.view.clearSelection() } });
  }
}
