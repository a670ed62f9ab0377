import { problemOf } from "./api";
import { h, replace } from "./ui/dom";

// Analysts' annotations on edges, and signing in. The server side is built in parallel; this module is
// written against its agreed contract and feature-detected: when GET /api/auth/me answers 404, sign-in and
// editing stay hidden, the edge panel shows no annotation section, and nothing else changes.
// Everything a user wrote is rendered as text (newlines kept by CSS), never as HTML.

/** The server's vocabularies (Explorer.Annotations: AnnotationStatus, Confidence). */
export const ANNOTATION_STATUSES = ["proposed", "confirmed", "disputed"] as const;
export const ANNOTATION_CONFIDENCES = ["low", "medium", "high"] as const;

export interface Me {
  authenticated: boolean;
  userName: string | null;
  role: string | null;
}

export interface Annotation {
  id: string;
  targetKind: string;
  targetId: string;
  text: string;
  tags: string[];
  confidence: string | null;
  citation: string | null;
  status: string;
  author: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  deleted: boolean;
}

export interface AnnotationVersion {
  version: number;
  action: string;
  actor: string;
  at: string;
  annotation: Annotation;
  changedFields: string[];
}

interface Draft {
  text: string;
  tags: string[];
  confidence: string | null;
  citation: string | null;
  status: string;
}

export class Annotations {
  /** null until detected; false when the server has no annotations yet. */
  available: boolean | null = null;
  me: Me = { authenticated: false, userName: null, role: null };
  private antiforgery: { token: string; headerName: string } | null = null;
  onChange: (() => void) | null = null;

  async detect(): Promise<boolean> {
    try {
      const response = await fetch("/api/auth/me", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.status === 404) {
        this.available = false;
      } else if (response.ok) {
        this.me = (await response.json()) as Me;
        this.available = true;
      } else {
        this.available = response.status === 401 ? true : false;
      }
    } catch {
      this.available = false;
    }
    return this.available === true;
  }

  get canEdit(): boolean {
    return this.available === true && this.me.authenticated;
  }

  canChange(annotation: Annotation): boolean {
    return this.canEdit && (annotation.author === this.me.userName || this.me.role === "admin" || this.me.role === "Admin");
  }

  // ----- HTTP -----

  private async token(): Promise<Record<string, string>> {
    if (!this.antiforgery) {
      const response = await fetch("/api/auth/antiforgery", { credentials: "same-origin" });
      if (!response.ok) return {};
      this.antiforgery = (await response.json()) as { token: string; headerName: string };
    }
    return { [this.antiforgery.headerName]: this.antiforgery.token };
  }

  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...(await this.token()), ...headers },
      body: body !== undefined ? JSON.stringify(body) : null,
    });
    if (response.status === 400 && this.antiforgery) this.antiforgery = null; // a stale token: fetch a new one next time
    return response;
  }

  async login(userName: string, password: string): Promise<string | null> {
    this.antiforgery = null;
    const response = await this.send("POST", "/api/auth/login", { userName, password });
    if (!response.ok) return (await problemOf(response)).detail ?? "Sign-in failed.";
    this.antiforgery = null;
    await this.detect();
    this.onChange?.();
    return null;
  }

  async logout(): Promise<void> {
    await this.send("POST", "/api/auth/logout");
    this.antiforgery = null;
    await this.detect();
    this.onChange?.();
  }

  async list(edgeId: string): Promise<Annotation[]> {
    const response = await fetch(`/api/edges/${encodeURIComponent(edgeId)}/annotations`, { credentials: "same-origin" });
    if (!response.ok) return [];
    return ((await response.json()) as { annotations: Annotation[] }).annotations.filter((a) => !a.deleted);
  }

  async counts(targets: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (this.available !== true || targets.length === 0) return counts;
    // Batches keep each query string well under the server's limit.
    for (let i = 0; i < targets.length; i += 100) {
      const batch = targets.slice(i, i + 100);
      const response = await fetch(`/api/annotations/counts?targets=${encodeURIComponent(batch.join(","))}`, { credentials: "same-origin" });
      if (!response.ok) continue;
      const body = (await response.json()) as { counts: Record<string, number> };
      for (const [id, n] of Object.entries(body.counts)) if (n > 0) counts.set(id, n);
    }
    return counts;
  }

  async history(id: string): Promise<AnnotationVersion[]> {
    const response = await fetch(`/api/annotations/${encodeURIComponent(id)}/history`, { credentials: "same-origin" });
    if (!response.ok) return [];
    return ((await response.json()) as { versions: AnnotationVersion[] }).versions;
  }

  /** Adds, updates or deletes; a 412 (someone else changed it) comes back as "conflict". */
  async save(edgeId: string, existing: Annotation | null, draft: Draft | null): Promise<"ok" | "conflict" | string> {
    const response = existing === null
      ? await this.send("POST", `/api/edges/${encodeURIComponent(edgeId)}/annotations`, draft)
      : await this.send(draft === null ? "DELETE" : "PUT", `/api/annotations/${encodeURIComponent(existing.id)}`, draft ?? undefined, {
          "If-Match": `"${existing.version}"`,
        });
    if (response.status === 412) return "conflict";
    if (!response.ok) return (await problemOf(response)).detail ?? `The server answered ${response.status}.`;
    this.onChange?.();
    return "ok";
  }

  // ----- UI -----

  /** The account area in the top bar: sign in / signed in as. Empty when the feature is off. */
  renderAccount(container: HTMLElement): void {
    if (this.available !== true) {
      replace(container);
      return;
    }
    if (this.me.authenticated) {
      replace(container,
        h("span", { text: `Signed in as ${this.me.userName ?? "?"}${this.me.role ? ` (${this.me.role})` : ""}` }),
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
    if (this.available !== true) {
      replace(section);
      section.hidden = true;
      return;
    }
    section.hidden = false;
    replace(section, h("h3", { text: "Annotations" }), h("p", { class: "muted", text: "Loading…" }));
    const annotations = await this.list(edgeId);
    const list = h("div", { class: "annotations" });
    if (annotations.length === 0) list.appendChild(h("p", { class: "muted", text: "No annotations yet." }));
    for (const annotation of annotations) list.appendChild(this.renderAnnotation(section, edgeId, annotation));
    const parts: Node[] = [h("h3", { text: `Annotations (${annotations.length})` }), list];
    if (this.canEdit) parts.push(this.renderForm(section, edgeId, null));
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
    if (this.canChange(annotation)) {
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
    const versions = await this.history(id);
    replace(container, h("ol", { class: "results" }, ...versions.map((v) =>
      h("li", {},
        h("span", { text: `v${v.version} ${v.action} by ${v.actor}, ${new Date(v.at).toLocaleString()}` }),
        v.changedFields.length ? h("span", { class: "muted", text: ` (${v.changedFields.join(", ")})` }) : null,
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
