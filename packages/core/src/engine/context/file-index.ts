// Owns the project's file index for prompts: every source file with a one-line summary, and the
// relevance ranking that decides which files are shown in full within the budget.
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { Workspace } from "../../workspace/types";
import { estimateTokens } from "./tokens";

export interface IndexedFile {
  path: string;
  size: number;
  summary: string;
  content: string | null;
}

const SKIPPED =
  /(^|\/)(node_modules|dist|build|coverage|\.git|\.samokoder)(\/|$)|(^|\/)package-lock\.json$|\.(png|jpe?g|gif|ico|woff2?|lock|map|svg)$/;
const MAX_INDEXED_BYTES = 60_000;

async function walk(workspace: Workspace, dir: string | undefined, seen: Set<string>, out: IndexedFile[]): Promise<void> {
  const entries = await workspace.listFiles(dir);
  for (const entry of entries) {
    if (seen.has(entry.path) || SKIPPED.test(entry.path)) continue;
    seen.add(entry.path);
    if (entry.type === "directory") {
      // The listing may already be recursive; only descend when the directory's children are missing.
      if (!entries.some((e) => e.path.startsWith(`${entry.path}/`))) await walk(workspace, entry.path, seen, out);
    } else out.push({ path: entry.path, size: entry.size, summary: "", content: null });
  }
}

function summarise(path: string, content: string): string {
  if (path.endsWith("package.json")) {
    const scripts = /"scripts"\s*:\s*\{([^}]*)\}/.exec(content)?.[1];
    return `npm package manifest${scripts ? `; scripts: ${scripts.replace(/\s+/g, " ").trim().slice(0, 100)}` : ""}`;
  }
  for (const raw of content.split("\n").slice(0, 15)) {
    const line = raw.trim();
    const comment = /^(\/\/|#|\/\*+|\*|<!--)\s*(.+?)\s*(\*\/|-->)?$/.exec(line);
    if (comment?.[2] && comment[2].length > 8 && !comment[2].startsWith("!")) return comment[2].slice(0, 120);
  }
  const first = content.split("\n").find((l) => l.trim().length > 0) ?? "";
  return first.trim().slice(0, 120) || "(empty)";
}

interface CachedFile {
  stamp: string;
  summary: string;
  content: string | null;
}

// Summaries and contents per project directory, reused while a file's size and mtime are unchanged: most
// steps change a file or two, and re-reading the whole project for every model request is wasted work.
const cache = new Map<string, Map<string, CachedFile>>();
const MAX_CACHED_PROJECTS = 50;

function projectCache(dir: string): Map<string, CachedFile> {
  let files = cache.get(dir);
  if (files) {
    cache.delete(dir);
  } else {
    files = new Map();
    if (cache.size >= MAX_CACHED_PROJECTS) cache.delete(cache.keys().next().value ?? "");
  }
  cache.set(dir, files);
  return files;
}

async function stampOf(dir: string, path: string): Promise<string | null> {
  const info = await lstat(join(dir, path)).catch(() => null);
  return info?.isFile() ? `${info.size}:${info.mtimeMs}` : null;
}

/** Lists the project's source files with summaries; contents are kept for ranking and display. */
export async function indexFiles(workspace: Workspace): Promise<IndexedFile[]> {
  const files: IndexedFile[] = [];
  await walk(workspace, undefined, new Set(), files);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const known = projectCache(workspace.dir);
  const seen = new Set<string>();
  for (const file of files) {
    seen.add(file.path);
    if (file.size > MAX_INDEXED_BYTES) {
      file.summary = `(large file, ${file.size} bytes)`;
      continue;
    }
    const stamp = await stampOf(workspace.dir, file.path);
    const cached = stamp ? known.get(file.path) : undefined;
    if (cached && cached.stamp === stamp) {
      file.summary = cached.summary;
      file.content = cached.content;
      continue;
    }
    try {
      // Read through the workspace: it enforces confinement (a symlink is never followed out).
      file.content = await workspace.readFile(file.path);
      file.summary = summarise(file.path, file.content);
    } catch {
      file.summary = "(unreadable)";
    }
    if (stamp) known.set(file.path, { stamp, summary: file.summary, content: file.content });
  }
  for (const path of known.keys()) if (!seen.has(path)) known.delete(path);
  return files;
}

const WORD = /[a-zA-Z][a-zA-Z0-9_-]{2,}/g;
const STOP = new Set(["the", "and", "for", "with", "that", "this", "when", "from", "into", "should", "must", "each", "are", "has", "have"]);

function keywords(text: string): Set<string> {
  return new Set((text.toLowerCase().match(WORD) ?? []).filter((w) => !STOP.has(w)));
}

/** Ranks files by overlap with the focus text, recently touched files first; fills at most `tokenBudget`. */
export function selectRelevant(files: IndexedFile[], focus: string, recent: string[], tokenBudget: number): IndexedFile[] {
  const words = keywords(focus);
  const scored = files
    .filter((f) => f.content !== null)
    .map((file) => {
      const pathWords = keywords(file.path.replace(/[/.]/g, " "));
      let score = 0;
      for (const w of pathWords) if (words.has(w)) score += 5;
      const body = (file.content ?? "").toLowerCase();
      for (const w of words) if (body.includes(w)) score += 1;
      const recency = recent.lastIndexOf(file.path);
      if (recency >= 0) score += 10 + recency;
      if (/(^|\/)package\.json$/.test(file.path)) score += 3;
      return { file, score };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.file.path.localeCompare(b.file.path));
  const chosen: IndexedFile[] = [];
  let used = 0;
  for (const { file } of scored) {
    const cost = estimateTokens(file.content ?? "") + 20;
    if (used + cost > tokenBudget) continue;
    chosen.push(file);
    used += cost;
  }
  return chosen;
}
