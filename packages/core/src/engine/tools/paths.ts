// Owns the first line of path confinement for tools: relative, normalised, inside the project, not into .git.
// The workspace enforces the same rules again (and refuses symlinks that lead out).
import { posix } from "node:path";

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

export function confinePath(raw: string): PathCheck {
  const trimmed = raw.trim().replaceAll("\\", "/");
  if (trimmed === "" || trimmed === ".") return { ok: true, path: "." };
  if (trimmed.startsWith("/") || /^[a-zA-Z]:/.test(trimmed))
    return { ok: false, reason: `"${raw}" is absolute; use a path relative to the project root` };
  if (trimmed.includes("\0")) return { ok: false, reason: "path contains a NUL byte" };
  const normalised = posix.normalize(trimmed).replace(/\/+$/, "");
  if (normalised === ".." || normalised.startsWith("../")) return { ok: false, reason: `"${raw}" leads outside the project` };
  if (normalised === ".git" || normalised.startsWith(".git/"))
    return { ok: false, reason: "the .git directory is managed by the platform" };
  return { ok: true, path: normalised };
}
