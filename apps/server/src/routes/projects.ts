// Owns /api/v1/projects: create, list (search, filter, cursor), get, patch, delete — always the caller's own.
import type { ProjectRecord } from "@samokoder/core";
import {
  CreateProjectBody,
  ErrorEnvelope,
  ListProjectsQuery,
  type Project,
  ProjectList,
  ProjectResponse,
  UpdateProjectBody,
} from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const Params = z.object({ id: z.string().max(64) });
const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 402: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope };

export function presentProject(project: ProjectRecord): Project {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    status: project.status,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

export const projectRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const projects = runtime.services.projects;
    const tags = ["projects"];

    app.post(
      "/api/v1/projects",
      { schema: { tags, summary: "Create a project", body: CreateProjectBody, response: { 201: ProjectResponse, ...errors } } },
      async (request, reply) => {
        const project = await projects.create(currentUser(request).userId, request.body);
        return reply.status(201).send({ project: presentProject(project) });
      },
    );

    app.get(
      "/api/v1/projects",
      {
        schema: {
          tags,
          summary: "List your projects, newest first",
          querystring: ListProjectsQuery,
          response: { 200: ProjectList, ...errors },
        },
      },
      async (request) => {
        const page = await projects.list(currentUser(request).userId, request.query);
        return { items: page.items.map(presentProject), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/api/v1/projects/:id",
      { schema: { tags, summary: "Get a project", params: Params, response: { 200: ProjectResponse, ...errors } } },
      async (request) => ({ project: presentProject(await projects.getOwned(currentUser(request).userId, request.params.id)) }),
    );

    app.patch(
      "/api/v1/projects/:id",
      {
        schema: {
          tags,
          summary: "Update a project",
          params: Params,
          body: UpdateProjectBody,
          response: { 200: ProjectResponse, ...errors },
        },
      },
      async (request) => ({
        project: presentProject(await projects.update(currentUser(request).userId, request.params.id, request.body)),
      }),
    );

    app.delete(
      "/api/v1/projects/:id",
      { schema: { tags, summary: "Delete a project and everything it owns", params: Params, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await projects.delete(currentUser(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
