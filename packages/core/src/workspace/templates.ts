// Owns the starter templates shipped in packages/core/templates: listing them and scaffolding one into a workspace.
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { AppError } from "../errors/index";
import type { ProjectChecks } from "./checks";
import type { Workspace } from "./types";

const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));
const MANIFEST = "samokoder-template.json";
const SKIPPED = new Set([MANIFEST, "node_modules", "dist", "data", "coverage", ".git"]);

const TemplateManifest = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  description: z.string(),
  stack: z.array(z.string()),
  commands: z.object({
    install: z.string(),
    typecheck: z.string().nullable().default(null),
    build: z.string().nullable().default(null),
    test: z.string().nullable().default(null),
    start: z.string().nullable().default(null),
  }),
  healthPath: z.string().startsWith("/"),
  portEnv: z.string().default("PORT"),
  /** Text files in which `{{projectTitle}}` is replaced. */
  substitute: z.array(z.string()).default([]),
});
export type TemplateManifest = z.infer<typeof TemplateManifest>;

export interface TemplateInfo {
  id: string;
  name: string;
  description: string;
  stack: string[];
  checks: ProjectChecks;
}

let cache: Array<TemplateManifest & { dir: string }> | null = null;

function manifests(): Array<TemplateManifest & { dir: string }> {
  if (cache) return cache;
  cache = readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(TEMPLATES_DIR, entry.name);
      return { ...TemplateManifest.parse(JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"))), dir };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return cache;
}

function toInfo(manifest: TemplateManifest): TemplateInfo {
  return {
    id: manifest.id,
    name: manifest.name,
    description: manifest.description,
    stack: manifest.stack,
    checks: { ...manifest.commands, healthPath: manifest.healthPath, portEnv: manifest.portEnv },
  };
}

export function listTemplates(): TemplateInfo[] {
  return manifests().map(toInfo);
}

export function getTemplate(templateId: string): TemplateInfo {
  const found = manifests().find((manifest) => manifest.id === templateId);
  if (!found) throw new AppError("template_not_found", 404, `There is no template "${templateId.slice(0, 100)}"`);
  return toInfo(found);
}

async function filesOf(dir: string, root = dir): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesOf(path, root)));
    else if (entry.isFile()) files.push(relative(root, path));
  }
  return files.sort();
}

/** An npm package name derived from the project's name ("My Todo App!" → "my-todo-app"). */
export function packageName(projectName: string): string {
  const slug = projectName
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || "app";
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function personalise(path: string, content: string, manifest: TemplateManifest, projectName: string): string {
  if (path === "package.json" || path === "package-lock.json") {
    const json = JSON.parse(content) as { name?: string; packages?: Record<string, { name?: string }> };
    json.name = packageName(projectName);
    const root = json.packages?.[""];
    if (root) root.name = json.name;
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  if (!manifest.substitute.includes(path)) return content;
  const title = path.endsWith(".html") ? escapeHtml(projectName) : projectName.replace(/[\r\n]+/g, " ");
  return content.replaceAll("{{projectTitle}}", title);
}

/**
 * Writes a template's files into the workspace and commits them as the `scaffold` step. No model is involved.
 * Returns the commit and the template (whose `checks` the verification step runs).
 */
export async function scaffold(
  workspace: Workspace,
  templateId: string,
  options: { projectName: string; runId?: string | null },
): Promise<{ sha: string; template: TemplateInfo }> {
  const manifest = manifests().find((m) => m.id === templateId);
  if (!manifest) throw new AppError("template_not_found", 404, `There is no template "${templateId.slice(0, 100)}"`);
  const files = await Promise.all(
    (await filesOf(manifest.dir)).map(async (path) => ({
      path,
      content: personalise(path, await readFile(join(manifest.dir, path), "utf8"), manifest, options.projectName),
    })),
  );
  await workspace.writeFiles(files);
  const sha = await workspace.commit({
    runId: options.runId ?? null,
    step: "scaffold",
    summary: `Scaffold from the ${manifest.name} template`,
  });
  return { sha, template: toInfo(manifest) };
}
