// Owns keeping `generate --out DIR` and the project's workspace in step: the link file, the local user,
// exporting the tree after a run and importing the person's own edits before the next one.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Workspace } from "@samokoder/core";
import type { DatabaseHandle } from "@samokoder/db";
import { z } from "zod";

const LINK_FILE = "project.json";
const Link = z.object({ projectId: z.uuid(), exported: z.record(z.string(), z.string()) });
export type ProjectLink = z.infer<typeof Link>;

const SKIPPED = new Set([".samokoder", "node_modules", ".git"]);
const LOCAL_EMAIL = "cli@localhost";

export function readProjectLink(stateDir: string): ProjectLink | null {
  const file = join(stateDir, LINK_FILE);
  if (!existsSync(file)) return null;
  const parsed = Link.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is damaged; move it away to start a new project`);
  return parsed.data;
}

export function writeProjectLink(stateDir: string, link: ProjectLink): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, LINK_FILE), `${JSON.stringify(link, null, 2)}\n`, { mode: 0o600 });
}

/** The single local account that owns projects generated from the command line (it cannot sign in). */
export async function localUser(db: DatabaseHandle): Promise<string> {
  const [existing] = await db.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [LOCAL_EMAIL]);
  if (existing) return existing.id;
  const [created] = await db.query<{ id: string }>(
    "INSERT INTO users (email, name, password_hash) VALUES ($1, 'Command line', $2) RETURNING id",
    [LOCAL_EMAIL, `!unusable-${randomBytes(16).toString("hex")}`],
  );
  if (!created) throw new Error("could not create the local user");
  return created.id;
}

const digest = (content: Buffer | string) => createHash("sha256").update(content).digest("hex");

async function localFiles(root: string, dir = root, into: string[] = []): Promise<string[]> {
  if (!existsSync(dir)) return into;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await localFiles(root, path, into);
    else if (entry.isFile()) into.push(relative(root, path));
  }
  return into;
}

/** Writes the workspace's tree into `out`, removing files the previous export wrote that are gone now. */
export async function exportTree(workspace: Workspace, out: string, previous: Record<string, string>): Promise<Record<string, string>> {
  const exported: Record<string, string> = {};
  const entries = (await workspace.listFiles()).filter((e) => e.type === "file" && !e.path.split("/").some((p) => SKIPPED.has(p)));
  for (const entry of entries) {
    const content = await workspace.readFileBytes(entry.path);
    const target = join(out, entry.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    exported[entry.path] = digest(content);
  }
  for (const path of Object.keys(previous)) if (!(path in exported)) await rm(join(out, path), { force: true });
  return exported;
}

/** Brings the person's edits in `out` (since the last export) into the workspace as one commit. */
export async function importLocalEdits(workspace: Workspace, out: string, exported: Record<string, string>): Promise<number> {
  let changes = 0;
  const present = new Set<string>();
  for (const path of await localFiles(out)) {
    present.add(path);
    const content = await readFile(join(out, path));
    if (exported[path] === digest(content)) continue;
    await workspace.writeFile(path, content);
    changes++;
  }
  for (const path of Object.keys(exported)) {
    if (present.has(path)) continue;
    await workspace.deleteFile(path).catch(() => {});
    changes++;
  }
  if (changes > 0) await workspace.commit({ step: "local-edits", summary: "Edits made outside the platform" });
  return changes;
}
