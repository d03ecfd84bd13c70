// Each starter template must pass its own checks inside the real bubblewrap sandbox: install, typecheck, build, test, start.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBwrapSandbox, type ManagedSandbox } from "../sandbox/bwrap-sandbox";
import { SANDBOX_NODE_ENV } from "../engine/verify/run-checks";
import { DEFAULT_LIMITS } from "../sandbox/limits";
import type { SandboxEndpoint, SandboxResult } from "../sandbox/types";
import { createWorkspaceStore } from "./store";
import { listTemplates, scaffold } from "./templates";
import type { Workspace } from "./types";

let dataDir: string;
let sandbox: ManagedSandbox;
// The engine's environment, but 8 GB of address space instead of the 4 GB default: a DOM test environment
// (happy-dom or jsdom under Vitest) reserves a 4 GB PROT_NONE region on top of Node's ~1 GB, so React
// component tests abort with std::bad_alloc under 4 GB. Address space is not resident memory.
const CHECK_LIMITS = { memoryBytes: 8 * 1024 ** 3 };

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "samokoder-template-checks-"));
  sandbox = createBwrapSandbox({
    stateDir: join(dataDir, "sandbox"),
    limits: { ...DEFAULT_LIMITS, wallClockMs: 240_000 },
    registryHosts: ["registry.npmjs.org"],
    maxConcurrentPerOwner: 4,
    diskQuotaBytes: 0,
  });
});

afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function get(endpoint: SandboxEndpoint, path: string): Promise<{ status: number; body: string }> {
  const target = endpoint.kind === "unix" ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path, method: "GET", headers: { host: "localhost" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The failing command's output, trimmed, so a red test says why. */
function explain(result: SandboxResult): string {
  return `exit ${result.exitCode} (${result.limitHit ?? "no limit"})\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`;
}

describe.each(listTemplates())("template $id in the sandbox", (template) => {
  let workspace: Workspace;
  const run = async (command: string | null, network: "none" | "registry" = "none") => {
    expect(command).not.toBeNull();
    const result = await sandbox.exec({
      projectDir: workspace.dir,
      command: command as string,
      network,
      env: SANDBOX_NODE_ENV,
      limits: CHECK_LIMITS,
    });
    expect(result.exitCode, explain(result)).toBe(0);
    return result;
  };

  beforeAll(async () => {
    workspace = await createWorkspaceStore({ dataDir }).ensure(randomUUID());
    await scaffold(workspace, template.id, { projectName: `Checked ${template.name}` });
  });

  it("installs its locked dependencies through the registry-only network", async () => {
    await run(template.checks.install, "registry");
  }, 240_000);

  it("typechecks, builds and passes its own tests offline", async () => {
    await run(template.checks.typecheck);
    await run(template.checks.build);
    const tested = await run(template.checks.test);
    expect(tested.stdout).toMatch(/passed/);
  }, 240_000);

  it("starts and answers its health request", async () => {
    const started = await sandbox.spawn({
      projectDir: workspace.dir,
      command: template.checks.start as string,
      port: 4173,
      env: SANDBOX_NODE_ENV,
      limits: CHECK_LIMITS,
    });
    try {
      expect(await started.portReady).toBe(true);
      const response = await get(started.endpoint as SandboxEndpoint, template.checks.healthPath);
      expect(response.status).toBe(200);
      if (template.checks.healthPath === "/health") expect(JSON.parse(response.body)).toEqual({ status: "ok" });
      if (template.stack.includes("react")) expect((await get(started.endpoint as SandboxEndpoint, "/")).body).toContain('<div id="root">');
    } finally {
      await started.stop();
    }
  }, 120_000);

  it("leaves dependencies and build output out of the next checkpoint", async () => {
    await workspace.commit({ step: "verify", summary: "After verification" });
    const files = (await workspace.listFiles("", "HEAD")).map((entry) => entry.path);
    expect(files.some((path) => path.startsWith("node_modules") || path.startsWith("dist"))).toBe(false);
  });
});
