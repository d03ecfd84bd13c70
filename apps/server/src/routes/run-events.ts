// Owns GET /api/v1/runs/{id}/events: the run's events as Server-Sent Events. Replays from Last-Event-ID
// (header or `lastEventId` query), then follows live through the event hub; ends after the run's last event.
import { readEvents } from "@samokoder/core";
import { ErrorEnvelope } from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const Params = z.object({ id: z.string().max(64) });
const Query = z.object({ lastEventId: z.coerce.number().int().min(0).optional().describe("Same as the Last-Event-ID header") });
const TERMINAL = new Set(["run.completed", "run.failed", "run.cancelled"]);
const FINISHED = new Set(["completed", "failed", "cancelled"]);
const KEEPALIVE_MS = 15_000;
/** A catch-up read even without a notification, in case one was lost (e.g. the LISTEN connection dropped). */
const CATCH_UP_MS = 5_000;

export const runEventRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const { runs, events: hub } = runtime.services.engine;

    app.get(
      "/api/v1/runs/:id/events",
      {
        schema: {
          tags: ["runs"],
          summary: "Live run events (text/event-stream); reconnect with Last-Event-ID to get exactly what was missed",
          params: Params,
          querystring: Query,
          response: { 200: z.string().describe("text/event-stream of RunEvent"), 401: ErrorEnvelope, 404: ErrorEnvelope },
        },
      },
      async (request, reply) => {
        const run = await runs.owned(currentUser(request).userId, request.params.id);
        const header = Number(request.headers["last-event-id"]);
        let last = Number.isInteger(header) && header >= 0 ? header : (request.query.lastEventId ?? 0);

        // Headers set by the hooks so far (security headers, CORS for listed origins, request id) still apply.
        const hookHeaders: Record<string, string | number | string[]> = {};
        for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) hookHeaders[name] = value;
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          ...hookHeaders,
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, no-transform",
          connection: "keep-alive",
          "x-accel-buffering": "no",
          "x-request-id": request.id,
        });
        raw.write("retry: 2000\n\n");

        let closed = false;
        let pumping = false;
        let again = false;
        let unsubscribe: () => void = () => {};
        const keepalive = setInterval(() => raw.write(": keepalive\n\n"), KEEPALIVE_MS);
        const catchUp = setInterval(() => void pump(), CATCH_UP_MS);
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(keepalive);
          clearInterval(catchUp);
          unsubscribe();
          raw.end();
        };
        request.raw.on("close", close);

        // Serialised: one reader at a time, re-run when notified meanwhile, so order and completeness hold.
        const pump = async (): Promise<void> => {
          if (pumping) {
            again = true;
            return;
          }
          pumping = true;
          try {
            do {
              again = false;
              const batch = await readEvents(runtime.db, run.id, last);
              for (const event of batch) {
                if (closed) return;
                raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
                last = event.id;
                if (TERMINAL.has(event.type)) return close();
              }
              if (batch.length === 500) again = true;
            } while (again && !closed);
          } catch (error) {
            request.log.warn({ err: error }, "event stream read failed");
            close();
          } finally {
            pumping = false;
          }
        };

        unsubscribe = await hub.subscribe(run.id, (lastId) => {
          if (lastId > last) void pump();
        });
        await pump();
        if (!closed && FINISHED.has(run.status)) close();
      },
    );
  };
