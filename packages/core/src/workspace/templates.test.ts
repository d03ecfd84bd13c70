import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectChecks } from "./checks";
import { importTree } from "./import-tree";
import { createWorkspaceStore } from "./store";
import { listTemplates, packageName, scaffold } from "./templates";
import type { WorkspaceStore } from "./types";

let dataDir: string;
let store: WorkspaceStore;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "samokoder-templates-"));
  store = createWorkspaceStore({ dataDir });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("starter templates", () => {
  it("ships a React + Vite SPA, a Node API and a full-stack app, each with checks the verifier can run", () => {
    const templates = listTemplates();
    expect(templates.map((t) => t.id)).toEqual(expect.arrayContaining(["react-vite-spa", "node-api", "fullstack"]));
    for (const template of templates) {
      expect(template.checks).toMatchObject({ install: "npm ci", test: "npm test", start: "npm start", portEnv: "PORT" });
      expect(template.checks.healthPath).toMatch(/^\//);
    }
  });

  it.each(listTemplates().map((t) => t.id))("scaffolds %s as one commit, personalised, without node_modules", async (id) => {
    const workspace = await store.ensure(randomUUID());
    const { sha, template } = await scaffold(workspace, id, { projectName: 'Tom & Jerry\'s <"Notes">', runId: "run-42" });
    const [checkpoint] = await workspace.checkpoints(1);
    expect(checkpoint).toMatchObject({ sha, step: "scaffold", runId: "run-42" });
    const paths = (await workspace.listFiles("", sha)).map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "README.md", ".gitignore"]));
    expect(paths).not.toContain("samokoder-template.json");
    expect(paths.some((p) => p.includes("node_modules"))).toBe(false);

    const pkg = JSON.parse(await workspace.readFile("package.json")) as { name: string };
    const lock = JSON.parse(await workspace.readFile("package-lock.json")) as { name: string; packages: Record<string, { name?: string }> };
    expect(pkg.name).toBe("tom-jerry-s-notes");
    expect(lock.name).toBe(pkg.name);
    expect(lock.packages[""]?.name).toBe(pkg.name);
    expect(await workspace.readFile("README.md")).toContain(`# Tom & Jerry's <"Notes">`);
    if (id !== "node-api") {
      expect(await workspace.readFile("index.html")).toContain("<title>Tom &amp; Jerry&#39;s &lt;&quot;Notes&quot;&gt;</title>");
    }
    // The verifier may derive the same commands from the scaffolded package.json alone.
    expect(await detectChecks(workspace.dir)).toEqual(template.checks);
  });

  it("refuses an unknown template", async () => {
    const workspace = await store.ensure(randomUUID());
    await expect(scaffold(workspace, "cobol-mainframe", { projectName: "x" })).rejects.toMatchObject({ code: "template_not_found" });
  });

  it("derives npm package names from project names", () => {
    expect(packageName("My Todo App!")).toBe("my-todo-app");
    expect(packageName("Über café")).toBe("uber-cafe");
    expect(packageName("!!!")).toBe("app");
  });
});

describe("detectChecks", () => {
  const project = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(dataDir, "import-"));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  };

  it("reads scripts and the lock file of an arbitrary project", async () => {
    const dir = project({
      "package.json": JSON.stringify({
        scripts: { build: "tsc -b && vite build", test: "vitest run", preview: "vite preview" },
        devDependencies: { typescript: "5.9.3" },
      }),
      "package-lock.json": "{}",
      "tsconfig.json": "{}",
    });
    expect(await detectChecks(dir)).toEqual({
      install: "npm ci",
      typecheck: null,
      build: "npm run build",
      test: "npm test",
      start: "npm run preview",
      healthPath: "/",
      portEnv: "PORT",
    });
  });

  it("falls back to tsc, npm install and main, and ignores npm's placeholder test", async () => {
    const dir = project({
      "package.json": JSON.stringify({
        main: "server.js",
        scripts: { test: 'echo "Error: no test specified" && exit 1' },
        dependencies: { typescript: "5.9.3" },
        samokoder: { healthPath: "/healthz" },
      }),
      "tsconfig.json": "{}",
    });
    expect(await detectChecks(dir)).toEqual({
      install: "npm install",
      typecheck: "npx --no-install tsc --noEmit",
      build: null,
      test: null,
      start: 'node "server.js"',
      healthPath: "/healthz",
      portEnv: "PORT",
    });
  });

  it("returns null without a valid package.json", async () => {
    expect(await detectChecks(project({}))).toBeNull();
    expect(await detectChecks(project({ "package.json": "{ not json" }))).toBeNull();
  });
});

describe("importTree", () => {
  it("imports an existing project as the first checkpoint, without node_modules, .git or symlinks", async () => {
    const source = mkdtempSync(join(dataDir, "source-"));
    mkdirSync(join(source, "src"));
    mkdirSync(join(source, "node_modules/dep"), { recursive: true });
    mkdirSync(join(source, ".git"));
    writeFileSync(join(source, "package.json"), JSON.stringify({ scripts: { test: "node --test" } }));
    writeFileSync(join(source, "src/index.js"), "console.log(1);\n");
    writeFileSync(join(source, "node_modules/dep/index.js"), "x");
    writeFileSync(join(source, ".git/HEAD"), "ref: refs/heads/main\n");
    symlinkSync("/etc", join(source, "etc-link"));
    const workspace = await store.ensure(randomUUID());
    const imported = await importTree(workspace, source, { runId: "run-1" });
    expect(imported).toMatchObject({ files: 2, skipped: [] });
    expect((await workspace.listFiles("", imported.sha)).map((e) => e.path)).toEqual(["package.json", "src", "src/index.js"]);
    expect((await workspace.checkpoints(1))[0]).toMatchObject({ step: "import", runId: "run-1" });
    expect((await detectChecks(workspace.dir))?.test).toBe("npm test");
  });
});
