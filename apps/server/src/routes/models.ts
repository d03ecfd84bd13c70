// Owns /api/v1/models (the catalogue) and model routing settings for the caller and their projects.
import { ErrorEnvelope, ModelCatalogue, ModelSettings, ProjectModelSettings } from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const ProjectParams = z.object({ id: z.uuid() });
const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope };

export const modelRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const llm = runtime.services.llm;
    const tags = ["models"];

    app.get(
      "/api/v1/models",
      {
        schema: {
          tags,
          summary: "Known models with prices, context windows and capabilities, plus models discovered on OpenAI-compatible endpoints",
          response: { 200: ModelCatalogue, ...errors },
        },
      },
      async (request) => llm.listModels(currentUser(request).userId),
    );

    app.get(
      "/api/v1/settings/models",
      { schema: { tags, summary: "Your model per agent role, with fallbacks", response: { 200: ModelSettings, ...errors } } },
      async (request) => llm.getUserSettings(currentUser(request).userId),
    );

    app.put(
      "/api/v1/settings/models",
      {
        schema: { tags, summary: "Choose your model per agent role", body: ModelSettings, response: { 200: ModelSettings, ...errors } },
      },
      async (request) => llm.putUserSettings(currentUser(request).userId, request.body),
    );

    app.get(
      "/api/v1/projects/:id/settings/models",
      {
        schema: {
          tags,
          summary: "A project's model overrides and budget",
          params: ProjectParams,
          response: { 200: ProjectModelSettings, ...errors },
        },
      },
      async (request) => llm.getProjectSettings(currentUser(request).userId, request.params.id),
    );

    app.put(
      "/api/v1/projects/:id/settings/models",
      {
        schema: {
          tags,
          summary: "Override models per role and set budgets for one project",
          params: ProjectParams,
          body: ProjectModelSettings,
          response: { 200: ProjectModelSettings, ...errors },
        },
      },
      async (request) => llm.putProjectSettings(currentUser(request).userId, request.params.id, request.body),
    );
  };
