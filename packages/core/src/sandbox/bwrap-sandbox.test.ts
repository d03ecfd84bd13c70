import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBwrapSandbox, type ManagedSandbox } from "./bwrap-sandbox";
import { DEFAULT_LIMITS } from "./limits";

const base = mkdtempSync(join(tmpdir(), "samokoder-sandbox-"));
const dataDir = join(base, "data");
const project = join(dataDir, "projects", "11111111-1111-4111-8111-111111111111");
const other = join(dataDir, "projects", "22222222-2222-4222-8222-222222222222");
let sandbox: ManagedSandbox;
let platform: Server;
let platformPort = 0;

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, "private.txt"), "other user's code");
  writeFileSync(join(dataDir, "secrets.json"), '{"SECRET_KEY":"platform-secret"}');
  process.env.SAMOKODER_FAKE_SECRET = "do-not-leak-0123456789";
  sandbox = createBwrapSandbox({
    stateDir: join(dataDir, "sandbox"),
    limits: { ...DEFAULT_LIMITS, wallClockMs: 30_000 },
    registryHosts: ["registry.npmjs.org"],
    maxConcurrentPerOwner: 4,
    diskQuotaBytes: 0,
  });
  platform = createServer((socket) => socket.end("platform says hi\n"));
  await new Promise<void>((resolve) => platform.listen(0, "127.0.0.1", resolve));
  const address = platform.address();
  platformPort = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await sandbox.close();
  platform.close();
  delete process.env.SAMOKODER_FAKE_SECRET;
  rmSync(base, { recursive: true, force: true });
});

const run = (command: string, extra: Partial<Parameters<ManagedSandbox["exec"]>[0]> = {}) =>
  sandbox.exec({ projectDir: project, command, ...extra });

/** A node one-liner that tries a TCP connection and prints "connected" or "refused <code>". */
const tryConnect = (host: string, port: number) =>
  `node -e 'const s=require("net").connect(${port},"${host}");s.on("connect",()=>{console.log("connected");process.exit(0)});s.on("error",e=>{console.log("refused",e.code);process.exit(3)})'`;

describe("bubblewrap sandbox walls", () => {
  it("runs a command with the project as the writable working directory", async () => {
    const result = await run("echo built > out.txt && cat out.txt && pwd && id -u");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("built\n/project\n1000\n");
    expect(readFileSync(join(project, "out.txt"), "utf8")).toBe("built\n");
    expect(result.limitHit).toBeNull();
  });

  it("cannot read /etc/shadow, the data dir, another project or the platform's /proc/1/environ", async () => {
    const shadow = await run("cat /etc/shadow");
    expect(shadow.exitCode).not.toBe(0);
    const data = await run(`cat ${join(dataDir, "secrets.json")}; ls ${dataDir}`);
    expect(data.exitCode).not.toBe(0);
    expect(data.stdout).not.toContain("platform-secret");
    const neighbour = await run(`cat ${join(other, "private.txt")}; cat ../22222222-2222-4222-8222-222222222222/private.txt`);
    expect(neighbour.stdout).not.toContain("other user's code");
    const init = await run("cat /proc/1/environ; echo; ls /proc | grep -c '^[0-9]'");
    expect(init.stdout).not.toContain("SAMOKODER_FAKE_SECRET");
    expect(init.stdout).not.toContain("do-not-leak");
    // Only the sandbox's own few processes are visible, not the host's.
    expect(Number(init.stdout.trim().split("\n").at(-1))).toBeLessThan(8);
  });

  it("cannot write outside the project", async () => {
    const result = await run("touch /usr/evil; touch /etc/evil; touch /evil; touch /opt/samokoder/evil; echo done");
    expect(result.stdout).toBe("done\n");
    expect(result.stderr).toMatch(/Read-only file system|Permission denied|No such file/);
    expect(existsSync("/usr/evil")).toBe(false);
    const tmp = await run("echo scratch > /tmp/x && cat /tmp/x");
    expect(tmp.stdout).toBe("scratch\n");
  });

  it("sees none of the platform's environment variables", async () => {
    const result = await run("env");
    expect(result.stdout).not.toContain("SAMOKODER_FAKE_SECRET");
    expect(result.stdout).not.toContain("DATABASE_URL");
    expect(result.stdout).toContain("PATH=");
    const given = await run("echo $GREETING", { env: { GREETING: "hello" } });
    expect(given.stdout).toBe("hello\n");
  });

  it("has no outbound network: not the platform's port, not PostgreSQL, not the registry", async () => {
    const own = await run(tryConnect("127.0.0.1", platformPort));
    expect(own.stdout).toContain("refused");
    const postgres = await run(tryConnect("127.0.0.1", 5432));
    expect(postgres.stdout).toContain("refused");
    const registry = await run(tryConnect("104.16.0.35", 443));
    expect(registry.stdout).toContain("refused");
  });
});

describe("bubblewrap sandbox limits", () => {
  it("contains a fork bomb with the process limit", async () => {
    const result = await run("bomb() { bomb | bomb; }; bomb", { limits: { processes: 40, wallClockMs: 2000 } });
    expect(result.limitHit).toBe("processes");
    const after = await run("echo alive");
    expect(after.stdout).toBe("alive\n");
  });

  it("stops a memory hog at the address-space limit", async () => {
    const result = await run(`node -e 'const a=[];for(;;)a.push(Buffer.alloc(64*1024*1024,1))'`, {
      limits: { memoryBytes: 1536 * 1024 * 1024 },
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.limitHit).toBe("memory");
  });

  it("stops an infinite loop at the CPU-time limit", async () => {
    const result = await run(`node -e 'for(;;){}'`, { limits: { cpuSeconds: 1 } });
    expect(result.limitHit).toBe("cpu");
  });

  it("stops a command that outlives the wall clock, killing its whole group", async () => {
    const result = await run("sleep 60 & sleep 60", { limits: { wallClockMs: 300 } });
    expect(result.limitHit).toBe("wall-clock");
    expect(result.exitCode === null || result.signal !== null || result.exitCode !== 0).toBe(true);
  });

  it("stops a 1 GB stdout flood at the output cap", async () => {
    const result = await run("head -c 1073741824 /dev/zero", { limits: { outputBytes: 1024 * 1024 } });
    expect(result.limitHit).toBe("output");
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(1024 * 1024);
  });
});

describe("bubblewrap sandbox long-running processes", () => {
  it("exposes the app's loopback port to the host as a unix socket", async () => {
    const server = `node -e 'require("http").createServer((q,s)=>s.end("hello from "+q.url)).listen(process.env.PORT,"127.0.0.1")'`;
    const proc = await sandbox.spawn({ projectDir: project, command: server, port: 4173 });
    expect(await proc.portReady).toBe(true);
    expect(proc.endpoint?.kind).toBe("unix");
    const socketPath = proc.endpoint?.kind === "unix" ? proc.endpoint.path : "";
    const body = await new Promise<string>((resolve, reject) => {
      request({ socketPath, path: "/ping" }, (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve(text));
      })
        .on("error", reject)
        .end();
    });
    expect(body).toBe("hello from /ping");
    await proc.stop();
    const result = await proc.exited;
    expect(result.exitCode === 0).toBe(false);
  });

  it("counts running commands per user and refuses beyond the quota", async () => {
    const small = createBwrapSandbox({
      stateDir: join(dataDir, "sandbox-quota"),
      limits: DEFAULT_LIMITS,
      registryHosts: [],
      maxConcurrentPerOwner: 1,
      diskQuotaBytes: 0,
    });
    const first = await small.spawn({ projectDir: project, command: "sleep 30", ownerId: "user-a" });
    await expect(small.exec({ projectDir: project, command: "true", ownerId: "user-a" })).rejects.toMatchObject({ code: "quota_exceeded" });
    expect((await small.exec({ projectDir: project, command: "true", ownerId: "user-b" })).exitCode).toBe(0);
    await first.stop();
    expect((await small.exec({ projectDir: project, command: "true", ownerId: "user-a" })).exitCode).toBe(0);
    await small.close();
  });

  it("refuses to run when the project uses more disk than its quota", async () => {
    const capped = createBwrapSandbox({
      stateDir: join(dataDir, "sandbox-disk"),
      limits: DEFAULT_LIMITS,
      registryHosts: [],
      maxConcurrentPerOwner: 4,
      diskQuotaBytes: 64 * 1024,
    });
    writeFileSync(join(project, "big.bin"), Buffer.alloc(256 * 1024, 1));
    await expect(capped.exec({ projectDir: project, command: "true" })).rejects.toMatchObject({ code: "quota_exceeded" });
    rmSync(join(project, "big.bin"));
    expect((await capped.exec({ projectDir: project, command: "true" })).exitCode).toBe(0);
    // Within one command, no single file may outgrow the quota either.
    const grown = await capped.exec({ projectDir: project, command: "head -c 1000000 /dev/zero > huge.bin" });
    expect(grown.exitCode).not.toBe(0);
    expect(statSync(join(project, "huge.bin")).size).toBeLessThanOrEqual(64 * 1024);
    rmSync(join(project, "huge.bin"));
    await capped.close();
  });
});
