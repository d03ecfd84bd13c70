// Owns /api/v1/tokens: personal access tokens for scripts (created, listed, revoked by their owner).
import { CreatedToken, CreateTokenBody, ErrorEnvelope, TokenList } from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { clientInfo } from "../http/client-info";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope, 429: ErrorEnvelope };

export const tokenRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const auth = runtime.services.auth;
    const tags = ["tokens"];

    app.post(
      "/api/v1/tokens",
      {
        schema: {
          tags,
          summary: "Create a personal access token; the secret is shown only in this response",
          body: CreateTokenBody,
          response: { 201: CreatedToken, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await auth.createToken(currentUser(request), request.body, clientInfo(request))),
    );

    app.get(
      "/api/v1/tokens",
      { schema: { tags, summary: "Your personal access tokens (never the secrets)", response: { 200: TokenList, ...errors } } },
      async (request) => ({ items: await auth.listTokens(currentUser(request)) }),
    );

    app.delete(
      "/api/v1/tokens/:id",
      {
        schema: {
          tags,
          summary: "Revoke a personal access token",
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.revokeToken(currentUser(request), request.params.id, clientInfo(request));
        return reply.status(204).send(null);
      },
    );
  };
