// Owns the preview origin (<projectId>.<preview domain>): the one-time hand-off, the preview-only session cookie,
// and forwarding requests and upgrades to the owner's running app. Nothing here reaches the platform's routes.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { PreviewService, ProcessManager } from "@samokoder/core";
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from "./auth-cookies";
import { forwardHttp, forwardUpgrade } from "./preview-proxy";

export const PREVIEW_COOKIE = "samokoder_preview";
export const HANDOFF_PATH = "/__samokoder/handoff";
const PLATFORM_COOKIES = new Set([ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE, PREVIEW_COOKIE]);
/** The platform's cookies and the preview session never reach the app. */
export const dropPlatformCookies = (name: string) => PLATFORM_COOKIES.has(name);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** A redirect target on the preview origin: a path, never another host. */
function safeNext(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/";
}

export function notFoundResponse(response: ServerResponse): void {
  response.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  response.end("Not found\n");
}

export function createPreviewOrigin(deps: { previews: PreviewService; processes: ProcessManager; domain: string }) {
  const { previews } = deps;
  const hostPattern = new RegExp(
    `^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.${escapeRegExp(deps.domain)}(?::\\d+)?$`,
    "i",
  );
  const projectOfHost = (host: string | undefined) => hostPattern.exec(host ?? "")?.[1]?.toLowerCase() ?? null;
  const portOf = (projectId: string) => deps.processes.get(projectId, "preview")?.info().port ?? null;
  const endpointOf = (request: IncomingMessage, projectId: string) => {
    const session = previews.verifySession(readCookie(request.headers.cookie, PREVIEW_COOKIE) ?? "");
    return session && session.p === projectId ? previews.endpointFor(projectId, session.u) : null;
  };

  function handleRequest(request: IncomingMessage, response: ServerResponse, projectId: string): void {
    const url = new URL(request.url ?? "/", "http://preview");
    if (url.pathname === HANDOFF_PATH) {
      const grant = previews.redeemHandoff(url.searchParams.get("token") ?? "");
      if (!grant || grant.p !== projectId) {
        notFoundResponse(response);
        return;
      }
      // Cross-site iframes only carry SameSite=None cookies, which browsers accept only when Secure
      // (http://*.localhost counts as secure); elsewhere plain http gets Lax and works top-level only.
      const secure = previews.originOf(projectId).startsWith("https:") || /\.localhost(:\d+)?$/i.test(request.headers.host ?? "");
      const attributes = secure ? "HttpOnly; Secure; SameSite=None" : "HttpOnly; SameSite=Lax";
      response.writeHead(302, {
        location: safeNext(url.searchParams.get("next")),
        "set-cookie": `${PREVIEW_COOKIE}=${previews.issueSession(projectId, grant.u)}; Path=/; ${attributes}; Max-Age=43200`,
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      });
      response.end();
      return;
    }
    const endpoint = endpointOf(request, projectId);
    if (!endpoint) {
      notFoundResponse(response);
      return;
    }
    forwardHttp(request, response, endpoint, portOf(projectId), { path: request.url ?? "/", dropCookies: dropPlatformCookies });
  }

  function handleUpgrade(this: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const projectId = projectOfHost(request.headers.host);
    if (!projectId) {
      // With an upgrade listener present Node no longer answers upgrades itself; when no one else handles them, refuse.
      if (this.listenerCount("upgrade") === 1) socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const endpoint = endpointOf(request, projectId);
    if (!endpoint) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    forwardUpgrade(request, socket, head, endpoint, portOf(projectId), { path: request.url ?? "/", dropCookies: dropPlatformCookies });
  }

  /**
   * Puts the preview origin in front of the platform's request handler on a real listener, so preview traffic
   * skips the platform's hooks (auth, rate limits, headers) that do not apply to it; in-process injected
   * requests reach the same handler through the onRequest hook instead.
   */
  function attach(server: Server): void {
    const platformHandlers = server.listeners("request") as Array<(request: IncomingMessage, response: ServerResponse) => void>;
    server.removeAllListeners("request");
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      const projectId = projectOfHost(request.headers.host);
      if (projectId) {
        handleRequest(request, response, projectId);
        return;
      }
      for (const handler of platformHandlers) handler.call(server, request, response);
    });
    server.on("upgrade", handleUpgrade);
  }

  return { projectOfHost, handleRequest, attach };
}
