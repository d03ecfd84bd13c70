// Owns listing a workspace's files: the working tree through `git ls-files` (respecting ignores), a commit through `git ls-tree`.
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { Git } from "./git";
import type { WorkspaceFileEntry } from "./types";

/** A runaway tree (generated code can create files) must not exhaust memory. */
export const MAX_LISTED_FILES = 20_000;

const IGNORED_SEGMENTS = new Set(["node_modules", ".git"]);

function ignored(path: string): boolean {
  return path.split("/").some((segment) => IGNORED_SEGMENTS.has(segment));
}

function under(prefix: string, path: string): boolean {
  return prefix === "" || path.startsWith(`${prefix}/`);
}

/** Adds the directories implied by file paths, then sorts. */
function withDirectories(files: WorkspaceFileEntry[], prefix: string): WorkspaceFileEntry[] {
  const directories = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const directory = parts.slice(0, i).join("/");
      if (under(prefix, directory)) directories.add(directory);
    }
  }
  const entries = [...files, ...[...directories].map((path) => ({ path, type: "directory" as const, size: 0 }))];
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function splitNul(output: Buffer): string[] {
  return output
    .toString("utf8")
    .split("\0")
    .filter((part) => part !== "");
}

export async function listWorkingTree(git: Git, root: string, prefix: string): Promise<WorkspaceFileEntry[]> {
  const args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  if (prefix) args.push("--", prefix);
  const paths = [...new Set(splitNul((await git.run(args)).stdout))].filter(
    // "dir/" is how git reports a nested repository (generated code ran `git init` there): not a file.
    (path) => !path.endsWith("/") && !ignored(path) && (path === prefix || under(prefix, path)),
  );
  const files: WorkspaceFileEntry[] = [];
  for (const path of paths.slice(0, MAX_LISTED_FILES)) {
    try {
      // lstat: a symlink is listed as itself and never followed, so a link to / reveals nothing.
      const info = await lstat(join(root, path));
      if (info.isFile() || info.isSymbolicLink()) files.push({ path, type: "file", size: info.size });
    } catch {
      // Tracked but deleted in the working tree: not there any more.
    }
  }
  return withDirectories(files, prefix);
}

export async function listCommitTree(git: Git, sha: string, prefix: string): Promise<WorkspaceFileEntry[]> {
  const args = ["ls-tree", "-r", "-l", "-z", sha];
  if (prefix) args.push("--", prefix);
  const files: WorkspaceFileEntry[] = [];
  for (const line of splitNul((await git.run(args)).stdout)) {
    // "<mode> <type> <object> <size>\t<path>"
    const tab = line.indexOf("\t");
    const [, type, , size] = line.slice(0, tab).split(/\s+/);
    const path = line.slice(tab + 1);
    if (type !== "blob" || ignored(path) || !(path === prefix || under(prefix, path))) continue;
    files.push({ path, type: "file", size: Number(size) || 0 });
    if (files.length >= MAX_LISTED_FILES) break;
  }
  return withDirectories(files, prefix);
}
