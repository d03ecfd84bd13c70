import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBwrapSandbox, type ManagedSandbox } from "./bwrap-sandbox";
import { reapOrphanCgroups } from "./cgroup";
import { createHostSandbox } from "./host-sandbox";
import { DEFAULT_LIMITS } from "./limits";
import { isProcessAlive, processStartTime } from "./pid-registry";
import { createProcessManager, type ProcessEvent, type ProcessManager } from "./process-manager";

const base = mkdtempSync(join(tmpdir(), "samokoder-processes-"));
const project = join(base, "projects", "33333333-3333-4333-8333-333333333333");
let sandbox: ManagedSandbox;
let manager: ProcessManager;
const events: ProcessEvent[] = [];

beforeAll(() => {
  mkdirSync(project, { recursive: true });
  sandbox = createBwrapSandbox({
    stateDir: join(base, "state"),
    limits: DEFAULT_LIMITS,
    registryHosts: [],
    maxConcurrentPerOwner: 8,
    diskQuotaBytes: 0,
  });
  manager = createProcessManager({ sandbox, bufferLines: 5 });
  manager.subscribe((event) => events.push(event));
});

afterAll(async () => {
  await manager.stopAll();
  await sandbox.close();
  rmSync(base, { recursive: true, force: true });
});

const eventsOf = (name: string) => events.filter((e) => e.name === name);

describe("process manager", () => {
  it("starts a process, detects readiness from a log pattern and streams its output as events", async () => {
    const worker = await manager.start("p1", {
      name: "worker",
      projectDir: project,
      command: "echo booting; echo 'worker ready'; exec sleep 60",
      readyPattern: /worker ready/,
    });
    expect(await worker.ready).toBe(true);
    expect(worker.info().status).toBe("running");
    expect(eventsOf("worker").map((e) => e.type)).toEqual(["process.started", "process.output", "process.output", "process.ready"]);
    expect(manager.list("p1").map((p) => p.name)).toEqual(["worker"]);
    expect(manager.list("p2")).toEqual([]);
  });

  it("keeps only the newest lines in a bounded buffer", async () => {
    const chatty = await manager.start("p1", {
      name: "chatty",
      projectDir: project,
      command: "for i in 1 2 3 4 5 6 7 8 9; do echo line$i; done",
    });
    await chatty.exited;
    expect(chatty.lastOutput(100).map((l) => l.text)).toEqual(["line5", "line6", "line7", "line8", "line9"]);
    expect(chatty.info().status).toBe("exited");
  });

  it("restarts and stops a process; a stopped process is not a crash", async () => {
    const restarted = await manager.restart("p1", "worker");
    expect(await restarted.ready).toBe(true);
    await manager.stop("p1", "worker");
    await restarted.exited;
    expect(manager.get("p1", "worker")?.info().status).toBe("stopped");
  });

  it("detects a crash and surfaces the last output", async () => {
    const crashing = await manager.start("p1", {
      name: "server",
      projectDir: project,
      port: 4000,
      command: "echo 'Error: cannot find module express' >&2; exit 1",
    });
    expect(await crashing.ready).toBe(false);
    expect(crashing.info().status).toBe("crashed");
    const exited = events.find((e) => e.type === "process.exited" && e.name === "server");
    expect(exited).toMatchObject({ status: "crashed", exitCode: 1, lastOutput: ["Error: cannot find module express"] });
  });

  it("refuses a second process of the same name while the first runs", async () => {
    await manager.start("p3", { name: "web", projectDir: project, command: "exec sleep 60" });
    await expect(manager.start("p3", { name: "web", projectDir: project, command: "true" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("reaps every process of a project (project deleted)", async () => {
    const web = manager.get("p3", "web");
    await manager.stopProject("p3");
    expect((await web?.exited)?.exitCode).not.toBe(0);
    expect(manager.list("p3")).toEqual([]);
  });
});

describe("shutdown", () => {
  it("stops every process of every project (server shutdown)", async () => {
    const manager2 = createProcessManager({ sandbox });
    const a = await manager2.start("p4", { name: "a", projectDir: project, command: "exec sleep 60" });
    const b = await manager2.start("p5", { name: "b", projectDir: project, command: "exec sleep 60" });
    await manager2.stopAll();
    await Promise.all([a.exited, b.exited]);
    expect([a.info().status, b.info().status]).toEqual(["stopped", "stopped"]);
    expect(sandbox.running()).toBe(0);
  });
});

describe("orphan reaping at start-up", () => {
  it("kills processes recorded by a platform process that died, and leaves live owners' alone", async () => {
    const orphan = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
    const pid = orphan.pid ?? 0;
    const pidsDir = join(base, "reaper", "pids");
    mkdirSync(pidsDir, { recursive: true });
    // A pid that cannot belong to a live process stands in for the crashed platform.
    const deadPlatform = 4_194_000;
    expect(isProcessAlive(deadPlatform)).toBe(false);
    writeFileSync(
      join(pidsDir, `${deadPlatform}-abc.json`),
      JSON.stringify({ pid, startTime: processStartTime(pid), command: "sleep 60" }),
    );
    writeFileSync(
      join(pidsDir, `${process.pid}-mine.json`),
      JSON.stringify({ pid, startTime: processStartTime(pid), command: "sleep 60" }),
    );
    const exited = new Promise((resolve) => orphan.once("exit", resolve));
    const reaper = createBwrapSandbox({
      stateDir: join(base, "reaper"),
      limits: DEFAULT_LIMITS,
      registryHosts: [],
      maxConcurrentPerOwner: 1,
      diskQuotaBytes: 0,
    });
    expect(reaper.reapOrphans()).toBe(1);
    await exited;
    expect(isProcessAlive(pid)).toBe(false);
    await reaper.close();
  });
});

describe("orphan cgroups", () => {
  it("removes the cgroups of dead platform processes only", () => {
    const root = join(base, "cgroups");
    mkdirSync(join(root, "4194000-dead"), { recursive: true });
    mkdirSync(join(root, `${process.pid}-alive`), { recursive: true });
    expect(reapOrphanCgroups(root, isProcessAlive)).toBe(1);
    expect(existsSync(join(root, "4194000-dead"))).toBe(false);
    expect(existsSync(join(root, `${process.pid}-alive`))).toBe(true);
  });
});

describe("unsafe-host adapter", () => {
  it("runs with the same scrubbed environment and limits, but on the host", async () => {
    process.env.SAMOKODER_FAKE_SECRET = "leak-me-not";
    const host = createHostSandbox({
      stateDir: join(base, "host"),
      limits: DEFAULT_LIMITS,
      registryHosts: [],
      maxConcurrentPerOwner: 1,
      diskQuotaBytes: 0,
    });
    const result = await host.exec({ projectDir: project, command: "env; pwd" });
    delete process.env.SAMOKODER_FAKE_SECRET;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain("leak-me-not");
    expect(result.stdout).toContain(project);
    const flood = await host.exec({ projectDir: project, command: "yes", limits: { outputBytes: 64 * 1024 } });
    expect(flood.limitHit).toBe("output");
    await host.close();
  });
});
