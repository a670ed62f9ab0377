import { h, replace } from "../ui/dom";
import { ANNOTATION_CONFIDENCES, ANNOTATION_STATUSES, AnnotationClient, type Annotation, type AnnotationVersion, type Draft, type SaveResult } from "./client";
import { draftKey, dropDraft, fieldsOf, loadDraft, merge, sameFields, saveDraft, type DraftFields } from "./drafts";
import { Session } from "./session";

// Annotations on the page: the account area in the top bar and the annotations section of an edge's panel
// (list, history, add/edit/delete forms). Everything a user wrote is rendered as text (newlines kept by
// CSS), never as HTML.
//
// Open forms are never lost: each lives in `forms` (and its draft in sessionStorage) and the same element is
// put back when the section re-renders for a live update, so typing, focus and caret survive. When the
// annotation being edited changes underneath (seen live, or as a 412 on save), the form stays open with the
// draft, says who changed what, and offers "Reload and merge" or "Overwrite".

interface FormState {
  key: string;
  edgeId: string;
  /** The version the edit started from; null for a new annotation. */
  base: Annotation | null;
  element: HTMLFormElement;
  read(): DraftFields;
  write(fields: DraftFields): void;
  notice: HTMLElement;
  error: HTMLElement;
  /** The newer version the notice describes (so it is described once). */
  noticed: number;
}

export class AnnotationsView {
  readonly client = new AnnotationClient();
  readonly session = new Session(this.client);
  onChange: (() => void) | null = null;
  /** Signed in or out: who the page acts as changed. */
  onSession: (() => void) | null = null;
  private readonly forms = new Map<string, FormState>();

  counts(targets: readonly string[]): Promise<Map<string, number>> {
    return this.session.available === true && targets.length > 0 ? this.client.counts(targets) : Promise.resolve(new Map());
  }

  private async login(userName: string, password: string): Promise<string | null> {
    const problem = await this.session.login(userName, password);
    if (problem === null) {
      this.onSession?.();
      this.onChange?.();
    }
    return problem;
  }

  private async logout(): Promise<void> {
    await this.session.logout();
    this.onSession?.();
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

  /** The annotations section of an edge's panel. Open forms are carried over, not rebuilt. */
  async renderEdgeSection(section: HTMLElement, edgeId: string): Promise<void> {
    if (this.session.available !== true) {
      replace(section);
      section.hidden = true;
      return;
    }
    section.hidden = false;
    if (!section.hasChildNodes()) replace(section, h("h3", { text: "Annotations" }), h("p", { class: "muted", text: "Loading…" }));
    const annotations = await this.client.list(edgeId);
    // A newer render replaced this section meanwhile: it must not take the open forms out of the page.
    if (!section.isConnected) return;
    const focus = rememberFocus();
    const list = h("div", { class: "annotations" });
    if (annotations.length === 0) list.appendChild(h("p", { class: "muted", text: "No annotations yet." }));
    const shown = new Set<string>();
    for (const annotation of annotations) {
      shown.add(annotation.id);
      const form = this.editForm(edgeId, annotation);
      if (form) {
        list.appendChild(form.element);
        if (form.base && form.base.version !== annotation.version) void this.changedUnderneath(form, annotation);
      } else {
        list.appendChild(this.renderAnnotation(section, edgeId, annotation));
      }
    }
    // An edit whose annotation is gone (deleted meanwhile) stays open, saying so.
    for (const form of this.forms.values()) {
      if (form.edgeId !== edgeId || !form.base || shown.has(form.base.id)) continue;
      list.appendChild(form.element);
      void this.changedUnderneath(form, null);
    }
    const parts: Node[] = [h("h3", { text: `Annotations (${annotations.length})` }), list];
    if (this.session.canEdit) parts.push(this.newForm(edgeId).element);
    else if (this.session.readsOnly) {
      parts.push(h("p", { class: "muted role-note", text: `You are signed in as ${this.session.me.userName ?? "?"}, a ${this.session.me.role ?? "reader"}: you can read annotations; analysts and admins write them.` }));
    } else parts.push(h("p", { class: "muted role-note", text: "Sign in as an analyst to add annotations." }));
    replace(section, ...parts);
    for (const form of this.forms.values()) if (form.edgeId === edgeId) this.bind(form, section);
    focus();
  }

  private renderAnnotation(section: HTMLElement, edgeId: string, annotation: Annotation): HTMLElement {
    const card = h("article", { class: "annotation", attrs: { "aria-label": `Annotation by ${annotation.author}` } },
      h("div", { class: "pre", text: annotation.text }),
      h("div", { class: "annotation-meta" },
        h("span", { text: annotation.status }),
        annotation.confidence ? h("span", { text: `confidence ${annotation.confidence}` }) : null,
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
        h("button", {
          text: "Edit", attrs: { type: "button" },
          on: {
            click: () => {
              const form = this.createForm(edgeId, annotation, fieldsOf(annotation));
              card.replaceWith(form.element);
              this.bind(form, section);
              form.element.querySelector("textarea")?.focus();
            },
          },
        }),
        h("button", {
          text: "Delete", class: "danger", attrs: { type: "button" },
          on: {
            click: () => {
              if (!window.confirm("Delete this annotation?")) return;
              void this.save(edgeId, annotation, null).then((result) => {
                if (result !== "ok") card.appendChild(h("p", { class: "error-text", attrs: { role: "alert" }, text: result === "conflict" ? "Someone changed this annotation meanwhile; it was not deleted. Here is the current version." : result }));
                if (result === "conflict") void this.renderEdgeSection(section, edgeId);
              });
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

  // ----- forms -----

  /** The open (or stored) edit form of an annotation, if any. */
  private editForm(edgeId: string, annotation: Annotation): FormState | null {
    const key = draftKey(edgeId, annotation.id);
    const open = this.forms.get(key);
    if (open) return open;
    if (!this.session.canChange(annotation)) return null;
    const stored = loadDraft(key);
    if (!stored) return null;
    return this.createForm(edgeId, stored.base ?? annotation, stored.fields);
  }

  private newForm(edgeId: string): FormState {
    const key = draftKey(edgeId, null);
    return this.forms.get(key) ?? this.createForm(edgeId, null, loadDraft(key)?.fields ?? fieldsOf(null));
  }

  private createForm(edgeId: string, base: Annotation | null, initial: DraftFields): FormState {
    const key = draftKey(edgeId, base?.id ?? null);
    const text = h("textarea", { attrs: { rows: 4, maxlength: 10000, "aria-label": "Annotation text", required: true } });
    const tags = h("input", { attrs: { type: "text", "aria-label": "Tags (comma-separated)", placeholder: "tags, comma-separated" } });
    const confidence = h("select", { attrs: { "aria-label": "Confidence" } },
      ...ANNOTATION_CONFIDENCES.map((c) => h("option", { text: `${c} confidence`, attrs: { value: c } })));
    const citation = h("input", { attrs: { type: "text", "aria-label": "Citation", placeholder: "citation (optional)" } });
    const status = h("select", { attrs: { "aria-label": "Status" } },
      ...ANNOTATION_STATUSES.map((s) => h("option", { text: s, attrs: { value: s } })));
    const notice = h("div", { class: "conflict" });
    notice.hidden = true;
    const error = h("p", { class: "error-text", attrs: { role: "alert" } });
    const element = h("form", { class: "annotation-form", attrs: { "aria-label": base ? "Edit annotation" : "Add annotation" } },
      h("h3", { text: base ? "Edit annotation" : "Add an annotation" }),
      notice, text, tags, confidence, citation, status,
      h("div", { class: "actions" },
        h("button", { text: base ? "Save" : "Add", class: "primary", attrs: { type: "submit" } }),
        h("button", { text: base ? "Cancel" : "Clear", attrs: { type: "button", "data-action": "cancel" } })),
      error);
    const form: FormState = {
      key, edgeId, base, element, notice, error, noticed: base?.version ?? 0,
      read: () => ({ text: text.value, tags: tags.value, confidence: confidence.value, citation: citation.value, status: status.value }),
      write: (fields) => {
        text.value = fields.text;
        tags.value = fields.tags;
        confidence.value = fields.confidence;
        citation.value = fields.citation;
        status.value = fields.status;
      },
    };
    form.write(initial);
    this.forms.set(key, form);
    const keep = () => {
      if (form.base === null && sameFields(form.read(), fieldsOf(null))) dropDraft(key);
      else saveDraft(key, { fields: form.read(), base: form.base });
    };
    element.addEventListener("input", keep);
    element.addEventListener("change", keep);
    if (base) keep();
    return form;
  }

  /** Points a form's buttons at the section it is in now (sections are rebuilt with the panel). */
  private bind(form: FormState, section: HTMLElement): void {
    form.element.onsubmit = (event) => {
      event.preventDefault();
      void this.submit(form);
    };
    const cancel = form.element.querySelector<HTMLButtonElement>('[data-action="cancel"]');
    if (cancel) {
      cancel.onclick = () => {
        this.close(form);
        if (form.base) void this.renderEdgeSection(section, form.edgeId);
        else {
          form.write(fieldsOf(null));
          form.error.textContent = "";
        }
      };
    }
  }

  private close(form: FormState): void {
    this.forms.delete(form.key);
    dropDraft(form.key);
  }

  private async submit(form: FormState): Promise<void> {
    const fields = form.read();
    const draft: Draft = {
      text: fields.text,
      tags: fields.tags.split(",").map((t) => t.trim()).filter((t) => t.length > 0),
      confidence: fields.confidence,
      citation: fields.citation.trim() || null,
      status: fields.status,
    };
    form.error.textContent = "";
    const result = await this.client.save(form.edgeId, form.base, draft);
    if (result === "ok") {
      this.close(form);
      this.onChange?.();
      return;
    }
    if (result === "conflict" && form.base) {
      const current = await this.client.current(form.base.id).catch(() => null);
      await this.changedUnderneath(form, current, true);
      return;
    }
    form.error.textContent = result;
  }

  /**
   * The annotation being edited changed (or was deleted) since the edit started: keep the draft, say who
   * changed what, offer to merge their version in or to overwrite it.
   */
  private async changedUnderneath(form: FormState, current: Annotation | null, rejected = false): Promise<void> {
    const base = form.base!;
    const version = current?.version ?? -1;
    if (!rejected && form.noticed === version) return;
    form.noticed = version;
    const history = await this.client.history(base.id).catch(() => [] as AnnotationVersion[]);
    const later = history.filter((v) => v.version > base.version);
    const who = [...new Set(later.map((v) => v.by))].join(", ") || "Someone";
    const what = [...new Set(later.flatMap((v) => v.changed))];
    const deleted = current === null || current.deleted || later.some((v) => v.action === "deleted");
    const lead = rejected ? "Not saved: " : "";
    const message = deleted
      ? `${lead}${who} deleted this annotation while you were editing it. Your draft is kept; saving adds it as a new annotation.`
      : `${lead}${who} changed this annotation while you were editing it (v${base.version} → v${current!.version}${what.length ? `: ${what.join(", ")}` : ""}).`;
    const theirs = current && !deleted ? fieldsOf(current) : null;
    replace(form.notice,
      h("p", { class: "notice", attrs: { role: "alert" }, text: message }),
      theirs && theirs.text !== form.read().text ? h("div", { class: "theirs" }, h("strong", { text: `${who}’s text:` }), h("div", { class: "pre", text: theirs.text })) : null,
      h("div", { class: "actions" },
        theirs ? h("button", { text: "Reload and merge", attrs: { type: "button" }, on: { click: () => this.mergeIn(form, current!) } }) : null,
        theirs ? h("button", { text: "Overwrite with mine", class: "danger", attrs: { type: "button" }, on: { click: () => this.overwrite(form, current!) } }) : null,
        deleted ? h("button", { text: "Keep as a new annotation", attrs: { type: "button" }, on: { click: () => this.asNew(form) } }) : null));
    form.notice.hidden = false;
  }

  /** Their version becomes the base; fields the analyst did not touch take their values. */
  private mergeIn(form: FormState, current: Annotation): void {
    const { fields, conflicts } = merge(fieldsOf(form.base), form.read(), fieldsOf(current));
    form.base = current;
    form.noticed = current.version;
    form.write(fields);
    saveDraft(form.key, { fields, base: current });
    const keptTheirs = form.notice.querySelector(".theirs");
    replace(form.notice,
      h("p", { class: "notice", attrs: { role: "status" }, text: conflicts.length
        ? `Merged v${current.version}: your ${conflicts.join(", ")} kept (theirs differ); the rest is theirs where you had not changed it. Save when ready.`
        : `Merged v${current.version}: their changes are in, yours are kept. Save when ready.` }),
      keptTheirs);
  }

  private overwrite(form: FormState, current: Annotation): void {
    form.base = current;
    form.noticed = current.version;
    form.notice.hidden = true;
    replace(form.notice);
    form.element.requestSubmit();
  }

  private asNew(form: FormState): void {
    this.forms.delete(form.key);
    dropDraft(form.key);
    const key = draftKey(form.edgeId, null);
    form.key = key;
    form.base = null;
    form.notice.hidden = true;
    this.forms.set(key, form);
    saveDraft(key, { fields: form.read(), base: null });
    form.element.requestSubmit();
  }
}

/** Remembers the focused field and its caret, to restore them after the DOM around it was rebuilt. */
function rememberFocus(): () => void {
  const active = document.activeElement;
  if (!(active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement)) return () => {};
  const caret = active instanceof HTMLSelectElement ? null : [active.selectionStart, active.selectionEnd] as const;
  return () => {
    if (!active.isConnected || document.activeElement === active) return;
    active.focus();
    if (caret && caret[0] !== null && caret[1] !== null && !(active instanceof HTMLSelectElement)) active.setSelectionRange(caret[0], caret[1]);
  };
}
