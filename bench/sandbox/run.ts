// Benchmark: sandbox cold start vs unsandboxed, preview proxy throughput vs a direct connection, and how many
// concurrent previews one machine serves before the proxy's p99 exceeds 100 ms.
// Usage: npm run bench:sandbox   (BENCH_RUNS=n cold starts, BENCH_DURATION=seconds per load step)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBwrapSandbox, DEFAULT_LIMITS } from "@samokoder/core";
import { startServerProcess } from "@samokoder/test-support";
import autocannon from "autocannon";

const runs = Number(process.env.BENCH_RUNS ?? 100);
const duration = Number(process.env.BENCH_DURATION ?? 5);
// "/" answers a tiny constant (request-rate bound); "/big" 64 KiB (byte-throughput bound).
const APP = `const big = Buffer.alloc(65536, 120); require("node:http").createServer((q, s) => { s.writeHead(200, { "content-type": "text/plain" }); s.end(q.url === "/big" ? big : "hello from the preview\\n"); }).listen(process.env.PORT, "127.0.0.1", () => console.log("listening"));`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timeSpawn(file: string, args: string[]): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
  return performance.now() - start;
}

async function coldStart() {
  const base = mkdtempSync(join(tmpdir(), "samokoder-bench-sandbox-"));
  mkdirSync(join(base, "project"));
  const sandbox = createBwrapSandbox({
    stateDir: join(base, "state"),
    limits: DEFAULT_LIMITS,
    registryHosts: [],
    maxConcurrentPerOwner: 1,
    diskQuotaBytes: 0,
  });
  const direct: number[] = [];
  const sandboxed: number[] = [];
  for (let i = 0; i < runs; i++) {
    direct.push(await timeSpawn("/bin/sh", ["-c", "true"]));
    const start = performance.now();
    const result = await sandbox.exec({ projectDir: join(base, "project"), command: "true" });
    sandboxed.push(performance.now() - start);
    if (result.exitCode !== 0) throw new Error(`sandboxed run failed: ${result.stderr}`);
  }
  await sandbox.close();
  rmSync(base, { recursive: true, force: true });
  const p50 = percentile(sandboxed, 50);
  const directP50 = percentile(direct, 50);
  console.log(`\ncold start of \`true\` (${runs} runs each)`);
  console.log(`  unsandboxed  p50 ${ms(directP50)}  p99 ${ms(percentile(direct, 99))}`);
  console.log(`  sandboxed    p50 ${ms(p50)}  p99 ${ms(percentile(sandboxed, 99))}`);
  console.log(
    `  ratio p50 ${(p50 / directP50).toFixed(1)}x; overhead p50 ${ms(p50 - directP50)} (target < 50 ms: ${p50 - directP50 < 50 ? "met" : "NOT met"})`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    })
      .on("error", reject)
      .end();
  });
}

async function json(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown>; cookies: string[] }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, cookies: response.headers.getSetCookie() };
}

async function load(
  requests: Array<{ headers: Record<string, string> }>,
  url: string,
  connections: number,
  path = "/",
  extra: Record<string, unknown> = {},
) {
  const options = { url, connections, requests: requests.map((r) => ({ method: "GET" as const, path, headers: r.headers })), ...extra };
  // A short warm-up first: the figures are for a JIT-warm proxy, not for its first second.
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration });
  return {
    rps: Math.round(result.requests.average),
    mbps: Math.round((result.throughput.average / 1024 / 1024) * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function previews() {
  const dataDir = mkdtempSync(join(tmpdir(), "samokoder-bench-preview-"));
  const port = await freePort();
  const server = await startServerProcess([], {
    SAMOKODER_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: "warn",
    PROJECT_QUOTA_FREE: "64",
    SAMOKODER_PREVIEW_MAX_PER_USER: "64",
    SAMOKODER_SANDBOX_MAX_PER_USER: "64",
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: "100000000",
    RATE_LIMIT_USER_PER_MINUTE: "100000000",
  });
  const base = server.url;
  try {
    const registered = await json(`${base}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: "Bench!Mark-2026-xyz" }),
    });
    const cookie = registered.cookies.map((c) => c.split(";")[0]).join("; ");
    const csrf = /csrf_token=([^;]+)/.exec(cookie)?.[1] ?? "";
    const sessionHeaders = { cookie, "x-csrf-token": decodeURIComponent(csrf), "content-type": "application/json" };

    const previewTargets: Array<{ headers: Record<string, string> }> = [];
    const startPreview = async (index: number) => {
      const created = await json(`${base}/api/v1/projects`, {
        method: "POST",
        headers: sessionHeaders,
        body: JSON.stringify({ name: `bench ${index}` }),
      });
      const id = (created.body.project as { id: string }).id;
      mkdirSync(join(dataDir, "projects", id), { recursive: true });
      writeFileSync(join(dataDir, "projects", id, "server.js"), APP);
      const started = await json(`${base}/api/v1/projects/${id}/preview`, { method: "POST", headers: sessionHeaders, body: "{}" });
      if ((started.body.preview as { status: string }).status !== "running")
        throw new Error(`preview did not start: ${JSON.stringify(started.body)}`);
      const entry = await rawGet(port, `/preview/${id}/`, { cookie });
      const location = new URL(String(entry.headers.location));
      const handoff = await rawGet(port, `${location.pathname}${location.search}`, { host: location.host });
      const previewCookie = String(handoff.headers["set-cookie"]).split(";")[0] ?? "";
      previewTargets.push({ headers: { host: location.host, cookie: previewCookie } });
    };

    await startPreview(0);
    const first = previewTargets.slice(0, 1);
    const hostPort = await freePort();
    const hostApp = spawn(process.execPath, ["-e", APP], { env: { PORT: String(hostPort) }, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => hostApp.stdout?.once("data", resolve));
    const connections = 10;
    const rows: Array<[string, Awaited<ReturnType<typeof load>>]> = [];
    for (const path of ["/", "/big"]) {
      rows.push([
        `direct to the app on the host  ${path}`,
        await load([{ headers: {} }], `http://127.0.0.1:${hostPort}`, connections, path),
      ]);
      rows.push([`through the platform proxy     ${path}`, await load(first, `http://127.0.0.1:${port}`, connections, path)]);
    }
    hostApp.kill();
    console.log(`\npreview proxy vs direct (${connections} connections, ${duration}s after a 1s warm-up)`);
    for (const [name, f] of rows)
      console.log(
        `  ${name.padEnd(36)} ${String(f.rps).padStart(6)} req/s ${String(f.mbps).padStart(7)} MB/s  p50 ${f.p50} ms  p99 ${f.p99} ms  errors ${f.errors}`,
      );
    for (const index of [0, 2]) {
      const direct = rows[index]?.[1];
      const proxied = rows[index + 1]?.[1];
      if (!direct || !proxied) continue;
      const share = proxied.rps / direct.rps;
      console.log(
        `  ratio ${index === 0 ? "tiny responses " : "64 KiB responses"}: ${(share * 100).toFixed(1)}% of direct (target >= 70%: ${share >= 0.7 ? "met" : "NOT met"})`,
      );
    }

    console.log(`\nconcurrent previews (5 connections each, ${duration}s per step): proxy latency`);
    let count = 1;
    for (const target of [1, 2, 4, 8, 16, 32]) {
      while (count < target) await startPreview(count++);
      const figures = await load(previewTargets, `http://127.0.0.1:${port}`, 5 * target);
      console.log(
        `  ${String(target).padStart(2)} previews: ${figures.rps} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  errors ${figures.errors}`,
      );
      if (figures.p99 > 100) {
        console.log(`  p99 exceeded 100 ms at ${target} concurrent previews`);
        break;
      }
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await coldStart();
await previews();
