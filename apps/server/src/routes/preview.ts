// Owns previews over HTTP: the start/stop/status API, the owner-only entry at /preview/{id}/, and the preview origin.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { AuthContext } from "@samokoder/core";
import { ErrorEnvelope, PreviewResponse, StartPreviewBody } from "@samokoder/schema";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from "../http/auth-cookies";
import { currentUser } from "../http/current-user";
import { forwardHttp, forwardUpgrade } from "../http/preview-proxy";
import type { Runtime } from "../runtime";

export const PREVIEW_COOKIE = "samokoder_preview";
const HANDOFF_PATH = "/__samokoder/handoff";
const PLATFORM_COOKIES = new Set([ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE, PREVIEW_COOKIE]);
const dropCookies = (name: string) => PLATFORM_COOKIES.has(name);
/** On the platform origin the app's pages get an opaque origin: no platform cookies, no same-origin API calls. */
const SANDBOX_CSP = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads";

const Params = z.object({ id: z.string().max(64) });
const errors = { 401: ErrorEnvelope, 402: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope, 422: ErrorEnvelope, 503: ErrorEnvelope };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function readCookie(header: string | undefined, name: string): string | undefined {
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

export const previewRoutes = (runtime: Runtime): FastifyPluginAsyncZod => {
  const plugin: FastifyPluginAsyncZod = async (app) => {
    const previews = runtime.services.previews;
    const processes = runtime.services.processes;
    const tags = ["previews"];
    runtime.services.projects.onDeleted((project) => previews.forgetProject(project.id));
    const previewHost = new RegExp(
      `^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.${escapeRegExp(runtime.config.preview.domain)}(?::\\d+)?$`,
      "i",
    );
    const projectOfHost = (host: string | undefined) => previewHost.exec(host ?? "")?.[1]?.toLowerCase() ?? null;
    const portOf = (projectId: string) => processes.get(projectId, "preview")?.info().port ?? null;

    const notFoundPage = (reply: FastifyReply) => {
      reply.hijack();
      reply.raw.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      reply.raw.end("Not found\n");
    };

    // The preview origin (<projectId>.<preview domain>) never reaches the platform's routes.
    const servePreviewOrigin = async (request: FastifyRequest, reply: FastifyReply, projectId: string) => {
      const url = new URL(request.raw.url ?? "/", "http://preview");
      if (url.pathname === HANDOFF_PATH) {
        const grant = previews.redeemHandoff(url.searchParams.get("token") ?? "");
        if (!grant || grant.p !== projectId) return notFoundPage(reply);
        const host = request.headers.host ?? "";
        // Cross-site iframes only carry SameSite=None cookies, which browsers accept only when Secure.
        const secure = request.protocol === "https" || /\.localhost(:\d+)?$/i.test(host);
        const attributes = secure ? "HttpOnly; Secure; SameSite=None" : "HttpOnly; SameSite=Lax";
        reply.hijack();
        reply.raw.writeHead(302, {
          location: safeNext(url.searchParams.get("next")),
          "set-cookie": `${PREVIEW_COOKIE}=${previews.issueSession(projectId, grant.u)}; Path=/; ${attributes}; Max-Age=43200`,
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        });
        reply.raw.end();
        return;
      }
      const session = previews.verifySession(readCookie(request.headers.cookie, PREVIEW_COOKIE) ?? "");
      const endpoint = session && session.p === projectId ? previews.endpointFor(projectId, session.u) : null;
      if (!endpoint) return notFoundPage(reply);
      reply.hijack();
      forwardHttp(request.raw, reply.raw, endpoint, portOf(projectId), { path: request.raw.url ?? "/", dropCookies });
    };

    app.addHook("onRequest", async (request, reply) => {
      const projectId = projectOfHost(request.headers.host);
      if (projectId) await servePreviewOrigin(request, reply, projectId);
    });

    app.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const projectId = projectOfHost(request.headers.host);
      if (!projectId) return;
      const session = previews.verifySession(readCookie(request.headers.cookie, PREVIEW_COOKIE) ?? "");
      const endpoint = session && session.p === projectId ? previews.endpointFor(projectId, session.u) : null;
      if (!endpoint) {
        socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
      forwardUpgrade(request, socket, head, endpoint, portOf(projectId), { path: request.url ?? "/", dropCookies });
    });

    // The platform-origin entry: owner only (404 for everyone else). Browsers (cookie session) are handed over to
    // the preview origin; API clients (bearer) are proxied here with the app's pages sandboxed to an opaque origin.
    const entry = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const auth: AuthContext | null = request.auth;
      const projectId = request.params.id.toLowerCase();
      const endpoint = auth ? previews.endpointFor(projectId, auth.userId) : null;
      if (!auth || !endpoint) return notFoundPage(reply);
      const prefix = `/preview/${request.params.id}`;
      const rest = (request.raw.url ?? "/").slice(prefix.length) || "/";
      if (auth.method === "cookie") {
        const target = new URL(HANDOFF_PATH, previews.originOf(projectId));
        target.searchParams.set("token", previews.issueHandoff(projectId, auth.userId));
        target.searchParams.set("next", rest.startsWith("/") ? rest : `/${rest}`);
        return reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer").redirect(target.toString(), 302);
      }
      const body =
        request.body === undefined
          ? undefined
          : Buffer.from(typeof request.body === "string" ? request.body : JSON.stringify(request.body));
      reply.hijack();
      forwardHttp(request.raw, reply.raw, endpoint, portOf(projectId), {
        path: rest.startsWith("/") ? rest : `/${rest}`,
        dropCookies: () => true,
        dropSetCookie: true,
        responseHeaders: { "content-security-policy": SANDBOX_CSP, "x-content-type-options": "nosniff" },
        body,
      });
    };
    const entryOptions = { schema: { hide: true, params: Params }, config: { auth: "optional" as const } };
    app.all("/preview/:id", entryOptions, entry);
    app.all("/preview/:id/*", entryOptions, entry);

    app.post(
      "/api/v1/projects/:id/preview",
      {
        schema: {
          tags,
          summary: "Start the project's live preview (waits briefly for it to become ready)",
          params: Params,
          body: StartPreviewBody.nullish(),
          response: { 200: PreviewResponse, ...errors },
        },
      },
      async (request) => ({
        preview: await previews.start(currentUser(request).userId, request.params.id, request.body ?? {}),
      }),
    );

    app.get(
      "/api/v1/projects/:id/preview",
      {
        schema: {
          tags,
          summary: "Preview status: URL, uptime and last output lines",
          params: Params,
          response: { 200: PreviewResponse, ...errors },
        },
      },
      async (request) => ({ preview: await previews.status(currentUser(request).userId, request.params.id) }),
    );

    app.delete(
      "/api/v1/projects/:id/preview",
      { schema: { tags, summary: "Stop the project's live preview", params: Params, response: { 200: PreviewResponse, ...errors } } },
      async (request) => ({ preview: await previews.stop(currentUser(request).userId, request.params.id) }),
    );
  };
  // The preview-origin hook must see every request of the server, not only this plugin's routes.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;
  return plugin;
};
