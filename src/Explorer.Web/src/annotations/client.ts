import { api, ApiError } from "../api";
import type { Annotation, AnnotationRequest, AnnotationVersion, Me } from "../types";

// Annotations and accounts through the typed API client, in the terms the annotations view needs: a save
// ends "ok", "conflict" (412: someone else changed it first; nothing was written) or with the reason.

export type { Annotation, AnnotationVersion, Me };

/** The server's vocabularies (Explorer.Annotations: AnnotationStatus, Confidence). */
export const ANNOTATION_STATUSES = ["proposed", "confirmed", "disputed"] as const;
export const ANNOTATION_CONFIDENCES = ["low", "medium", "high"] as const;

export type Draft = AnnotationRequest;

export type SaveResult = "ok" | "conflict" | string;

function reason(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail ?? error.problem.title ?? `The server answered ${error.status}.`;
  return `The request failed: ${String(error)}`;
}

export class AnnotationClient {
  /** Who is signed in; "absent" when the server has no accounts. */
  async me(): Promise<Me | "absent" | "error"> {
    try {
      return (await api.me()) ?? "absent";
    } catch {
      return "error";
    }
  }

  /** Signs in; null on success, else why not. */
  async login(userName: string, password: string): Promise<string | null> {
    try {
      await api.login(userName, password);
      return null;
    } catch (error) {
      return error instanceof ApiError ? error.problem.detail ?? "Sign-in failed." : reason(error);
    }
  }

  async logout(): Promise<void> {
    await api.logout().catch(() => {});
  }

  async list(edgeId: string): Promise<Annotation[]> {
    const annotations = await api.annotations(edgeId).catch(() => []);
    return annotations.filter((a) => !a.deleted);
  }

  async counts(targets: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    // Batches keep each query string well under the server's limit.
    for (let i = 0; i < targets.length; i += 100) {
      const batch = await api.annotationCounts(targets.slice(i, i + 100)).catch(() => ({}));
      for (const [id, n] of Object.entries(batch)) if (n > 0) counts.set(id, n);
    }
    return counts;
  }

  history(id: string): Promise<AnnotationVersion[]> {
    return api.annotationHistory(id);
  }

  current(id: string): Promise<Annotation> {
    return api.annotation(id);
  }

  /** Adds (no existing), updates (a draft) or deletes (no draft). */
  async save(edgeId: string, existing: Annotation | null, draft: Draft | null): Promise<SaveResult> {
    try {
      if (existing === null) await api.annotate(edgeId, draft!);
      else if (draft === null) await api.deleteAnnotation(existing.id, existing.version);
      else await api.editAnnotation(existing.id, existing.version, draft);
      return "ok";
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) return "conflict";
      return reason(error);
    }
  }
}
