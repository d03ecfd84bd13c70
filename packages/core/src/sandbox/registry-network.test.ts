import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBwrapSandbox, type ManagedSandbox } from "./bwrap-sandbox";
import { DEFAULT_LIMITS } from "./limits";
import { isPublicAddress } from "./registry-proxy";

const base = mkdtempSync(join(tmpdir(), "samokoder-registry-"));
const project = join(base, "project");
let sandbox: ManagedSandbox;
let platform: Server;
let platformPort = 0;

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "tiny", version: "1.0.0", private: true }));
  sandbox = createBwrapSandbox({
    stateDir: join(base, "state"),
    limits: { ...DEFAULT_LIMITS, wallClockMs: 120_000 },
    registryHosts: ["registry.npmjs.org"],
    maxConcurrentPerOwner: 4,
    diskQuotaBytes: 0,
  });
  platform = createServer((socket) => socket.end("platform\n"));
  await new Promise<void>((resolve) => platform.listen(0, "127.0.0.1", resolve));
  const address = platform.address();
  platformPort = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await sandbox.close();
  platform.close();
  rmSync(base, { recursive: true, force: true });
});

const tryConnect = (host: string, port: number) =>
  `node -e 'const s=require("net").connect(${port},"${host}");s.on("connect",()=>{console.log("connected");process.exit(0)});s.on("error",e=>{console.log("refused",e.code);process.exit(3)})'`;

/** Asks the in-sandbox proxy for a CONNECT tunnel and prints the status line it gets. */
const tryTunnel = (target: string) =>
  `node -e 'const s=require("net").connect(3128,"127.0.0.1",()=>s.write("CONNECT ${target} HTTP/1.1\\r\\nHost: ${target}\\r\\n\\r\\n"));s.once("data",d=>{console.log(String(d).split("\\r\\n")[0]);s.destroy()});s.on("error",e=>console.log("error",e.code))'`;

describe("dependency-install network", () => {
  it("installs a tiny real package from the npm registry through the allow-listing proxy", async () => {
    const result = await sandbox.exec({
      projectDir: project,
      command: "npm install --no-audit --no-fund --no-update-notifier is-number@7.0.0",
      network: "registry",
    });
    expect(result.stderr).not.toMatch(/ERR!/);
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(project, "node_modules", "is-number", "package.json"))).toBe(true);
  });

  it("still cannot reach the platform's port, PostgreSQL or a non-registry host in install mode", async () => {
    const own = await sandbox.exec({ projectDir: project, command: tryConnect("127.0.0.1", platformPort), network: "registry" });
    expect(own.stdout).toContain("refused");
    const postgres = await sandbox.exec({ projectDir: project, command: tryConnect("127.0.0.1", 5432), network: "registry" });
    expect(postgres.stdout).toContain("refused");
    const direct = await sandbox.exec({ projectDir: project, command: tryConnect("104.16.0.35", 443), network: "registry" });
    expect(direct.stdout).toContain("refused");
    const other = await sandbox.exec({ projectDir: project, command: tryTunnel("example.com:443"), network: "registry" });
    expect(other.stdout).toContain("403");
    const loopback = await sandbox.exec({ projectDir: project, command: tryTunnel(`127.0.0.1:${platformPort}`), network: "registry" });
    expect(loopback.stdout).toContain("403");
    const plainHttp = await sandbox.exec({ projectDir: project, command: tryTunnel("registry.npmjs.org:80"), network: "registry" });
    expect(plainHttp.stdout).toContain("403");
    const allowed = await sandbox.exec({ projectDir: project, command: tryTunnel("registry.npmjs.org:443"), network: "registry" });
    expect(allowed.stdout).toContain("200");
  });

  it("treats only public unicast addresses as reachable", () => {
    expect(isPublicAddress("104.16.0.35")).toBe(true);
    for (const address of ["127.0.0.1", "10.1.2.3", "192.168.1.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fd00::1", "0.0.0.0"]) {
      expect(isPublicAddress(address)).toBe(false);
    }
  });
});
