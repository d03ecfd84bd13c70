// Owns the file tools: list, read, write, exact search/replace edit and delete, all confined to the project.
import { z } from "zod";
import { defineTool, fail, ok, type ToolResult } from "./define-tool";
import { confinePath } from "./paths";

const MAX_READ_CHARS = 12_000;
const MAX_LIST_ENTRIES = 400;

const path = z.string().min(1).max(500).describe("Path relative to the project root, e.g. src/app.ts");

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function guarded(raw: string, run: (path: string) => Promise<ToolResult>): Promise<ToolResult> {
  const checked = confinePath(raw);
  if (!checked.ok) return fail(`Refused: ${checked.reason}. Nothing was changed.`);
  try {
    return await run(checked.path);
  } catch (error) {
    return fail(`${errorText(error)}. Nothing was changed.`);
  }
}

export const listFiles = defineTool("list_files", {
  description: "List the files of the project (recursively) under a directory. Dependencies and build output are not listed.",
  input: z.object({ path: z.string().max(500).optional().describe("Directory relative to the project root; the root when omitted") }),
  result: "One line per entry: `path (size bytes)`; directories end with `/`.",
  async execute(input, ctx) {
    return guarded(input.path ?? ".", async (dir) => {
      const entries = await ctx.workspace.listFiles(dir === "." ? undefined : dir);
      const lines = entries.slice(0, MAX_LIST_ENTRIES).map((e) => (e.type === "directory" ? `${e.path}/` : `${e.path} (${e.size} bytes)`));
      if (entries.length > MAX_LIST_ENTRIES) lines.push(`… ${entries.length - MAX_LIST_ENTRIES} more entries`);
      return ok(lines.length > 0 ? lines.join("\n") : "(no files)");
    });
  },
});

export const readFile = defineTool("read_file", {
  description: "Read a text file of the project.",
  input: z.object({ path }),
  result: `The file's content (cut after ${MAX_READ_CHARS} characters, with a note saying so).`,
  async execute(input, ctx) {
    return guarded(input.path, async (file) => {
      const content = await ctx.workspace.readFile(file);
      if (content.length <= MAX_READ_CHARS) return ok(content);
      return ok(`${content.slice(0, MAX_READ_CHARS)}\n… [cut: the file has ${content.length} characters]`);
    });
  },
});

export const writeFile = defineTool("write_file", {
  description:
    "Create a file or replace a whole file with new content. Prefer edit_file for changes to an existing file: rewriting a whole file risks losing code.",
  input: z.object({ path, content: z.string().max(200_000).describe("The complete new content of the file") }),
  result: "`Wrote <path> (<n> bytes)`, or an error naming why nothing was written.",
  async execute(input, ctx) {
    return guarded(input.path, async (file) => {
      await ctx.workspace.writeFile(file, input.content);
      ctx.onFileChanged(file, "write");
      return ok(`Wrote ${file} (${Buffer.byteLength(input.content)} bytes)`);
    });
  },
});

export const editFile = defineTool("edit_file", {
  description:
    "Replace one exact piece of text in a file. `search` must occur exactly once in the file (include enough surrounding lines to make it unique); otherwise nothing is changed and the error says why.",
  input: z.object({
    path,
    search: z.string().min(1).max(100_000).describe("Exact text currently in the file, including whitespace"),
    replace: z.string().max(100_000).describe("Text to put in its place"),
  }),
  result: "`Edited <path>`, or an error (no match / several matches / missing file) with nothing applied.",
  async execute(input, ctx) {
    return guarded(input.path, async (file) => {
      await ctx.workspace.editFile(file, input.search, input.replace);
      ctx.onFileChanged(file, "edit");
      return ok(`Edited ${file}`);
    });
  },
});

export const deleteFile = defineTool("delete_file", {
  description: "Delete a file of the project.",
  input: z.object({ path }),
  result: "`Deleted <path>`, or an error.",
  async execute(input, ctx) {
    return guarded(input.path, async (file) => {
      await ctx.workspace.deleteFile(file);
      ctx.onFileChanged(file, "delete");
      return ok(`Deleted ${file}`);
    });
  },
});
