import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The page's one HTTP client carries the server's bookmark tokens: a write's answer (or a live change) hands one
// over, and every later request sends what it holds, so the instance serving it reads at least that state.
// fetch is replaced before api.ts is loaded (openapi-fetch takes the global fetch when the client is created).

interface Seen {
  method: string;
  url: string;
  bookmark: string | null;
}

const seen: Seen[] = [];
const answers: Array<{ status: number; body: unknown; bookmark?: string }> = [];

async function fakeFetch(input: Request): Promise<Response> {
  seen.push({ method: input.method, url: input.url, bookmark: input.headers.get("Explorer-Bookmark") });
  if (input.url.endsWith("/api/auth/antiforgery")) {
    return new Response(JSON.stringify({ token: "t", headerName: "X-XSRF-TOKEN" }), { status: 200, headers: { "Content-Type": "application/json" } });
  }
  const answer = answers.shift() ?? { status: 200, body: {} };
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (answer.bookmark) headers["Explorer-Bookmark"] = answer.bookmark;
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

let api: typeof import("../src/api");

beforeAll(async () => {
  vi.stubGlobal("fetch", (input: Request | string) => fakeFetch(typeof input === "string" ? new Request(new URL(input, "http://localhost")) : input));
  api = await import("../src/api");
});

afterAll(() => {
  vi.unstubAllGlobals();
});

const node = { id: "n1", kind: "Nation", name: "N", aliases: [], description: "", version: 1 };
const apiCalls = () => seen.filter((s) => !s.url.endsWith("/api/auth/antiforgery"));

describe("bookmark tokens", () => {
  it("sends nothing before any write, then the token a write's answer carried on every later request", async () => {
    answers.push({ status: 200, body: { results: [], truncated: false } });
    await api.api.search("nato");
    expect(apiCalls().at(-1)?.bookmark).toBeNull();

    answers.push({ status: 201, body: node, bookmark: "token-after-write-1" });
    await api.api.createNode({ id: "n1", kind: "Nation", name: "N" });
    expect(api.heldBookmarks()).toEqual(["token-after-write-1"]);

    answers.push({ status: 200, body: { results: [], truncated: false } });
    await api.api.search("nato");
    answers.push({ status: 200, body: node });
    await api.api.node("n1");
    expect(apiCalls().slice(-2).map((s) => s.bookmark)).toEqual(["token-after-write-1", "token-after-write-1"]);
  });

  it("replaces the tokens a write sent with the one it got back, keeping a live change's that came meanwhile", async () => {
    api.observeBookmark("token-from-live-change");
    expect(api.heldBookmarks()).toEqual(["token-after-write-1", "token-from-live-change"]);

    answers.push({ status: 200, body: node, bookmark: "token-after-write-2" });
    await api.api.editNode("n1", 1, { name: "M" });
    expect(apiCalls().at(-1)?.bookmark).toBe("token-after-write-1,token-from-live-change");
    expect(api.heldBookmarks()).toEqual(["token-after-write-2"]);
  });

  it("keeps a bounded number of tokens", () => {
    for (let i = 0; i < 10; i++) api.observeBookmark(`live-${i}`);
    expect(api.heldBookmarks()).toEqual(["live-6", "live-7", "live-8", "live-9"]);
    api.observeBookmark(null);
    api.observeBookmark("live-9");
    expect(api.heldBookmarks()).toEqual(["live-6", "live-7", "live-8", "live-9"]);
  });
});
