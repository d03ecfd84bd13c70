// Owns liveness (/health) and readiness (/ready: database reachable, migrations current).
import { pendingMigrations } from "@samokoder/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Runtime } from "../runtime";
import { VERSION } from "../version";

const Health = z.object({ status: z.literal("ok"), version: z.string(), uptimeSeconds: z.number() }).meta({ id: "Health" });
const Ready = z
  .object({
    status: z.enum(["ready", "not_ready"]),
    checks: z.object({
      database: z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() }),
      migrations: z.object({ ok: z.boolean(), pending: z.number().optional() }),
    }),
  })
  .meta({ id: "Ready" });

export const healthRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const started = Date.now();
    app.get(
      "/health",
      { schema: { tags: ["health"], summary: "Liveness", response: { 200: Health } }, config: { auth: "none" } },
      async () => ({ status: "ok" as const, version: VERSION, uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
    );
    app.get(
      "/ready",
      {
        schema: { tags: ["health"], summary: "Readiness: database reachable and migrations current", response: { 200: Ready, 503: Ready } },
        config: { auth: "none" },
      },
      async (_request, reply) => {
        const begin = performance.now();
        let database: { ok: boolean; latencyMs?: number; error?: string };
        let migrations: { ok: boolean; pending?: number } = { ok: false };
        try {
          await runtime.db.query("SELECT 1");
          database = { ok: true, latencyMs: Math.round((performance.now() - begin) * 100) / 100 };
          const pending = await pendingMigrations(runtime.db);
          migrations = { ok: pending === 0, pending };
        } catch {
          database = { ok: false, error: "database unreachable" };
        }
        const ok = database.ok && migrations.ok;
        return reply.status(ok ? 200 : 503).send({ status: ok ? "ready" : "not_ready", checks: { database, migrations } });
      },
    );
  };
