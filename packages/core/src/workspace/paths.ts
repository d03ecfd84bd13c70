// Owns confining file paths to a project directory: syntax rules first, then realpath checks against symlinks.
import { lstat, mkdir, realpath } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { AppError } from "../errors/index";

const MAX_PATH_LENGTH = 1024;

export const pathNotAllowed = (path: string, why: string) =>
  new AppError("path_not_allowed", 400, `Path "${printable(path)}" is not allowed: ${why}`, { details: { path: printable(path), why } });

function printable(path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we hide
  return path.replace(/[\u0000-\u001f]/g, "?").slice(0, 200);
}

/**
 * Normalises a project-relative path ("src//a.ts", "./src/a.ts" → "src/a.ts"). Rejects, rather than repairs,
 * anything that could point elsewhere: absolute paths, `..`, `.git`, NUL bytes and backslashes.
 * Returns "" for the project root when `allowRoot` is set.
 */
export function normalizeProjectPath(input: string, options: { allowRoot?: boolean } = {}): string {
  if (typeof input !== "string") throw pathNotAllowed(String(input), "not a string");
  if (input.includes("\0")) throw pathNotAllowed(input, "contains a NUL byte");
  if (input.length > MAX_PATH_LENGTH) throw pathNotAllowed(input, `longer than ${MAX_PATH_LENGTH} characters`);
  if (input.startsWith("/")) throw pathNotAllowed(input, "absolute paths are not allowed; use a path relative to the project");
  if (input.includes("\\")) throw pathNotAllowed(input, "use / as the separator");
  const segments = input.split("/").filter((segment) => segment !== "" && segment !== ".");
  for (const segment of segments) {
    if (segment === "..") throw pathNotAllowed(input, "`..` would leave the project");
    if (segment.toLowerCase() === ".git") throw pathNotAllowed(input, "the .git directory is managed by the platform");
  }
  const normalized = segments.join("/");
  if (normalized === "" && !options.allowRoot) throw pathNotAllowed(input, "a file path is required");
  return normalized;
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The real location of an existing path, which must lie inside the project (symlinks included). */
export async function resolveExisting(realRoot: string, relative: string): Promise<string> {
  const absolute = join(realRoot, relative);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (await exists(absolute)) throw pathNotAllowed(relative, "it is a dangling symbolic link");
      throw new AppError("not_found", 404, `File "${printable(relative)}" not found`);
    }
    throw error;
  }
  if (!isInside(realRoot, real)) throw pathNotAllowed(relative, "it resolves outside the project (symbolic link)");
  return real;
}

/**
 * Prepares writing `relative`: its existing ancestors must resolve inside the project, missing directories
 * are created, and the target itself must not be a symbolic link (writes never follow links).
 */
export async function prepareWrite(realRoot: string, relative: string): Promise<string> {
  const absolute = join(realRoot, relative);
  let ancestor = dirname(absolute);
  while (!(await exists(ancestor))) ancestor = dirname(ancestor);
  const realAncestor = await realpath(ancestor);
  if (!isInside(realRoot, realAncestor)) throw pathNotAllowed(relative, "a parent directory resolves outside the project (symbolic link)");
  const parent = dirname(absolute);
  await mkdir(parent, { recursive: true });
  const realParent = await realpath(parent);
  if (!isInside(realRoot, realParent)) throw pathNotAllowed(relative, "a parent directory resolves outside the project (symbolic link)");
  const target = join(realParent, absolute.slice(parent.length + 1));
  try {
    const info = await lstat(target);
    if (info.isSymbolicLink()) throw pathNotAllowed(relative, "it is a symbolic link; writes do not follow links");
    if (info.isDirectory()) throw pathNotAllowed(relative, "it is a directory");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return target;
}

/** Location of an entry to delete: its parent must resolve inside; the entry itself is removed, never followed. */
export async function resolveForDelete(realRoot: string, relative: string): Promise<string> {
  const absolute = join(realRoot, relative);
  let realParent: string;
  try {
    realParent = await realpath(dirname(absolute));
  } catch {
    throw new AppError("not_found", 404, `File "${printable(relative)}" not found`);
  }
  if (!isInside(realRoot, realParent)) throw pathNotAllowed(relative, "a parent directory resolves outside the project (symbolic link)");
  const target = join(realParent, absolute.slice(dirname(absolute).length + 1));
  if (!(await exists(target))) throw new AppError("not_found", 404, `File "${printable(relative)}" not found`);
  return target;
}
