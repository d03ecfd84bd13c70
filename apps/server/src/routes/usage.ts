// Owns /api/v1/usage (the caller's LLM usage and cost) and /api/v1/admin/usage (everyone's, administrators only).
import { AdminUsageQuery, ErrorEnvelope, UsageQuery, UsageReport } from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 422: ErrorEnvelope };

export const usageRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const llm = runtime.services.llm;

    app.get(
      "/api/v1/usage",
      {
        schema: {
          tags: ["usage"],
          summary: "Your LLM usage and cost, grouped by day, provider, model, project or agent",
          querystring: UsageQuery,
          response: { 200: UsageReport, ...errors },
        },
      },
      async (request) => llm.usage(currentUser(request).userId, request.query),
    );

    app.get(
      "/api/v1/admin/usage",
      {
        schema: {
          tags: ["admin"],
          summary: "Everyone's LLM usage and cost (administrators only)",
          querystring: AdminUsageQuery,
          response: { 200: UsageReport, ...errors },
        },
        config: { auth: "admin" },
      },
      async (request) => llm.usage(null, request.query),
    );
  };
