// Benchmark: authenticated GET /api/v1/projects and GET /health on PGlite and PostgreSQL vs a bare Node server.
// Usage: npm run bench:api   (BENCH_DURATION=seconds, BENCH_CONNECTIONS=n to change the load)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createPostgresDatabase, startServerProcess } from "@samokoder/test-support";

const duration = Number(process.env.BENCH_DURATION ?? 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections, duration, headers });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** The ceiling: a bare node:http server in its own process, like the platform, answering a constant. */
async function bareServer(): Promise<{ url: string; close(): void }> {
  const source = `require("node:http").createServer((q, s) => { s.writeHead(200, { "content-type": "application/json" }); s.end('{"status":"ok"}'); }).listen(0, "127.0.0.1", function () { console.log("port " + this.address().port); });`;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      const match = /port (\d+)/.exec(d.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, close: () => child.kill() };
}

/** Registers a user through the API and returns a personal access token for Bearer requests. */
async function personalAccessToken(base: string): Promise<string> {
  const email = `bench-${Date.now()}@example.com`;
  const password = "Bench!Mark-2026-xyz";
  const registered = await fetch(`${base}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
  const cookies = registered.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const csrf = (await (await fetch(`${base}/api/v1/auth/csrf`, { headers: { cookie: cookies } })).json()) as { csrfToken: string };
  const created = await fetch(`${base}/api/v1/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: cookies, "x-csrf-token": csrf.csrfToken },
    body: JSON.stringify({ name: "bench" }),
  });
  if (created.status !== 201) throw new Error(`token creation failed: ${created.status} ${await created.text()}`);
  const { secret } = (await created.json()) as { secret: string };
  for (let i = 0; i < 3; i++) {
    await fetch(`${base}/api/v1/projects`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ name: `Bench project ${i}`, description: "A project listed by the benchmark" }),
    });
  }
  return secret;
}

async function platform(kind: "pglite" | "postgres"): Promise<Figures[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "samokoder-bench-"));
  const database = kind === "postgres" ? await createPostgresDatabase() : null;
  const server = await startServerProcess([], {
    SAMOKODER_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    DATABASE_URL: database?.url,
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: "100000000",
    RATE_LIMIT_USER_PER_MINUTE: "100000000",
    RATE_LIMIT_REGISTER_PER_MINUTE: "1000",
  });
  try {
    const token = await personalAccessToken(server.url);
    return [
      await load(`${kind}: GET /health`, `${server.url}/health`),
      await load(`${kind}: GET /api/v1/projects (Bearer PAT)`, `${server.url}/api/v1/projects`, { authorization: `Bearer ${token}` }),
    ];
  } finally {
    await server.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`bench/api: ${duration}s per target, ${connections} connections`);
  const bare = await bareServer();
  const ceiling = await load("bare node:http constant", bare.url);
  bare.close();
  const rows = [ceiling, ...(await platform("pglite")), ...(await platform("postgres"))];
  console.log("\ntarget                                         req/s    p50 ms   p99 ms   % of bare   errors/non-2xx");
  for (const r of rows) {
    const share = ((r.requestsPerSecond / ceiling.requestsPerSecond) * 100).toFixed(1);
    console.log(
      `${r.name.padEnd(46)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${share.padStart(10)}%   ${r.errors}/${r.non2xx}`,
    );
  }
  const target = rows.find((r) => r.name.startsWith("postgres: GET /api/v1/projects"));
  if (target) {
    const share = target.requestsPerSecond / ceiling.requestsPerSecond;
    console.log(
      `\ntarget: authenticated list on PostgreSQL >= 40% of bare (${(share * 100).toFixed(1)}%: ${share >= 0.4 ? "met" : "NOT met"}), p99 < 50 ms (${target.p99} ms: ${target.p99 < 50 ? "met" : "NOT met"})`,
    );
  }
}

await main();
