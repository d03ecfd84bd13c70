// Owns /api/v1/projects/{id}/runs and /api/v1/runs/{id}/…: start, inspect, cancel, answer, message, re-plan
// and edit the spec of generation runs; always the caller's own (someone else's run is a 404).
import {
  AnswerBody,
  ErrorEnvelope,
  RunList,
  RunMessageBody,
  RunResponse,
  StartRunBody,
  UpdatePlanBody,
  UpdateSpecBody,
} from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const Params = z.object({ id: z.string().max(64) });
const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope, 422: ErrorEnvelope };

export const runRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const runs = runtime.services.engine.runs;
    const tags = ["runs"];

    app.post(
      "/api/v1/projects/:id/runs",
      {
        schema: {
          tags,
          summary: "Start a run: the first builds the app from the project description, later ones apply `instruction`",
          params: Params,
          body: StartRunBody,
          response: { 202: RunResponse, ...errors },
        },
      },
      async (request, reply) => {
        const run = await runs.start(currentUser(request).userId, request.params.id, request.body);
        return reply.status(202).send({ run });
      },
    );

    app.get(
      "/api/v1/projects/:id/runs",
      { schema: { tags, summary: "List the project's runs, newest first", params: Params, response: { 200: RunList, ...errors } } },
      async (request) => ({ items: await runs.list(currentUser(request).userId, request.params.id) }),
    );

    app.get(
      "/api/v1/runs/:id",
      {
        schema: {
          tags,
          summary: "A run: status, stage, plan, pending question, tokens and cost per step",
          params: Params,
          response: { 200: RunResponse, ...errors },
        },
      },
      async (request) => ({ run: await runs.get(currentUser(request).userId, request.params.id) }),
    );

    app.post(
      "/api/v1/runs/:id/cancel",
      { schema: { tags, summary: "Cancel a run", params: Params, response: { 200: RunResponse, ...errors } } },
      async (request) => ({ run: await runs.cancel(currentUser(request).userId, request.params.id) }),
    );

    app.post(
      "/api/v1/runs/:id/answers",
      {
        schema: {
          tags,
          summary: "Answer the run's question; a paused run resumes",
          params: Params,
          body: AnswerBody,
          response: { 200: RunResponse, ...errors },
        },
      },
      async (request) => ({
        run: await runs.answer(currentUser(request).userId, request.params.id, request.body.questionId, request.body.answer),
      }),
    );

    app.post(
      "/api/v1/runs/:id/messages",
      {
        schema: {
          tags,
          summary: 'Send a free-form message ("skip task", "I\'m stuck", or anything); answers a pending question',
          params: Params,
          body: RunMessageBody,
          response: { 200: RunResponse, ...errors },
        },
      },
      async (request) => ({ run: await runs.message(currentUser(request).userId, request.params.id, request.body.text) }),
    );

    app.put(
      "/api/v1/runs/:id/plan",
      {
        schema: {
          tags,
          summary: "Edit, reorder, add or skip tasks (the whole plan in its new order)",
          params: Params,
          body: UpdatePlanBody,
          response: { 200: RunResponse, ...errors },
        },
      },
      async (request) => ({ run: await runs.updatePlan(currentUser(request).userId, request.params.id, request.body.tasks) }),
    );

    app.put(
      "/api/v1/runs/:id/spec",
      {
        schema: {
          tags,
          summary: "Replace the run's specification",
          params: Params,
          body: UpdateSpecBody,
          response: { 200: RunResponse, ...errors },
        },
      },
      async (request) => ({ run: await runs.updateSpec(currentUser(request).userId, request.params.id, request.body.spec) }),
    );
  };
