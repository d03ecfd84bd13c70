// Owns confining a user- or model-supplied relative path to a root directory, symlinks included.
import { lstatSync, realpathSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { AppError } from "../errors/index";

const outside = (path: string) => new AppError("bad_request", 400, `Path is outside the project: ${path}`);

function checkShape(relativePath: string): void {
  if (relativePath.includes("\0")) throw outside(relativePath);
  if (isAbsolute(relativePath)) throw outside(relativePath);
}

function isWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Walks up from `target` to the deepest existing ancestor and returns its real path joined with the
 * not-yet-existing rest, so a path to a file about to be created is checked through real directories.
 */
function realpathOfExistingPrefix(target: string, real: (p: string) => string | null): string {
  let current = target;
  const rest: string[] = [];
  for (;;) {
    const resolved = real(current);
    if (resolved !== null) return rest.length ? join(resolved, ...rest.reverse()) : resolved;
    const parent = resolve(current, "..");
    if (parent === current) return target;
    rest.push(basename(current));
    current = parent;
  }
}

function tryRealpathSync(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    // A dangling symlink exists but does not resolve: writing through it would create its target wherever it points.
    let dangling = false;
    try {
      dangling = lstatSync(path).isSymbolicLink();
    } catch {
      return null;
    }
    if (dangling) throw outside(path);
    return null;
  }
}

/**
 * Resolves `relativePath` inside `root` and proves, with realpath, that the result (following every
 * symlink, including ones planted by generated code) stays inside the real root. Throws `bad_request`
 * otherwise. Works for paths that do not exist yet (the deepest existing ancestor is checked).
 */
export function resolveInsideSync(root: string, relativePath: string): string {
  checkShape(relativePath);
  const realRoot = realpathSync(root);
  const lexical = resolve(realRoot, relativePath);
  if (!isWithin(realRoot, lexical)) throw outside(relativePath);
  const real = realpathOfExistingPrefix(lexical, tryRealpathSync);
  if (!isWithin(realRoot, real)) throw outside(relativePath);
  return real;
}

/** Async variant of {@link resolveInsideSync}. */
export async function resolveInside(root: string, relativePath: string): Promise<string> {
  checkShape(relativePath);
  const realRoot = await realpath(root);
  const lexical = resolve(realRoot, relativePath);
  if (!isWithin(realRoot, lexical)) throw outside(relativePath);
  // The sync walk is short (one realpath per missing component); the async entry keeps callers non-blocking for the root.
  const real = realpathOfExistingPrefix(lexical, tryRealpathSync);
  if (!isWithin(realRoot, real)) throw outside(relativePath);
  return real;
}
