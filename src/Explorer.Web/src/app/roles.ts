import type { Session } from "../annotations/session";

// Role-aware controls: every control that writes is marked `data-write` in the page (and starts hidden), and is
// offered only to a role that may write (analysts and admins). Signed out or a viewer, it is not shown at all;
// the account area says how to sign in, and the panels say who may write where their forms would be.

export function applyRole(session: Session, root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>("[data-write]")) element.hidden = !session.canEdit;
}
