import { download, toGraphMl, toJson, toPng, toSvg } from "../export";
import { api } from "../api";
import { isAsOf, isReviewFilter, takesK, type PathMode, type ViewState } from "../state";
import { EDGE_TYPES, NODE_KINDS, type NodeRecord } from "../types";
import { byId, h, replace } from "../ui/dom";
import { SearchBox } from "../ui/search";
import { namePathEnd, readPathEnd, showPathEnd, swapPathEnds } from "./pathends";
import type { ExplorerView } from "./view";

// The controls around the canvas: search box, path bar and filters, view tools, export, legend and the
// keyboard. They show the view's state (fillForms) and turn input into actions on the view.

export type PathForm = Pick<ViewState, "from" | "to" | "mode" | "k" | "maxHops" | "avoid" | "types" | "kinds" | "status">;

export class Controls {
  readonly search: SearchBox;

  constructor(private readonly view: ExplorerView) {
    this.search = new SearchBox(byId<HTMLInputElement>("search"), byId<HTMLUListElement>("suggestions"), byId<HTMLFormElement>("search-form"), {
      pickNode: (hit) => void view.showNode(hit.id),
      ask: (phrase) => {
        const { maxHops, avoid, types, kinds, status } = this.readPathForm();
        void view.ask(phrase, { maxHops, avoid, types, kinds, status });
      },
    });
    this.wire();
    this.renderLegend();
    void this.setUpTimeline();
  }

  /** The time slider spans the years the data's dates span, plus a last stop for "All dates"; hidden when the store cannot answer as-of queries. */
  private async setUpTimeline(): Promise<void> {
    const timeline = await api.timeline().catch(() => null);
    if (!timeline?.asOf || !timeline.earliest || !timeline.latest) return;
    const slider = byId<HTMLInputElement>("path-asof");
    slider.min = timeline.earliest.slice(0, 4);
    slider.max = String(Number(timeline.latest.slice(0, 4)) + 1);
    slider.addEventListener("input", () => this.showAsOf(this.sliderDate()));
    slider.addEventListener("change", () => void this.view.setAsOf(this.sliderDate()));
    const label = byId("asof-label");
    label.title = `Show the graph as it stood in a year from ${slider.min} to ${timeline.latest.slice(0, 4)} (the data's dates); the last stop shows all dates. Undated relations always show.`;
    label.hidden = false;
    this.fillAsOf();
  }

  /** The slider's date: a year, or "" at its last stop (all dates). */
  private sliderDate(): string {
    const slider = byId<HTMLInputElement>("path-asof");
    return slider.value === slider.max ? "" : slider.value;
  }

  private showAsOf(asOf: string): void {
    const text = asOf || "All dates";
    byId("path-asof-value").textContent = text;
    byId<HTMLInputElement>("path-asof").setAttribute("aria-valuetext", text);
  }

  private fillAsOf(): void {
    const slider = byId<HTMLInputElement>("path-asof");
    if (!slider.max) return;
    const asOf = this.view.state.asOf;
    // A link's date may be a month or a day: the slider shows its year, the label the date itself.
    slider.value = isAsOf(asOf) ? String(Math.min(Math.max(Number(asOf.slice(0, 4)), Number(slider.min)), Number(slider.max) - 1)) : slider.max;
    this.showAsOf(asOf);
  }

  private wire(): void {
    const view = this.view;
    byId<HTMLFormElement>("path-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void view.findPath(this.readPathForm());
    });
    byId("path-clear").addEventListener("click", () => view.clearPath());
    byId("path-swap").addEventListener("click", () => swapPathEnds());
    byId<HTMLSelectElement>("path-mode").addEventListener("change", () => this.syncModeField());
    byId("fit").addEventListener("click", () => view.fit());
    byId("zoom-in").addEventListener("click", () => {
      view.cameraMovedByUser();
      view.renderer.zoom(1.5);
    });
    byId("zoom-out").addEventListener("click", () => {
      view.cameraMovedByUser();
      view.renderer.zoom(1 / 1.5);
    });
    byId("relayout").addEventListener("click", () => view.layout.start());
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
      // The Review select is a filter too: the view follows it at once (paths, expansions, "N more").
      if (target.name === "status") {
        void view.setStatus(this.readPathForm().status);
        return;
      }
      if (target.name !== "kind" && target.name !== "type") return;
      const form = this.readPathForm();
      view.setFilters(form.types, form.kinds);
      this.updateFilterBadge();
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
        view.clearSelection();
      }
    });
    window.addEventListener("resize", () => view.renderer.sigma.resize());
  }

  readPathForm(): PathForm {
    const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
    const checked = (name: string) => [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
    return {
      from: readPathEnd("path-from", this.drawnNodes()),
      to: readPathEnd("path-to", this.drawnNodes()),
      mode: byId<HTMLSelectElement>("path-mode").value as PathMode,
      k: clampInt(value("path-k"), 1, 10, 3),
      maxHops: clampInt(value("path-hops"), 1, 10, 6),
      avoid: value("path-avoid").split(",").map((s) => s.trim()).filter((s) => s.length > 0),
      types: checked("type"),
      kinds: checked("kind"),
      status: isReviewFilter(byId<HTMLSelectElement>("path-status").value) ? byId<HTMLSelectElement>("path-status").value as ViewState["status"] : "",
    };
  }

  /** Puts the view's state into the controls, so they always show what produced the view. */
  fillForms(): void {
    const s = this.view.state;
    showPathEnd("path-from", s.from, this.view.model.nodes.get(s.from)?.name);
    showPathEnd("path-to", s.to, this.view.model.nodes.get(s.to)?.name);
    byId<HTMLSelectElement>("path-mode").value = s.mode;
    byId<HTMLInputElement>("path-k").value = String(s.k);
    byId<HTMLInputElement>("path-hops").value = String(s.maxHops);
    byId<HTMLInputElement>("path-avoid").value = s.avoid.join(", ");
    byId<HTMLSelectElement>("path-status").value = s.status;
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="type"]')) input.checked = s.types.includes(input.value);
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="kind"]')) input.checked = s.kinds.includes(input.value);
    if (s.q && document.activeElement !== byId("search")) this.search.value = s.q;
    this.fillAsOf();
    this.syncModeField();
    this.updateFilterBadge();
  }

  private syncModeField(): void {
    byId("path-k-label").hidden = !takesK(byId<HTMLSelectElement>("path-mode").value as PathMode);
  }

  private updateFilterBadge(): void {
    const s = this.view.state;
    const count = s.types.length + s.kinds.length;
    const badge = byId("filter-count");
    badge.hidden = count === 0;
    badge.textContent = String(count);
    badge.setAttribute("aria-label", `${count} filters on`);
  }

  /** The nodes on the canvas. */
  private drawnNodes(): NodeRecord[] {
    const { model } = this.view;
    return [...model.nodes.values()].filter((n) => model.graph.hasNode(n.id));
  }

  /** The path bar's name suggestions: the nodes on the canvas, by name (pathends.ts reads a picked one as its id). */
  updateNames(): void {
    const nameOf = (id: string) => this.view.model.nodes.get(id)?.name;
    namePathEnd("path-from", nameOf);
    namePathEnd("path-to", nameOf);
    const names = this.drawnNodes().slice(0, 500);
    replace(byId("node-names"), ...names.map((n) => h("option", { attrs: { value: n.name, label: n.kind } })));
    // The keyboard's way to every node on the canvas: a list whose buttons select on Enter.
    byId("node-list-summary").textContent = `Nodes in view (${this.view.model.graph.order})`;
    const sorted = [...names].sort((a, b) => a.name.localeCompare(b.name));
    replace(byId("node-list"), ...sorted.map((n) => h("li", {},
      h("span", { class: `kind-tag kind-${n.kind}`, text: n.kind }), " ",
      h("button", { class: "link", text: n.name, attrs: { type: "button" }, on: { click: () => { this.view.selectNode(n.id); this.view.renderer.focusNode(n.id); } } }))));
  }

  private renderLegend(): void {
    replace(byId("legend"),
      ...NODE_KINDS.map((kind) => h("span", { class: "legend-item" }, h("span", { class: `swatch kind-${kind}`, attrs: { "aria-hidden": "true" } }), kind)),
      h("span", { class: "legend-item" }, h("span", { class: "swatch edge-swatch edge-path", attrs: { "aria-hidden": "true" } }), "Path"),
      h("span", { class: "legend-item" }, h("span", { class: "swatch edge-swatch edge-annotated", attrs: { "aria-hidden": "true" } }), "Annotated"));
  }

  private async export(format: string): Promise<void> {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const { model, renderer } = this.view;
    const { graph, nodes, edges } = model;
    if (format === "png") download(`explorer-${stamp}.png`, await toPng(renderer.sigma));
    if (format === "svg") download(`explorer-${stamp}.svg`, new Blob([toSvg(renderer.sigma, graph, renderer.drawnLabels())], { type: "image/svg+xml" }));
    if (format === "json") download(`explorer-${stamp}.json`, new Blob([toJson(graph, nodes, edges)], { type: "application/json" }));
    if (format === "graphml") download(`explorer-${stamp}.graphml`, new Blob([toGraphMl(graph, nodes, edges)], { type: "application/graphml+xml" }));
  }
}

function clampInt(text: string, min: number, max: number, fallback: number): number {
  const n = Math.trunc(Number(text));
  return Number.isFinite(n) && text !== "" ? Math.min(max, Math.max(min, n)) : fallback;
}

function checkbox(name: string, value: string, label: string): HTMLLabelElement {
  return h("label", {}, h("input", { attrs: { type: "checkbox", name, value } }), ` ${label}`);
}
