// Owns importing an existing directory of code into a workspace as its first checkpoint (`samokoder generate --from DIR`).
import { lstat, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { AppError } from "../errors/index";
import type { Workspace } from "./types";

const SKIPPED = new Set(["node_modules", ".git"]);
const MAX_FILES = 20_000;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

async function collect(root: string, dir: string, into: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    // Symlinks are not followed: an imported tree must not pull in files from elsewhere on the host.
    if (entry.isDirectory()) await collect(root, path, into);
    else if (entry.isFile()) into.push(relative(root, path));
    if (into.length > MAX_FILES) throw new AppError("payload_too_large", 413, `The directory has more than ${MAX_FILES} files`);
  }
}

/**
 * Copies every regular file of `sourceDir` (without node_modules, .git and symlinks) into the workspace and
 * commits it as the `import` step. Files larger than 10 MB are skipped and reported.
 */
export async function importTree(
  workspace: Workspace,
  sourceDir: string,
  options: { runId?: string | null; summary?: string } = {},
): Promise<{ sha: string; files: number; skipped: string[] }> {
  const info = await lstat(sourceDir).catch(() => null);
  if (!info?.isDirectory()) throw new AppError("not_found", 404, `Directory "${sourceDir}" not found`);
  const paths: string[] = [];
  await collect(sourceDir, sourceDir, paths);
  const files: Array<{ path: string; content: Buffer }> = [];
  const skipped: string[] = [];
  for (const path of paths.sort()) {
    const size = (await lstat(join(sourceDir, path))).size;
    if (size > MAX_FILE_BYTES) skipped.push(path);
    else files.push({ path, content: await readFile(join(sourceDir, path)) });
  }
  await workspace.writeFiles(files);
  const sha = await workspace.commit({ runId: options.runId ?? null, step: "import", summary: options.summary ?? "Import existing code" });
  return { sha, files: files.length, skipped };
}
