// Owns /api/v1/projects/{id}/files, checkpoints, diff, restore and export.zip, always on the caller's own project.
import { commitUserEdit, decodeText, listTemplates, type Workspace } from "@samokoder/core";
import {
  CheckpointList,
  CheckpointListQuery,
  CommitSha,
  DiffQuery,
  DiffResponse,
  ErrorEnvelope,
  FileContent,
  FileContentQuery,
  FileList,
  FileListQuery,
  GitRef,
  RestoreResult,
  TemplateList,
  WriteFileBody,
  WriteFileResult,
} from "@samokoder/schema";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { currentUser } from "../http/current-user";
import type { Runtime } from "../runtime";

const Params = z.object({ id: z.string().max(64) });
const FileParams = z.object({ id: z.string().max(64), "*": z.string().min(1).max(1024).describe("File path inside the project") });
const RestoreParams = z.object({ id: z.string().max(64), sha: CommitSha });
const ExportQuery = z.object({ ref: GitRef.optional().describe("Default: HEAD") });
const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope };

/** Diffs beyond this are cut (the per-file stats stay complete), so one huge change cannot flood a response. */
const MAX_DIFF_CHARS = 1_000_000;

function attachmentName(projectName: string, sha: string): string {
  const safe = projectName.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "project";
  return `${safe.slice(0, 60)}-${sha.slice(0, 12)}.zip`;
}

export const workspaceRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const { projects, workspaces } = runtime.services;
    const tags = ["workspace"];
    // A deleted project's files and history go with it.
    projects.onDeleted((project) => workspaces.remove(project.id));

    async function ownedWorkspace(request: FastifyRequest, projectId: string): Promise<Workspace> {
      await projects.getOwned(currentUser(request).userId, projectId);
      return workspaces.ensure(projectId);
    }

    app.get(
      "/api/v1/projects/:id/files",
      {
        schema: {
          tags,
          summary: "List the project's files (recursive)",
          params: Params,
          querystring: FileListQuery,
          response: { 200: FileList, ...errors },
        },
      },
      async (request) => {
        const workspace = await ownedWorkspace(request, request.params.id);
        const ref = request.query.ref === undefined ? null : await workspace.resolveRef(request.query.ref);
        return { ref, entries: await workspace.listFiles(request.query.path ?? "", ref ?? undefined) };
      },
    );

    app.get(
      "/api/v1/projects/:id/files/*",
      {
        schema: {
          tags,
          summary: "Read a file (text as utf8, binary as base64)",
          params: FileParams,
          querystring: FileContentQuery,
          response: { 200: FileContent, ...errors, 413: ErrorEnvelope },
        },
      },
      async (request) => {
        const workspace = await ownedWorkspace(request, request.params.id);
        const ref = request.query.ref === undefined ? null : await workspace.resolveRef(request.query.ref);
        const path = request.params["*"];
        const bytes = await workspace.readFileBytes(path, ref ?? undefined);
        const text = decodeText(bytes);
        return {
          path,
          ref,
          encoding: text === null ? ("base64" as const) : ("utf8" as const),
          content: text ?? bytes.toString("base64"),
          size: bytes.length,
        };
      },
    );

    app.put(
      "/api/v1/projects/:id/files/*",
      {
        schema: {
          tags,
          summary: "Write a file as the user; committed at once as a `user-edit` checkpoint",
          params: FileParams,
          body: WriteFileBody,
          response: { 200: WriteFileResult, ...errors },
        },
      },
      async (request) => {
        const workspace = await ownedWorkspace(request, request.params.id);
        const { content, encoding, message } = request.body;
        return commitUserEdit(workspace, {
          path: request.params["*"],
          content: encoding === "base64" ? Buffer.from(content, "base64") : content,
          message,
        });
      },
    );

    app.get(
      "/api/v1/projects/:id/checkpoints",
      {
        schema: {
          tags,
          summary: "List checkpoints (commits), newest first",
          params: Params,
          querystring: CheckpointListQuery,
          response: { 200: CheckpointList, ...errors },
        },
      },
      async (request) => {
        const workspace = await ownedWorkspace(request, request.params.id);
        return { items: await workspace.checkpoints(request.query.limit) };
      },
    );

    app.get(
      "/api/v1/projects/:id/diff",
      {
        schema: {
          tags,
          summary: "Unified diff and per-file stats between two commits",
          params: Params,
          querystring: DiffQuery,
          response: { 200: DiffResponse, ...errors },
        },
      },
      async (request) => {
        const workspace = await ownedWorkspace(request, request.params.id);
        const from = await workspace.resolveRef(request.query.from);
        const to = await workspace.resolveRef(request.query.to ?? "HEAD");
        const [diff, files] = await Promise.all([workspace.diff(from, to), workspace.diffStats(from, to)]);
        const truncated = diff.length > MAX_DIFF_CHARS;
        return { from, to, diff: truncated ? diff.slice(0, MAX_DIFF_CHARS) : diff, truncated, files };
      },
    );

    app.post(
      "/api/v1/projects/:id/checkpoints/:sha/restore",
      {
        schema: {
          tags,
          summary: "Restore a checkpoint as a new commit (history is kept; uncommitted changes are saved first)",
          params: RestoreParams,
          response: { 200: RestoreResult, ...errors },
        },
      },
      async (request) => {
        const workspace = await ownedWorkspace(request, request.params.id);
        const restoredFrom = await workspace.resolveRef(request.params.sha);
        return { sha: await workspace.restore(restoredFrom), restoredFrom };
      },
    );

    app.get(
      "/api/v1/projects/:id/export.zip",
      {
        schema: {
          tags,
          summary: "Download the project's files at a commit as a ZIP (no .git, no node_modules)",
          params: Params,
          querystring: ExportQuery,
          produces: ["application/zip"],
          response: { 200: z.any().describe("ZIP archive"), ...errors },
        },
      },
      async (request, reply) => {
        const project = await projects.getOwned(currentUser(request).userId, request.params.id);
        const workspace = await workspaces.ensure(project.id);
        const { sha, stream } = await workspace.exportZip(request.query.ref ?? "HEAD");
        return reply
          .header("content-type", "application/zip")
          .header("content-disposition", `attachment; filename="${attachmentName(project.name, sha)}"`)
          .header("x-samokoder-commit", sha)
          .send(stream);
      },
    );

    app.get(
      "/api/v1/templates",
      {
        schema: {
          tags,
          summary: "Starter templates a project can be scaffolded from",
          response: { 200: TemplateList, 401: ErrorEnvelope },
        },
      },
      async () => ({ items: listTemplates().map(({ id, name, description, stack }) => ({ id, name, description, stack })) }),
    );
  };
