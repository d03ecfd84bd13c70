// Preview quotas and idle stop, with the real sandbox and process manager; ownership is a plain lookup here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notFound } from "../errors/index";
import { createBwrapSandbox, type ManagedSandbox } from "../sandbox/bwrap-sandbox";
import { DEFAULT_LIMITS } from "../sandbox/limits";
import { createProcessManager, type ProcessManager } from "../sandbox/process-manager";
import { createPreviewService, type PreviewService } from "./service";

const dataDir = mkdtempSync(join(tmpdir(), "samokoder-preview-"));
const ALICE = "alice";
const PROJECT_A = "aaaaaaaa-0000-4000-8000-000000000001";
const PROJECT_B = "aaaaaaaa-0000-4000-8000-000000000002";
const owners: Record<string, string> = { [PROJECT_A]: ALICE, [PROJECT_B]: ALICE };
let clock = new Date("2026-11-24T08:00:00Z");
let sandbox: ManagedSandbox;
let processes: ProcessManager;
let previews: PreviewService;

beforeAll(() => {
  for (const id of [PROJECT_A, PROJECT_B]) {
    mkdirSync(join(dataDir, "projects", id), { recursive: true });
    writeFileSync(
      join(dataDir, "projects", id, "package.json"),
      JSON.stringify({
        scripts: { start: `node -e 'require("http").createServer((q,s)=>s.end("ok")).listen(process.env.PORT,"127.0.0.1")'` },
      }),
    );
  }
  sandbox = createBwrapSandbox({
    stateDir: join(dataDir, "sandbox"),
    limits: DEFAULT_LIMITS,
    registryHosts: [],
    maxConcurrentPerOwner: 8,
    diskQuotaBytes: 0,
  });
  processes = createProcessManager({ sandbox });
  previews = createPreviewService({
    processes,
    projects: {
      async getOwned(ownerId, projectId) {
        if (owners[projectId] !== ownerId) throw notFound("Project");
        return { id: projectId };
      },
    },
    dataDir,
    settings: { maxPerUser: 1, idleMinutes: 10, domain: "preview.example.test" },
    publicBase: { protocol: "https", port: 443, platformOrigin: "https://app.example.test" },
    secretKey: "preview-test-secret-0123456789abcdef0123456789",
    now: () => clock,
  });
});

afterAll(async () => {
  await processes.stopAll();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("preview service", () => {
  it("starts the package.json start script on a platform-chosen port, on its own origin", async () => {
    const status = await previews.start(ALICE, PROJECT_A);
    expect(status.status).toBe("running");
    expect(status.origin).toBe(`https://${PROJECT_A}.preview.example.test`);
    expect(status.url).toBe(`https://app.example.test/preview/${PROJECT_A}/`);
    expect(previews.endpointFor(PROJECT_A, ALICE)?.kind).toBe("unix");
    expect(previews.endpointFor(PROJECT_A, "mallory")).toBeNull();
    await expect(previews.status("mallory", PROJECT_A)).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses a second concurrent preview beyond the user's quota", async () => {
    await expect(previews.start(ALICE, PROJECT_B)).rejects.toMatchObject({ code: "quota_exceeded" });
  });

  it("stops a preview nobody has used for longer than the idle limit", async () => {
    clock = new Date(clock.getTime() + 5 * 60_000);
    expect(previews.endpointFor(PROJECT_A, ALICE)).not.toBeNull();
    clock = new Date(clock.getTime() + 9 * 60_000);
    expect(await previews.sweepIdle()).toBe(0);
    clock = new Date(clock.getTime() + 11 * 60_000);
    expect(await previews.sweepIdle()).toBe(1);
    expect((await previews.status(ALICE, PROJECT_A)).status).toBe("stopped");
    expect(previews.endpointFor(PROJECT_A, ALICE)).toBeNull();
    expect((await previews.start(ALICE, PROJECT_B)).status).toBe("running");
  });

  it("issues one-time hand-off tokens and session tokens that cannot be forged or swapped", () => {
    const handoff = previews.issueHandoff(PROJECT_A, ALICE);
    expect(previews.verifySession(handoff)).toBeNull();
    expect(previews.redeemHandoff(handoff)).toMatchObject({ p: PROJECT_A, u: ALICE });
    expect(previews.redeemHandoff(handoff)).toBeNull();
    const session = previews.issueSession(PROJECT_A, ALICE);
    expect(previews.verifySession(session)).toMatchObject({ k: "session", p: PROJECT_A });
    const [body = "", mac = ""] = session.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), u: "mallory" })).toString(
      "base64url",
    );
    expect(previews.verifySession(`${forged}.${mac}`)).toBeNull();
  });
});
