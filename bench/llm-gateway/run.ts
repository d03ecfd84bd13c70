// Benchmark: N concurrent streaming calls through the real gateway (routing, budgets, ledger on PostgreSQL, AI SDK)
// against a fake provider emitting stamped tokens at a fixed pace, compared with a bare SSE client.
// Prints added time to first token and per-token latency (p50/p99), CPU per 1,000 tokens, and token integrity.
// Usage: npm run bench:llm-gateway   (BENCH_CALLS, BENCH_TOKENS, BENCH_INTERVAL_MS to change the load)
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createLlmService, loadConfig } from "@samokoder/core";
import { migrateUp, openDatabase } from "@samokoder/db";
import { createPostgresDatabase } from "@samokoder/test-support";

const calls = Number(process.env.BENCH_CALLS ?? 200);
const tokens = Number(process.env.BENCH_TOKENS ?? 500);
const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 20);
const now = () => performance.timeOrigin + performance.now();

interface CallFigures {
  ttftMs: number;
  tokenLatencies: number[];
  intact: boolean;
}

/** Keeps what arrived and when; parsing happens after the measured window so it is not billed to the gateway. */
function tokenReader() {
  const arrivals: Array<[number, string]> = [];
  return {
    push(text: string) {
      arrivals.push([now(), text]);
    },
    result() {
      let buffer = "";
      const indices: number[] = [];
      const latencies: number[] = [];
      for (const [at, text] of arrivals) {
        buffer += text;
        for (;;) {
          const match = /^t(\d+)@([\d.]+) /.exec(buffer);
          if (!match) break;
          indices.push(Number(match[1]));
          latencies.push(at - Number(match[2]));
          buffer = buffer.slice(match[0].length);
        }
      }
      return { latencies, intact: buffer === "" && indices.length === tokens && indices.every((v, i) => v === i) };
    },
  };
}

interface Recorded {
  ttftMs: number;
  result(): { latencies: number[]; intact: boolean };
}

const figures = (recorded: Recorded): CallFigures => {
  const { latencies, intact } = recorded.result();
  return { ttftMs: recorded.ttftMs, tokenLatencies: latencies, intact };
};

/** Time to the first token of a call that is abandoned right after it (the solo measurement). */
async function firstTokenOnly(call: (signal: AbortSignal, onFirst: () => void) => Promise<unknown>): Promise<number> {
  const controller = new AbortController();
  const started = now();
  let ttft = -1;
  await call(controller.signal, () => {
    if (ttft < 0) ttft = now() - started;
    controller.abort();
  }).catch(() => {});
  return ttft;
}

async function bareCall(baseUrl: string, signal?: AbortSignal, onFirst?: () => void): Promise<Recorded> {
  const started = now();
  let ttft = -1;
  const reader = tokenReader();
  const response = await fetch(`${baseUrl}/chat/completions`, {
    signal,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-model", stream: true, messages: [{ role: "user", content: "go" }] }),
  });
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let end = pending.indexOf("\n\n");
    while (end >= 0) {
      const frame = pending.slice(0, end);
      pending = pending.slice(end + 2);
      end = pending.indexOf("\n\n");
      if (!frame.startsWith("data: ") || frame === "data: [DONE]") continue;
      const content = (JSON.parse(frame.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content;
      if (content) {
        if (ttft < 0) ttft = now() - started;
        onFirst?.();
        reader.push(content);
      }
    }
  }
  return { ttftMs: ttft, result: reader.result };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/llm-gateway/fake-server.ts"], {
    env: { ...process.env, BENCH_TOKENS: String(tokens), BENCH_INTERVAL_MS: String(intervalMs) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseUrl = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
  // Server mode (PostgreSQL) is where 200 concurrent calls happen; BENCH_DB=pglite measures embedded mode.
  const usePglite = process.env.BENCH_DB === "pglite";
  const postgres = usePglite ? undefined : await createPostgresDatabase();
  const db = await openDatabase(postgres ? { url: postgres.url, poolSize: 20 } : { dataDir: "memory://" });
  await migrateUp(db);
  const loaded = loadConfig(
    {
      SAMOKODER_ENV: "test",
      SECRET_KEY: "bench-secret-key-0123456789abcdef0123456789",
      APP_SECRET_KEY: "bench-app-secret-key-0123456789abcdef0123456789",
      OPENAI_COMPATIBLE_BASE_URL: baseUrl,
      SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-model",
    },
    { generateSecrets: false },
  );
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  const [user] = await db.query<{ id: string }>("INSERT INTO users (email, password_hash) VALUES ('bench@example.test', 'x') RETURNING id");
  const silent = { info: () => {}, warn: () => {} };
  const llm = createLlmService({ config: loaded.config, db, clock: { now: () => new Date() }, logger: silent });

  console.log(
    `LLM gateway benchmark on ${usePglite ? "PGlite" : "PostgreSQL"}: ${calls} concurrent streaming calls × ${tokens} tokens, one every ${intervalMs} ms`,
  );
  const gatewayCall = async (signal?: AbortSignal, onFirst?: () => void): Promise<Recorded> => {
    const started = now();
    let ttft = -1;
    const reader = tokenReader();
    await llm.step(
      { userId: user?.id ?? "", role: "coder", signal },
      {
        system: "bench",
        messages: [{ role: "user", content: "go" }],
        onTextDelta: (delta) => {
          if (ttft < 0) ttft = now() - started;
          onFirst?.();
          reader.push(delta);
        },
      },
    );
    return { ttftMs: ttft, result: reader.result };
  };
  // Warm up both paths (module loading, JIT, connection pools).
  await Promise.all(Array.from({ length: 5 }, () => bareCall(baseUrl)));
  await Promise.all(Array.from({ length: 5 }, () => gatewayCall()));

  const bare = (await Promise.all(Array.from({ length: calls }, () => bareCall(baseUrl)))).map(figures);

  const cpuBefore = process.cpuUsage();
  const recorded = await Promise.all(Array.from({ length: calls }, () => gatewayCall()));
  const cpu = process.cpuUsage(cpuBefore);
  const gateway = recorded.map(figures);
  const totalTokens = calls * tokens;
  const [ledger] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM usage_ledger WHERE outcome = 'ok'");
  const ledgerRows = (ledger?.n ?? 0) - 5;

  const bareTtft = bare.map((c) => c.ttftMs);
  const gatewayTtft = gateway.map((c) => c.ttftMs);
  const bareToken = bare.flatMap((c) => c.tokenLatencies);
  const gatewayToken = gateway.flatMap((c) => c.tokenLatencies);
  const rows = [
    ["", "p50", "p99"],
    ["bare client TTFT", fmt(percentile(bareTtft, 50)), fmt(percentile(bareTtft, 99))],
    ["gateway TTFT", fmt(percentile(gatewayTtft, 50)), fmt(percentile(gatewayTtft, 99))],
    [
      "added TTFT",
      fmt(percentile(gatewayTtft, 50) - percentile(bareTtft, 50)),
      fmt(percentile(gatewayTtft, 99) - percentile(bareTtft, 99)),
    ],
    ["bare per-token delivery", fmt(percentile(bareToken, 50)), fmt(percentile(bareToken, 99))],
    ["gateway per-token delivery", fmt(percentile(gatewayToken, 50)), fmt(percentile(gatewayToken, 99))],
    [
      "added per-token latency",
      fmt(percentile(gatewayToken, 50) - percentile(bareToken, 50)),
      fmt(percentile(gatewayToken, 99) - percentile(bareToken, 99)),
    ],
  ];
  for (const row of rows) console.log(`${(row[0] ?? "").padEnd(28)}${(row[1] ?? "").padStart(12)}${(row[2] ?? "").padStart(12)}`);
  // One call at a time: the gateway's own overhead before the first token, without 200 calls queueing for the CPU.
  const soloBare: number[] = [];
  const soloGateway: number[] = [];
  for (let i = 0; i < 30; i++) {
    soloBare.push(await firstTokenOnly((signal, onFirst) => bareCall(baseUrl, signal, onFirst)));
    soloGateway.push(await firstTokenOnly((signal, onFirst) => gatewayCall(signal, onFirst)));
  }
  console.log(
    `${"added TTFT, one call alone".padEnd(28)}${fmt(percentile(soloGateway, 50) - percentile(soloBare, 50)).padStart(12)}${fmt(percentile(soloGateway, 99) - percentile(soloBare, 99)).padStart(12)}`,
  );
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `gateway CPU: ${cpuMs.toFixed(0)} ms for ${totalTokens} tokens = ${((cpuMs / totalTokens) * 1000).toFixed(1)} ms per 1,000 tokens`,
  );
  console.log(
    `tokens intact (none dropped or reordered): gateway ${gateway.filter((c) => c.intact).length}/${calls} calls, bare ${bare.filter((c) => c.intact).length}/${calls}`,
  );
  console.log(`ledger rows written: ${ledgerRows}/${calls}`);
  child.kill("SIGTERM");
  await db.close();
  await postgres?.drop();
}

await main();
