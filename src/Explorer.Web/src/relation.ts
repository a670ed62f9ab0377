import { api, ApiError } from "./api";
import { EDGE_TYPES, NODE_KINDS, type SearchHit } from "./types";
import { h, replace } from "./ui/dom";

// Evidence-first editing: the analyst selects a passage of a source document and adds the relation it
// states. The form starts with the quote; the ends are picked by name (the search API's autocomplete), or
// created when none fits; the type comes from the vocabulary. Saving creates a proposed edge citing the passage.

/** Picks a node by name: suggestions as buttons, or "create a new node" with a kind. */
class NodePicker {
  readonly element: HTMLElement;
  picked: { id: string; name: string } | null = null;
  private readonly input: HTMLInputElement;
  private readonly options: HTMLElement;
  private readonly chosen: HTMLElement;
  private timer = 0;

  constructor(private readonly label: string) {
    this.input = h("input", { attrs: { type: "search", "aria-label": label, autocomplete: "off", placeholder: "Type a name…" } });
    this.options = h("div", { class: "picker-options", attrs: { role: "group", "aria-label": `${label} suggestions` } });
    this.chosen = h("p", { class: "picker-chosen muted", attrs: { "aria-live": "polite" }, text: "None picked yet." });
    this.input.addEventListener("input", () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.suggest(), 150);
    });
    this.element = h("fieldset", { class: "picker" }, h("legend", { text: label }), this.input, this.options, this.chosen);
  }

  private async suggest(): Promise<void> {
    const text = this.input.value.trim();
    if (text.length === 0) {
      replace(this.options);
      return;
    }
    let hits: SearchHit[] = [];
    try {
      hits = await api.search(text, 6);
    } catch {
      hits = [];
    }
    if (this.input.value.trim() !== text) return;
    const kind = h("select", { attrs: { "aria-label": `Kind of the new ${this.label.toLowerCase()} node` } }, ...NODE_KINDS.map((k) => h("option", { attrs: { value: k }, text: k })));
    replace(this.options,
      ...hits.map((hit) => h("button", {
        class: "picker-option",
        attrs: { type: "button" },
        text: `${hit.name} (${hit.kind})`,
        on: { click: () => this.pick(hit.id, hit.name) },
      })),
      h("span", { class: "picker-new" },
        h("button", { attrs: { type: "button" }, text: `Create “${text}” as a new node`, on: { click: () => void this.create(text, kind.value) } }),
        kind));
  }

  private pick(id: string, name: string): void {
    this.picked = { id, name };
    this.chosen.textContent = `Picked: ${name}`;
    replace(this.options);
    this.input.value = name;
  }

  private async create(name: string, kind: string): Promise<void> {
    try {
      const node = await api.createNode({ name, kind });
      this.pick(node.id, node.name);
    } catch (error) {
      this.chosen.textContent = error instanceof Error ? error.message : String(error);
    }
  }
}

/** The "Add relation" form for a passage of <paramref name="sourceId"/>. */
export function relationForm(sourceId: string, quote: string, onDone: () => void): HTMLElement {
  const from = new NodePicker("From");
  const to = new NodePicker("To");
  const type = h("select", { attrs: { "aria-label": "Type", required: true } },
    h("option", { attrs: { value: "" }, text: "Choose a type…" }),
    ...EDGE_TYPES.map((t) => h("option", { attrs: { value: t }, text: t })));
  const status = h("p", { class: "relation-status", attrs: { role: "status" } });
  const save = h("button", { attrs: { type: "submit" }, text: "Save relation" });
  const form = h("form", { class: "relation-form", attrs: { "aria-label": "Add relation" } },
    h("h3", { text: "Add relation" }),
    h("blockquote", { class: "relation-quote", text: quote }),
    from.element,
    h("label", {}, "Type ", type),
    to.element,
    h("div", { class: "relation-actions" }, save, h("button", { attrs: { type: "button" }, text: "Cancel", on: { click: onDone } })),
    status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      if (!from.picked || !to.picked || !type.value) {
        status.textContent = "Pick both ends and a type.";
        return;
      }
      save.disabled = true;
      try {
        const edge = await api.createEdge({ type: type.value, source: from.picked.id, target: to.picked.id, evidence: [{ sourceId, quote }] });
        status.textContent = `Added: ${from.picked.name} ${edge.type} ${to.picked.name} (${(edge.status ?? "Proposed").toLowerCase()}).`;
      } catch (error) {
        status.textContent = error instanceof ApiError ? (error.problem.detail ?? error.message) : String(error);
      } finally {
        save.disabled = false;
      }
    })();
  });
  return form;
}
