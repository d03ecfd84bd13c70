// Owns forwarding HTTP requests and WebSocket upgrades to a sandboxed app's endpoint, with header hygiene.
import { Agent, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { SandboxEndpoint } from "@samokoder/core";

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the platform's credentials never reach the app. */
const DROPPED_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "authorization",
  "x-csrf-token",
  "host",
]);
const DROPPED_RESPONSE_HEADERS = new Set(["connection", "keep-alive", "proxy-authenticate", "trailer", "transfer-encoding", "upgrade"]);

export interface ForwardOptions {
  path: string;
  /** Cookie names the app must never see (the platform's session and the preview session). */
  dropCookies: (name: string) => boolean;
  /** Extra response headers, e.g. a sandbox CSP when served on the platform origin. */
  responseHeaders?: Record<string, string>;
  /** Drop the app's Set-Cookie (platform origin: an app must not set cookies there). */
  dropSetCookie?: boolean;
  body?: Buffer | undefined;
}

export function filterCookieHeader(header: string | undefined, drop: (name: string) => boolean): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && !drop(part.split("=")[0]?.trim() ?? ""));
  return kept.length ? kept.join("; ") : undefined;
}

export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  options: ForwardOptions,
  port: number | null,
): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || name === "cookie") continue;
    result[name] = value;
  }
  const cookie = filterCookieHeader(headers.cookie, options.dropCookies);
  if (cookie) result.cookie = cookie;
  // Dev servers (Vite) only answer to localhost-like Host headers (DNS-rebinding protection).
  result.host = port ? `localhost:${port}` : "localhost";
  const forwardedHost = headers.host;
  if (forwardedHost) result["x-forwarded-host"] = forwardedHost;
  return result;
}

// Reusing connections to the app spares a connect through the sandbox's bridge on every request.
const agents = new Map<string, Agent>();
function agentFor(endpoint: SandboxEndpoint): Agent {
  const key = endpoint.kind === "unix" ? endpoint.path : `${endpoint.host}:${endpoint.port}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 60_000 });
    agents.set(key, agent);
  }
  return agent;
}

/** Drops the pooled connections of a stopped preview. */
export function releaseEndpoint(endpoint: SandboxEndpoint): void {
  const key = endpoint.kind === "unix" ? endpoint.path : `${endpoint.host}:${endpoint.port}`;
  agents.get(key)?.destroy();
  agents.delete(key);
}

function target(endpoint: SandboxEndpoint) {
  const base = endpoint.kind === "unix" ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
  return { ...base, agent: agentFor(endpoint) };
}

export function forwardHttp(
  request: IncomingMessage,
  response: ServerResponse,
  endpoint: SandboxEndpoint,
  port: number | null,
  options: ForwardOptions,
): void {
  const upstream = httpRequest(
    { ...target(endpoint), method: request.method, path: options.path, headers: upstreamHeaders(request.headers, options, port) },
    (reply) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(reply.headers)) {
        if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
        if (name === "set-cookie" && options.dropSetCookie) continue;
        headers[name] = value;
      }
      Object.assign(headers, options.responseHeaders ?? {});
      response.writeHead(reply.statusCode ?? 502, headers);
      reply.pipe(response);
    },
  );
  upstream.on("error", () => {
    if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
    response.end("The preview is not answering.\n");
  });
  response.on("close", () => upstream.destroy());
  if (options.body !== undefined) upstream.end(options.body);
  else request.pipe(upstream);
}

/** Replays the upgrade request to the app over a raw connection and splices the two sockets. */
export function forwardUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  endpoint: SandboxEndpoint,
  port: number | null,
  options: Pick<ForwardOptions, "path" | "dropCookies">,
): void {
  const upstream: Socket = endpoint.kind === "unix" ? connect(endpoint.path) : connect(endpoint.port, endpoint.host);
  upstream.once("connect", () => {
    const headers = upstreamHeaders(request.headers, { ...options }, port);
    headers.connection = "Upgrade";
    headers.upgrade = request.headers.upgrade ?? "websocket";
    const lines = [`${request.method ?? "GET"} ${options.path} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item.replace(/[\r\n]/g, "")}`);
    }
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on("error", close);
  socket.on("error", close);
  socket.on("close", () => upstream.destroy());
}
