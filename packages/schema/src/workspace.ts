// Owns the wire contract of project workspaces: refs, file listings and contents, checkpoints, diffs, templates.
import { z } from "zod";

/**
 * A commit sha (abbreviated or full) or a plain branch/tag name. Deliberately narrow: it can never
 * start with "-" (so it is never read as a git option) and excludes git's revision syntax (`..`, `@{`, `^`, `~`, `:`).
 */
export const GitRef = z
  .string()
  .min(1)
  .max(100)
  .regex(/^(?:HEAD|[0-9a-fA-F]{4,64}|[A-Za-z0-9_][A-Za-z0-9._/-]*)$/, "must be a commit sha, HEAD or a branch/tag name")
  .refine((v) => !v.includes("..") && !v.includes("//") && !v.endsWith("/") && !v.endsWith(".lock") && !v.endsWith("."), {
    message: "must be a commit sha, HEAD or a branch/tag name",
  })
  .describe("Commit sha, HEAD, or a branch/tag name");

/** A full or abbreviated commit sha. */
export const CommitSha = z
  .string()
  .regex(/^[0-9a-fA-F]{4,64}$/, "must be a hexadecimal commit sha")
  .describe("Commit sha");

export const WorkspaceFileEntry = z
  .object({ path: z.string(), type: z.enum(["file", "directory"]), size: z.number().int() })
  .meta({ id: "WorkspaceFileEntry" });

export const FileListQuery = z.object({
  ref: GitRef.optional().describe("Commit to list; omitted: the current working tree"),
  path: z.string().max(1024).optional().describe("Directory to list (recursively); omitted: the whole project"),
});

export const FileList = z
  .object({
    ref: z.string().nullable().describe("Resolved commit sha, or null for the working tree"),
    entries: z.array(WorkspaceFileEntry),
  })
  .meta({ id: "FileList" });

export const FileContentQuery = z.object({ ref: GitRef.optional().describe("Commit to read from; omitted: the working tree") });

export const FileContent = z
  .object({
    path: z.string(),
    ref: z.string().nullable().describe("Resolved commit sha, or null for the working tree"),
    encoding: z.enum(["utf8", "base64"]).describe("utf8 for text; base64 for binary files (NUL bytes or invalid UTF-8)"),
    content: z.string(),
    size: z.number().int(),
  })
  .meta({ id: "FileContent" });

export const WriteFileBody = z
  .object({
    content: z.string().max(5 * 1024 * 1024),
    encoding: z.enum(["utf8", "base64"]).default("utf8"),
    message: z.string().trim().min(1).max(200).optional().describe("Commit subject; default: `Edit <path>`"),
  })
  .meta({ id: "WriteFileBody" });

export const WriteFileResult = z.object({ path: z.string(), sha: z.string().describe("The commit made for this edit") }).meta({
  id: "WriteFileResult",
});

export const Checkpoint = z
  .object({
    sha: z.string(),
    message: z.string().describe("Commit subject"),
    createdAt: z.string(),
    runId: z.string().nullable(),
    taskId: z.string().nullable(),
    step: z.string().nullable(),
  })
  .meta({ id: "Checkpoint" });

export const CheckpointListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
export const CheckpointList = z.object({ items: z.array(Checkpoint) }).meta({ id: "CheckpointList" });

export const DiffQuery = z.object({
  from: GitRef,
  to: GitRef.optional().describe("Default: HEAD"),
});

export const DiffFileStat = z
  .object({
    path: z.string(),
    oldPath: z.string().nullable().describe("Set when the file was renamed"),
    additions: z.number().int(),
    deletions: z.number().int(),
    binary: z.boolean(),
  })
  .meta({ id: "DiffFileStat" });

export const DiffResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    diff: z.string().describe("Unified diff"),
    truncated: z.boolean().describe("True when the diff text was cut at the size limit; `files` is always complete"),
    files: z.array(DiffFileStat),
  })
  .meta({ id: "DiffResponse" });

export const RestoreResult = z
  .object({ sha: z.string().describe("The new commit"), restoredFrom: z.string() })
  .meta({ id: "RestoreResult" });

export const TemplateSummary = z
  .object({ id: z.string(), name: z.string(), description: z.string(), stack: z.array(z.string()) })
  .meta({ id: "TemplateSummary" });
export const TemplateList = z.object({ items: z.array(TemplateSummary) }).meta({ id: "TemplateList" });
