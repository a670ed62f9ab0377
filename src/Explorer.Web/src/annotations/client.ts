import { problemOf } from "../api";

// The annotation and account endpoints over HTTP. State changes carry the antiforgery header (fetched once,
// refreshed after a 400 or a sign-in); edits carry If-Match with the version they were made against.

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

export interface Draft {
  text: string;
  tags: string[];
  confidence: string | null;
  citation: string | null;
  status: string;
}

/** "ok", "conflict" (412: someone else changed it first), or the problem's detail. */
export type SaveResult = "ok" | "conflict" | string;

export class AnnotationClient {
  private antiforgery: { token: string; headerName: string } | null = null;

  /** Who is signed in; "absent" when the server has no accounts (404), "unauthorized" on 401. */
  async me(): Promise<Me | "absent" | "unauthorized" | "error"> {
    const response = await fetch("/api/auth/me", { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 404) return "absent";
    if (response.status === 401) return "unauthorized";
    if (!response.ok) return "error";
    return (await response.json()) as Me;
  }

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

  /** Signs in; null on success, else why not. */
  async login(userName: string, password: string): Promise<string | null> {
    this.antiforgery = null;
    const response = await this.send("POST", "/api/auth/login", { userName, password });
    this.antiforgery = null;
    return response.ok ? null : (await problemOf(response)).detail ?? "Sign-in failed.";
  }

  async logout(): Promise<void> {
    await this.send("POST", "/api/auth/logout");
    this.antiforgery = null;
  }

  async list(edgeId: string): Promise<Annotation[]> {
    const response = await fetch(`/api/edges/${encodeURIComponent(edgeId)}/annotations`, { credentials: "same-origin" });
    if (!response.ok) return [];
    return ((await response.json()) as { annotations: Annotation[] }).annotations.filter((a) => !a.deleted);
  }

  async counts(targets: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
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

  /** Adds (no existing), updates (a draft) or deletes (no draft). */
  async save(edgeId: string, existing: Annotation | null, draft: Draft | null): Promise<SaveResult> {
    const response = existing === null
      ? await this.send("POST", `/api/edges/${encodeURIComponent(edgeId)}/annotations`, draft)
      : await this.send(draft === null ? "DELETE" : "PUT", `/api/annotations/${encodeURIComponent(existing.id)}`, draft ?? undefined, {
          "If-Match": `"${existing.version}"`,
        });
    if (response.status === 412) return "conflict";
    if (!response.ok) return (await problemOf(response)).detail ?? `The server answered ${response.status}.`;
    return "ok";
  }
}
