// Owns guessing how to start a project's app for a preview when the caller does not say.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { z } from "zod";
import { conflict } from "../errors/index";
import { resolveInside } from "../sandbox/confine";

const PackageJson = z.object({ scripts: z.record(z.string(), z.string()).optional() }).passthrough();

export async function defaultPreviewCommand(projectDir: string): Promise<string> {
  const manifest = await resolveInside(projectDir, "package.json");
  if (existsSync(manifest)) {
    let scripts: Record<string, string> = {};
    try {
      scripts = PackageJson.parse(JSON.parse(await readFile(manifest, "utf8"))).scripts ?? {};
    } catch {
      scripts = {};
    }
    // Vite ignores $PORT; tell it the platform's port and keep it on loopback.
    if (scripts.dev?.includes("vite")) return 'npm run dev -- --host 127.0.0.1 --port "$PORT" --strictPort';
    if (scripts.dev) return "npm run dev";
    if (scripts.start) return "npm start";
  }
  for (const file of ["server.js", "index.js", "app.js", "main.js"]) {
    if (existsSync(await resolveInside(projectDir, file))) return `node ${file}`;
  }
  throw conflict("conflict", "Nothing to preview yet: the project has no package.json scripts (dev/start) or server.js");
}
