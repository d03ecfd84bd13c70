// HTTP routes: GET /health, the notes API under /api, and the built client for everything else.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { serveStatic } from "./static.js";
import type { JsonStore } from "./store.js";

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export function createApp(store: JsonStore, options: { clientDir?: string } = {}): Server {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    try {
      if (request.method === "GET" && url.pathname === "/health") return send(response, 200, { status: "ok" });
      if (url.pathname === "/api/notes" && request.method === "GET") return send(response, 200, await store.list("notes"));
      if (url.pathname === "/api/notes" && request.method === "POST") {
        const body = await readJson(request).catch(() => null);
        const text = typeof body === "object" && body !== null ? (body as { text?: unknown }).text : undefined;
        if (typeof text !== "string" || text.trim() === "") return send(response, 422, { error: "text is required" });
        return send(response, 201, await store.insert("notes", { text: text.trim(), createdAt: new Date().toISOString() }));
      }
      if (url.pathname.startsWith("/api/")) return send(response, 404, { error: "not found" });
      if (request.method === "GET" && options.clientDir && (await serveStatic(options.clientDir, url.pathname, response))) return;
      return send(response, 404, { error: "not found" });
    } catch {
      return send(response, 500, { error: "internal error" });
    }
  });
}
