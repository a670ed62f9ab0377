import { h, replace } from "../ui/dom";
import { ANNOTATION_CONFIDENCES, ANNOTATION_STATUSES, AnnotationClient, type Annotation, type Draft, type SaveResult } from "./client";
import { Session } from "./session";

// Annotations on the page: the account area in the top bar and the annotations section of an edge's panel
// (list, history, add/edit/delete forms). Everything a user wrote is rendered as text (newlines kept by
// CSS), never as HTML.

export class AnnotationsView {
  readonly client = new AnnotationClient();
  readonly session = new Session(this.client);
  onChange: (() => void) | null = null;

  counts(targets: readonly string[]): Promise<Map<string, number>> {
    return this.session.available === true && targets.length > 0 ? this.client.counts(targets) : Promise.resolve(new Map());
  }

  private async login(userName: string, password: string): Promise<string | null> {
    const problem = await this.session.login(userName, password);
    if (problem === null) this.onChange?.();
    return problem;
  }

  private async logout(): Promise<void> {
    await this.session.logout();
    this.onChange?.();
  }

  private async save(edgeId: string, existing: Annotation | null, draft: Draft | null): Promise<SaveResult> {
    const result = await this.client.save(edgeId, existing, draft);
    if (result === "ok") this.onChange?.();
    return result;
  }

  // ----- UI -----

  /** The account area in the top bar: sign in / signed in as. Empty when the feature is off. */
  renderAccount(container: HTMLElement): void {
    if (this.session.available !== true) {
      replace(container);
      return;
    }
    if (this.session.me.authenticated) {
      replace(container,
        h("span", { text: `Signed in as ${this.session.me.userName ?? "?"}${this.session.me.role ? ` (${this.session.me.role})` : ""}` }),
        h("button", { text: "Sign out", attrs: { type: "button" }, on: { click: () => void this.logout() } }));
      return;
    }
    const user = h("input", { attrs: { type: "text", "aria-label": "User name", placeholder: "user", autocomplete: "username" } });
    const password = h("input", { attrs: { type: "password", "aria-label": "Password", placeholder: "password", autocomplete: "current-password" } });
    const error = h("span", { class: "error-text", attrs: { role: "alert" } });
    const form = h("form", {
      attrs: { "aria-label": "Sign in" },
      on: {
        submit: (event) => {
          event.preventDefault();
          void this.login(user.value, password.value).then((problem) => {
            error.textContent = problem ?? "";
          });
        },
      },
    }, user, password, h("button", { text: "Sign in", attrs: { type: "submit" } }), error);
    replace(container, form);
  }

  /** The annotations section of an edge's panel. */
  async renderEdgeSection(section: HTMLElement, edgeId: string): Promise<void> {
    if (this.session.available !== true) {
      replace(section);
      section.hidden = true;
      return;
    }
    section.hidden = false;
    replace(section, h("h3", { text: "Annotations" }), h("p", { class: "muted", text: "Loading…" }));
    const annotations = await this.client.list(edgeId);
    const list = h("div", { class: "annotations" });
    if (annotations.length === 0) list.appendChild(h("p", { class: "muted", text: "No annotations yet." }));
    for (const annotation of annotations) list.appendChild(this.renderAnnotation(section, edgeId, annotation));
    const parts: Node[] = [h("h3", { text: `Annotations (${annotations.length})` }), list];
    if (this.session.canEdit) parts.push(this.renderForm(section, edgeId, null));
    else parts.push(h("p", { class: "muted", text: "Sign in to add annotations." }));
    replace(section, ...parts);
  }

  private renderAnnotation(section: HTMLElement, edgeId: string, annotation: Annotation): HTMLElement {
    const card = h("article", { class: "annotation", attrs: { "aria-label": `Annotation by ${annotation.author}` } },
      h("div", { class: "pre", text: annotation.text }),
      h("div", { class: "annotation-meta" },
        h("span", { text: annotation.status }),
        annotation.confidence !== null && annotation.confidence !== undefined ? h("span", { text: `confidence ${annotation.confidence}` }) : null,
        h("span", { text: `by ${annotation.author}` }),
        h("span", { text: new Date(annotation.updatedAt || annotation.createdAt).toLocaleString() }),
        h("span", { text: `v${annotation.version}` }),
        ...annotation.tags.map((tag) => h("span", { class: "tag", text: tag }))),
      annotation.citation ? h("div", { class: "muted pre", text: `Citation: ${annotation.citation}` }) : null);
    const history = h("div", { class: "history" });
    const actions = h("div", { class: "actions" },
      h("button", {
        text: "History", attrs: { type: "button", "aria-label": `History of the annotation by ${annotation.author}` },
        on: { click: () => void this.renderHistory(history, annotation.id) },
      }));
    if (this.session.canChange(annotation)) {
      actions.append(
        h("button", { text: "Edit", attrs: { type: "button" }, on: { click: () => card.replaceWith(this.renderForm(section, edgeId, annotation)) } }),
        h("button", {
          text: "Delete", class: "danger", attrs: { type: "button" },
          on: {
            click: () => {
              if (!window.confirm("Delete this annotation?")) return;
              void this.save(edgeId, annotation, null).then((result) => this.after(section, edgeId, result));
            },
          },
        }));
    }
    card.append(actions, history);
    return card;
  }

  private async renderHistory(container: HTMLElement, id: string): Promise<void> {
    const versions = await this.client.history(id).catch(() => null);
    if (versions === null) {
      replace(container, h("p", { class: "error-text", attrs: { role: "alert" }, text: "The history could not be loaded." }));
      return;
    }
    replace(container, h("ol", { class: "results", attrs: { "aria-label": "History" } }, ...versions.map((v) =>
      h("li", {},
        h("span", { text: `v${v.version} ${v.action} by ${v.by}, ${new Date(v.at).toLocaleString()}` }),
        v.changed.length ? h("span", { class: "muted", text: ` (${v.changed.join(", ")})` }) : null,
        h("div", { class: "pre muted", text: v.annotation.text })))));
  }

  private renderForm(section: HTMLElement, edgeId: string, existing: Annotation | null): HTMLElement {
    const text = h("textarea", { attrs: { rows: 4, maxlength: 10000, "aria-label": "Annotation text", required: true } });
    text.value = existing?.text ?? "";
    const tags = h("input", { attrs: { type: "text", "aria-label": "Tags (comma-separated)", placeholder: "tags, comma-separated" } });
    tags.value = existing?.tags.join(", ") ?? "";
    const confidence = h("select", { attrs: { "aria-label": "Confidence" } },
      ...ANNOTATION_CONFIDENCES.map((c) => h("option", { text: `${c} confidence`, attrs: { value: c } })));
    confidence.value = existing?.confidence ?? "medium";
    const citation = h("input", { attrs: { type: "text", "aria-label": "Citation", placeholder: "citation (optional)" } });
    citation.value = existing?.citation ?? "";
    const status = h("select", { attrs: { "aria-label": "Status" } },
      ...ANNOTATION_STATUSES.map((s) => h("option", { text: s, attrs: { value: s } })));
    status.value = existing?.status ?? "proposed";
    const error = h("p", { class: "error-text", attrs: { role: "alert" } });
    return h("form", {
      class: "annotation-form", attrs: { "aria-label": existing ? "Edit annotation" : "Add annotation" },
      on: {
        submit: (event) => {
          event.preventDefault();
          const draft: Draft = {
            text: text.value,
            tags: tags.value.split(",").map((t) => t.trim()).filter((t) => t.length > 0),
            confidence: confidence.value,
            citation: citation.value.trim() || null,
            status: status.value,
          };
          void this.save(edgeId, existing, draft).then((result) => {
            if (result === "ok" || result === "conflict") this.after(section, edgeId, result);
            else error.textContent = result;
          });
        },
      },
    },
    h("h3", { text: existing ? "Edit annotation" : "Add an annotation" }),
    text, tags, confidence, citation, status,
    h("div", { class: "actions" },
      h("button", { text: existing ? "Save" : "Add", class: "primary", attrs: { type: "submit" } }),
      existing ? h("button", { text: "Cancel", attrs: { type: "button" }, on: { click: () => void this.renderEdgeSection(section, edgeId) } }) : null),
    error);
  }

  private after(section: HTMLElement, edgeId: string, result: string): void {
    void this.renderEdgeSection(section, edgeId).then(() => {
      if (result === "conflict") {
        section.prepend(h("p", { class: "notice", attrs: { role: "alert" }, text: "Someone else changed this annotation meanwhile. Here is the current version; your edit was not saved." }));
      }
    });
  }
}
