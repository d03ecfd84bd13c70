// Owns previews over HTTP: the start/stop/status API, the owner-only entry at /preview/{id}/, and the preview origin.
import type { AuthContext } from "@samokoder/core";
import { ErrorEnvelope, PreviewResponse, StartPreviewBody } from "@samokoder/schema";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import { createPreviewOrigin, HANDOFF_PATH, notFoundResponse } from "../http/preview-origin";
import { forwardHttp, releaseEndpoint } from "../http/preview-proxy";
import type { Runtime } from "../runtime";

/** On the platform origin the app's pages get an opaque origin: no platform cookies, no same-origin API calls. */
const SANDBOX_CSP = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads";

const Params = z.object({ id: z.string().max(64) });
const errors = { 401: ErrorEnvelope, 402: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope, 422: ErrorEnvelope, 503: ErrorEnvelope };

export const previewRoutes = (runtime: Runtime): FastifyPluginAsyncZod => {
  const plugin: FastifyPluginAsyncZod = async (app) => {
    const previews = runtime.services.previews;
    const processes = runtime.services.processes;
    const tags = ["previews"];
    runtime.services.projects.onDeleted((project) => previews.forgetProject(project.id));
    const origin = createPreviewOrigin({ previews, processes, domain: runtime.config.preview.domain });
    const portOf = (projectId: string) => processes.get(projectId, "preview")?.info().port ?? null;
    const notFoundPage = (reply: FastifyReply) => {
      reply.hijack();
      notFoundResponse(reply.raw);
    };
    origin.attach(app.server);
    // Pooled connections to a stopped preview's socket are useless: drop them with it.
    processes.subscribe((event) => {
      const endpoint =
        event.type === "process.exited" && event.name === "preview" ? processes.get(event.projectId, "preview")?.endpoint : null;
      if (endpoint) releaseEndpoint(endpoint);
    });
    app.addHook("onRequest", async (request, reply) => {
      const projectId = origin.projectOfHost(request.headers.host);
      if (!projectId) return;
      reply.hijack();
      origin.handleRequest(request.raw, reply.raw, projectId);
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
