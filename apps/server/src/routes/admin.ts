// Owns /api/v1/admin: administrator-only views of the platform's accounts.
import { AdminUserList, ErrorEnvelope } from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { clientInfo } from "../http/client-info";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const adminRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/api/v1/admin/users",
      {
        schema: {
          tags: ["admin"],
          summary: "List every account (administrators only)",
          querystring: Query,
          response: { 200: AdminUserList, 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 422: ErrorEnvelope },
        },
        config: { auth: "admin" },
      },
      async (request) => runtime.services.auth.admin.listUsers(currentUser(request).userId, request.query, clientInfo(request)),
    );
  };
