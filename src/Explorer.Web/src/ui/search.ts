import { api } from "../api";
import type { SearchHit } from "../types";
import { h, replace } from "./dom";

// The search box: autocomplete over names, aliases and kinds (typo-tolerant, /api/search) that also takes
// the analyst's phrases ("NATO to Balkans", "neighbors of NATO"). Arrow keys move, Enter picks, Esc clears.

const PHRASE = /\s(to|and)\s|^(path|between|how|neighbors|neighbours|around)\b/i;

export interface SearchHandlers {
  pickNode(hit: SearchHit): void;
  ask(phrase: string): void;
}

export class SearchBox {
  private hits: SearchHit[] = [];
  /** For a phrase, the text before the name being typed ("NATO to "). */
  private prefix: string | null = null;
  private active = -1;
  private timer = 0;
  private controller: AbortController | null = null;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLUListElement,
    form: HTMLFormElement,
    private readonly handlers: SearchHandlers,
  ) {
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => this.key(event));
    input.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  get value(): string {
    return this.input.value.trim();
  }

  set value(text: string) {
    this.input.value = text;
  }

  focus(): void {
    this.input.focus();
    this.input.select();
  }

  close(): void {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  private schedule(): void {
    // What was suggested for the old text no longer applies: hide it until the new suggestions arrive.
    this.close();
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.suggest(), 120);
  }

  private async suggest(): Promise<void> {
    const text = this.value;
    this.controller?.abort();
    if (text.length === 0) {
      this.hits = [];
      this.close();
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    const looksLikePhrase = PHRASE.test(text);
    try {
      // For a phrase, suggest completing its last name ("NATO to Bal" → Balkans).
      const split = looksLikePhrase ? /^(.*\s(?:to|and|of)\s+)(.*)$/i.exec(text) : null;
      this.prefix = split ? split[1]! : null;
      const last = split ? split[2]!.trim() : looksLikePhrase ? "" : text;
      this.hits = last.length > 0 ? await api.search(last, 8, controller.signal) : [];
    } catch {
      if (controller.signal.aborted) return;
      this.hits = [];
    }
    this.render(text, looksLikePhrase);
  }

  private render(text: string, phrase: boolean): void {
    const items: HTMLLIElement[] = [];
    if (phrase) {
      items.push(h("li", { attrs: { role: "option", id: "suggestion-ask", "data-ask": "1" } }, h("strong", { text: "Ask: " }), text));
    }
    this.hits.forEach((hit, index) => {
      const alias = hit.aliases.find((a) => a.toLowerCase().includes(text.toLowerCase()) && a !== hit.name);
      items.push(h("li", { attrs: { role: "option", id: `suggestion-${index}`, "data-index": index } },
        h("span", { class: `kind-tag kind-${hit.kind}`, text: hit.kind }),
        h("span", { text: hit.name }),
        alias ? h("span", { class: "alias", text: alias }) : null));
    });
    for (const item of items) {
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.choose(item);
      });
    }
    replace(this.list, ...items);
    this.active = -1;
    const open = items.length > 0 && document.activeElement === this.input;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
  }

  private key(event: KeyboardEvent): void {
    const items = [...this.list.querySelectorAll<HTMLLIElement>("li")];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (items.length === 0) return;
      event.preventDefault();
      this.list.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
      this.active = (this.active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === this.active)));
      this.input.setAttribute("aria-activedescendant", items[this.active]!.id);
    } else if (event.key === "Enter" && this.active >= 0 && !this.list.hidden) {
      event.preventDefault();
      this.choose(items[this.active]!);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (!this.list.hidden) this.close();
      else {
        this.input.value = "";
        this.input.blur();
      }
    }
  }

  private choose(item: HTMLLIElement): void {
    this.close();
    if (item.dataset["ask"]) {
      this.handlers.ask(this.value);
      return;
    }
    const hit = this.hits[Number(item.dataset["index"])];
    if (hit && this.prefix !== null) {
      // Completing a phrase: "NATO to Bal" + Balkans asks "NATO to Balkans".
      this.input.value = this.prefix + hit.name;
      this.handlers.ask(this.input.value);
    } else if (hit) {
      this.input.value = hit.name;
      this.handlers.pickNode(hit);
    }
  }

  private submit(): void {
    window.clearTimeout(this.timer);
    this.controller?.abort();
    this.close();
    const text = this.value;
    if (text.length > 0) this.handlers.ask(text);
  }
}
