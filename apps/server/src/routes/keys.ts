// Owns /api/v1/keys: the caller's provider keys (BYOK) — add, list (last four characters only), delete, test.
import { AddProviderKeyBody, ErrorEnvelope, ProviderKey, ProviderKeyList, ProviderKeyTestResult } from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const Params = z.object({ id: z.uuid() });
const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 402: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope, 429: ErrorEnvelope };

export const keyRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const llm = runtime.services.llm;
    const tags = ["keys"];

    app.post(
      "/api/v1/keys",
      {
        schema: {
          tags,
          summary: "Add a provider API key (stored encrypted; only its last four characters are ever shown)",
          body: AddProviderKeyBody,
          response: { 201: ProviderKey, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await llm.addKey(currentUser(request).userId, request.body)),
    );

    app.get(
      "/api/v1/keys",
      { schema: { tags, summary: "List your provider keys", response: { 200: ProviderKeyList, ...errors } } },
      async (request) => ({ items: await llm.listKeys(currentUser(request).userId) }),
    );

    app.delete(
      "/api/v1/keys/:id",
      { schema: { tags, summary: "Delete a provider key", params: Params, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await llm.deleteKey(currentUser(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/api/v1/keys/:id/test",
      {
        schema: {
          tags,
          summary: "Test a key with a cheap real call (list models): ok, invalid or unreachable",
          params: Params,
          response: { 200: ProviderKeyTestResult, ...errors },
        },
        config: {
          rateLimit: {
            max: runtime.config.llm.keyTestsPerMinute,
            timeWindow: 60_000,
            keyGenerator: (request) => `provider-key-test:${request.auth?.userId ?? request.ip}`,
          },
        },
      },
      async (request) => llm.testKey(currentUser(request).userId, request.params.id),
    );
  };
