import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import { observeBookmark } from "./api";
import type { ChangeEvent, PresenceEvent } from "./types";

// The live channel (/hubs/graph): Changed and Presence pushed by the server, LastSeq on demand.
// Stateful reconnect replays what a short drop lost; automatic reconnect covers longer ones, after which
// the page catches up through /api/changes (see sync.ts). When retries run out, it keeps trying slowly.

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface LiveHandlers {
  changed(change: ChangeEvent): void;
  presence(presence: PresenceEvent): void;
  state(state: ConnectionState): void;
  /** A new connection after a drop (not a transparent stateful resume): catch up. */
  reconnected(): void;
}

export class LiveChannel {
  readonly connection: HubConnection;
  private stopped = false;

  constructor(private readonly handlers: LiveHandlers, url = "/hubs/graph") {
    // The browser's id goes with every (re)connect: presence counts this browser's tabs as one viewer.
    const browser = browserId();
    this.connection = new HubConnectionBuilder()
      .withUrl(browser ? `${url}?browser=${encodeURIComponent(browser)}` : url)
      .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 15000, 30000])
      .withStatefulReconnect({ bufferSize: 1_000_000 })
      .configureLogging(LogLevel.Warning)
      .build();
    this.connection.on("Changed", (change: ChangeEvent) => {
      // The next request reads at least this state, whichever instance serves it.
      observeBookmark(change.bookmark);
      handlers.changed(change);
    });
    this.connection.on("Presence", (presence: PresenceEvent) => handlers.presence(presence));
    this.connection.onreconnecting(() => handlers.state("reconnecting"));
    this.connection.onreconnected(() => {
      handlers.state("live");
      handlers.reconnected();
    });
    this.connection.onclose(() => {
      if (this.stopped) return;
      handlers.state("offline");
      this.retry(5000);
    });
  }

  /** Connects (retrying until it works) and returns the server's last published sequence number. */
  async start(): Promise<number> {
    this.handlers.state("connecting");
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connection.start();
        const last = await this.lastSeq();
        this.handlers.state("live");
        return last;
      } catch {
        this.handlers.state("offline");
        await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * 2 ** attempt)));
      }
    }
  }

  /** Connects again, e.g. after signing in or out, so the server sees who is viewing now. */
  async restart(): Promise<void> {
    this.stopped = true;
    await this.connection.stop().catch(() => {});
    this.stopped = false;
    await this.start();
    this.handlers.reconnected();
  }

  lastSeq(): Promise<number> {
    return this.connection.invoke<number>("LastSeq");
  }

  get isLive(): boolean {
    return this.connection.state === HubConnectionState.Connected;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection.stop();
  }

  private retry(delay: number): void {
    setTimeout(async () => {
      if (this.stopped || this.connection.state !== HubConnectionState.Disconnected) return;
      try {
        this.handlers.state("reconnecting");
        await this.connection.start();
        this.handlers.state("live");
        this.handlers.reconnected();
      } catch {
        this.handlers.state("offline");
        this.retry(Math.min(30000, delay * 2));
      }
    }, delay);
  }
}

const BROWSER_KEY = "explorer.browser";

/**
 * A random id for this browser, kept in localStorage (shared by its tabs, kept across reloads), so presence
 * counts people rather than tabs. It identifies nothing but "the same browser as before"; null where storage
 * is unavailable (the tab is then counted on its own).
 */
export function browserId(): string | null {
  try {
    let id = localStorage.getItem(BROWSER_KEY);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      // getRandomValues, unlike randomUUID, also works on a page served over plain http.
      id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem(BROWSER_KEY, id);
    }
    return id;
  } catch {
    return null;
  }
}
