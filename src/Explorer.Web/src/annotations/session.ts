import type { AnnotationClient, Annotation, Me } from "./client";

// Who is using the page and what they may do. The account feature is detected: when GET /api/auth/me
// answers 404 the page shows no sign-in and no annotations, and nothing else changes.

export class Session {
  /** null until detected; false when the server has no annotations. */
  available: boolean | null = null;
  me: Me = { authenticated: false, userName: null, role: null };

  constructor(private readonly client: AnnotationClient) {}

  async detect(): Promise<boolean> {
    try {
      const me = await this.client.me();
      if (me === "absent" || me === "error") this.available = false;
      else {
        this.me = me;
        this.available = true;
      }
    } catch {
      this.available = false;
    }
    return this.available === true;
  }

  /** Analysts and admins write annotations; viewers read them. */
  get canEdit(): boolean {
    return this.available === true && this.me.authenticated && (this.role === "analyst" || this.role === "admin");
  }

  /** Signed in with a role that only reads. */
  get readsOnly(): boolean {
    return this.available === true && this.me.authenticated && !this.canEdit;
  }

  /** Analysts change their own annotations; admins change any. */
  canChange(annotation: Annotation): boolean {
    return this.canEdit && (annotation.author === this.me.userName || this.role === "admin");
  }

  private get role(): string {
    return (this.me.role ?? "").toLowerCase();
  }

  /** Signs in and re-reads who is signed in; null on success, else why not. */
  async login(userName: string, password: string): Promise<string | null> {
    const problem = await this.client.login(userName, password);
    if (problem === null) await this.detect();
    return problem;
  }

  async logout(): Promise<void> {
    await this.client.logout();
    await this.detect();
  }
}
