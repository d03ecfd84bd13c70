// Owns deriving a project's verification commands (install, typecheck, build, test, start) from its package.json.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { exists } from "./exists";

export interface ProjectChecks {
  install: string;
  typecheck: string | null;
  build: string | null;
  test: string | null;
  /** Long-running command for the smoke start; it must listen on the port given in `portEnv`. */
  start: string | null;
  /** Path requested after the start; any answer below 500 means the app is up. */
  healthPath: string;
  portEnv: string;
}

const PackageJson = z
  .object({
    main: z.string().optional(),
    scripts: z.record(z.string(), z.string()).optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    devDependencies: z.record(z.string(), z.string()).optional(),
    samokoder: z.object({ healthPath: z.string().startsWith("/").max(200).optional() }).optional(),
  })
  .loose();

/** npm's placeholder from `npm init`, which always fails. */
const PLACEHOLDER_TEST = /no test specified/;

/**
 * Reads `dir/package.json` and proposes the commands that verify the project; null when there is no
 * (valid) package.json. Only npm is assumed to be available, whichever lock file the project has.
 */
export async function detectChecks(dir: string): Promise<ProjectChecks | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  } catch {
    return null;
  }
  const parsed = PackageJson.safeParse(raw);
  if (!parsed.success) return null;
  const pkg = parsed.data;
  const scripts = pkg.scripts ?? {};
  const has = (name: string) => typeof scripts[name] === "string" && scripts[name].trim() !== "";
  const locked = (await exists(join(dir, "package-lock.json"))) || (await exists(join(dir, "npm-shrinkwrap.json")));
  const usesTypeScript = Boolean(pkg.dependencies?.typescript ?? pkg.devDependencies?.typescript);

  let typecheck: string | null = null;
  if (has("typecheck")) typecheck = "npm run typecheck";
  else if (has("type-check")) typecheck = "npm run type-check";
  else if (usesTypeScript && (await exists(join(dir, "tsconfig.json"))) && !/\btsc\b/.test(scripts.build ?? "")) {
    typecheck = "npx --no-install tsc --noEmit";
  }

  let start: string | null = null;
  if (has("start")) start = "npm start";
  else if (has("preview")) start = "npm run preview";
  else if (has("dev")) start = "npm run dev";
  else if (pkg.main) start = `node ${JSON.stringify(pkg.main)}`;

  return {
    install: locked ? "npm ci" : "npm install",
    typecheck,
    build: has("build") ? "npm run build" : null,
    test: has("test") && !PLACEHOLDER_TEST.test(scripts.test ?? "") ? "npm test" : null,
    start,
    healthPath: pkg.samokoder?.healthPath ?? "/",
    portEnv: "PORT",
  };
}
