// A minimal stored relay, the floor Baton's per-message cost is measured against (issue 15).
//
//   GET /c/{id}/ws?role=visitor|agent   WebSocket into the Durable Object for conversation {id}
//   GET /                               "ok" (readiness probe for scripts/bench.sh)
//
// It speaks just enough of Baton's protocol for baton-bench to measure both with the same code:
// it reads Baton's `{"type":"message","text","client_id"}` command and forwards to the other
// side a frame shaped exactly like Baton's `{"type":"event","event":{...}}`.
import { DurableObject } from "cloudflare:workers";

// baton_core's AgentMessage event carries the agent; a fixed one keeps the frame parseable.
const AGENT = { id: "relay-agent", name: "Relay Agent" };

export class Relay extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    // Also runs when a hibernated object wakes up; IF NOT EXISTS makes that a no-op.
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)",
    );
    // Read lazily: after hibernation memory is gone and the table is the truth.
    this.seq = null;
  }

  async fetch(request) {
    const role = new URL(request.url).searchParams.get("role");
    if (request.headers.get("Upgrade") !== "websocket" || (role !== "visitor" && role !== "agent")) {
      return new Response("expected a WebSocket upgrade with role=visitor|agent", { status: 400 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    // Hibernating socket, tagged with its role so a message finds the other side by tag
    // (no attachment to decode), as Baton does.
    this.ctx.acceptWebSocket(server, [role]);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, message) {
    let command;
    try {
      command = JSON.parse(message);
    } catch {
      return;
    }
    if (command?.type !== "message" || typeof command.text !== "string") return;
    const role = this.ctx.getTags(ws)[0];
    if (this.seq === null) {
      this.seq = this.ctx.storage.sql.exec("SELECT COALESCE(MAX(seq), 0) AS seq FROM events").one().seq;
    }
    const seq = ++this.seq;
    const at = Date.now();
    const event =
      role === "visitor"
        ? { seq, at, type: "visitor_message", text: command.text, client_id: command.client_id }
        : { seq, at, type: "agent_message", agent: AGENT, text: command.text, client_id: command.client_id };
    // Serialised once: the stored body is also the wire frame's payload.
    const body = JSON.stringify(event);
    this.ctx.storage.sql.exec("INSERT INTO events (seq, at, body) VALUES (?, ?, ?)", seq, at, body);
    const frame = `{"type":"event","event":${body}}`;
    for (const other of this.ctx.getWebSockets(role === "visitor" ? "agent" : "visitor")) {
      try {
        other.send(frame);
      } catch {
        // A socket closing meanwhile: nothing to deliver to.
      }
    }
  }

  webSocketClose(ws, code, reason) {
    try {
      ws.close(code, reason);
    } catch {
      // Already closed by the runtime.
    }
  }
}

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/") return new Response("ok");
    const match = path.match(/^\/c\/([A-Za-z0-9_-]{1,128})\/ws$/);
    if (!match) return new Response("not found", { status: 404 });
    return env.RELAY.get(env.RELAY.idFromName(match[1])).fetch(request);
  },
};
