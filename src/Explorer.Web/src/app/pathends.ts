import type { NodeRecord } from "../types";
import { byId } from "../ui/dom";

// The path bar's From and To show a node by its name, and keep the id it stands for beside it: the view's state
// and its link keep ids, and the server takes an id, a name or an alias, but a name need not be unique. What the
// analyst types instead is sent as typed, or as the id of the one node on the canvas with exactly that name.

export type PathEnd = "path-from" | "path-to";

/** Shows node `id` in the field by its name (by its id while its name is not known; "" empties the field). */
export function showPathEnd(field: PathEnd, id: string, name: string | undefined): void {
  const input = byId<HTMLInputElement>(field);
  input.value = id === "" ? "" : (name ?? id);
  input.dataset["id"] = id;
  input.dataset["shown"] = input.value;
}

/** Shows the name of the node the field holds by id once it is known (a view asks before its nodes arrive), unless the analyst typed since. */
export function namePathEnd(field: PathEnd, nameOf: (id: string) => string | undefined): void {
  const input = byId<HTMLInputElement>(field);
  const id = input.dataset["id"];
  if (!id || input.value !== input.dataset["shown"]) return;
  const name = nameOf(id);
  if (name !== undefined && name !== input.value) {
    input.value = name;
    input.dataset["shown"] = name;
  }
}

/** The end the field asks for: the id of the node it shows, or of the one drawn node named as typed, or the text. */
export function readPathEnd(field: PathEnd, nodes: Iterable<NodeRecord>): string {
  const input = byId<HTMLInputElement>(field);
  const text = input.value.trim();
  if (text === "") return "";
  if (text === input.dataset["shown"]?.trim() && input.dataset["id"]) return input.dataset["id"];
  let found: string | null = null;
  for (const node of nodes) {
    if (node.name !== text) continue;
    if (found !== null) return text;
    found = node.id;
  }
  return found ?? text;
}

/** From becomes To and To becomes From, each with the id it stands for. */
export function swapPathEnds(): void {
  const from = byId<HTMLInputElement>("path-from");
  const to = byId<HTMLInputElement>("path-to");
  [from.value, to.value] = [to.value, from.value];
  for (const key of ["id", "shown"]) {
    const held = from.dataset[key];
    if (to.dataset[key] === undefined) delete from.dataset[key];
    else from.dataset[key] = to.dataset[key];
    if (held === undefined) delete to.dataset[key];
    else to.dataset[key] = held;
  }
}
