// bench/engine: 10 projects generated concurrently by the real engine (PGlite, or PostgreSQL with BENCH_DATABASE=postgres; pg-boss worker, git
// workspaces, bubblewrap sandbox) against the fake LLM with a fixed model latency. Prints the platform's own
// overhead per step (step time minus model and command time), event lag to an SSE client over real HTTP,
// database rows and workspace bytes per step, and input tokens per model request on a 30-file project.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { RunEvent } from "@samokoder/schema";
import { agentOf, lastToolResult, reply, signUpUser, startFakeLlm, startTestApp } from "@samokoder/test-support";

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 10);
const MODEL_LATENCY_MS = Number(process.env.BENCH_MODEL_LATENCY_MS ?? 300);
const DATABASE = process.env.BENCH_DATABASE === "postgres" ? "postgres" : "pglite";
const FILES = 30;
const BUDGET = 24_000;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A dependency-free 30-file project of ~4 KB per file: about 30k tokens in all, more than one request may carry. */
function projectFiles(index: number): Array<{ path: string; content: string }> {
  const files = [{ path: "package.json", content: JSON.stringify({ name: `bench-${index}`, scripts: { test: "node --test" } }, null, 2) }];
  for (let i = 1; i < FILES; i++) {
    const body = Array.from(
      { length: 60 },
      (_, j) => `exports.value${j} = (input) => input * ${j} + ${i}; // module ${i} helper ${j}`,
    ).join("\n");
    files.push({ path: `src/module-${i}.js`, content: `// Module ${i}: arithmetic helpers for feature ${i}.\n${body}\n` });
  }
  return files;
}

async function main() {
  const llm = await startFakeLlm();
  llm.onRequest((request) => {
    const agent = agentOf(request);
    const slow = reply().slowFirstByte(MODEL_LATENCY_MS);
    switch (agent) {
      case "spec":
        return slow.toolCall("submit_spec", { title: "Bench app", summary: "Arithmetic helpers", features: ["helpers"] });
      case "architect":
        return slow.toolCall("submit_architecture", { templateId: "node-api" });
      case "planner":
        return slow.toolCall("submit_plan", {
          tasks: [1, 2, 3].map((n) => ({ title: `Feature ${n}`, description: `Use module ${n * 7}`, acceptance: [`feature ${n} works`] })),
        });
      case "coder": {
        const n = lastToolResult(request).length;
        return slow
          .toolCall("write_file", { path: `src/feature-${Date.now()}-${n}.js`, content: "exports.feature = () => 42;\n" })
          .toolCall("complete_task", { summary: "done" });
      }
      case "documenter":
        return slow
          .toolCall("write_file", { path: "README.md", content: "# Bench app\n" })
          .toolCall("complete_task", { summary: "README" });
      default:
        return slow.text("?");
    }
  });
  const testApp = await startTestApp(DATABASE, {
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-bench",
    SAMOKODER_ENGINE_CONCURRENCY: String(PROJECTS),
    SAMOKODER_ENGINE_INPUT_TOKEN_BUDGET: String(BUDGET),
    PROJECT_QUOTA_FREE: String(PROJECTS + 1),
    RATE_LIMIT_USER_PER_MINUTE: "100000",
  });
  const base = await testApp.app.listen({ host: "127.0.0.1", port: 0 });
  await testApp.runtime.services.engine.startWorker();
  const { bearerHeaders } = await signUpUser(testApp);
  const headers = { ...bearerHeaders, "content-type": "application/json" };

  const projectIds: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const created = await fetch(`${base}/api/v1/projects`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: `Bench ${i}`, description: "Arithmetic" }),
    });
    const { project } = (await created.json()) as { project: { id: string } };
    const workspace = await testApp.runtime.services.workspaces.ensure(project.id);
    await workspace.writeFiles(projectFiles(i));
    await workspace.commit({ step: "import", summary: "Bench project" });
    projectIds.push(project.id);
  }

  const lags: number[] = [];
  const started = performance.now();
  const runs = await Promise.all(
    projectIds.map(async (projectId) => {
      const response = await fetch(`${base}/api/v1/projects/${projectId}/runs`, {
        method: "POST",
        headers,
        body: JSON.stringify({ autonomy: "auto" }),
      });
      const { run } = (await response.json()) as { run: { id: string } };
      // A browser-like SSE client over real HTTP: lag = arrival time − commit time of each event.
      const stream = await fetch(`${base}/api/v1/runs/${run.id}/events`, { headers: bearerHeaders });
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at = buffer.indexOf("\n\n");
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (data) {
            const event = JSON.parse(data.slice(6)) as RunEvent;
            lags.push(Date.now() - Date.parse(event.createdAt));
          }
          at = buffer.indexOf("\n\n");
        }
      }
      return run.id;
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;

  const db = testApp.runtime.db;
  const steps = await db.query<{
    duration_ms: number;
    model_ms: number;
    command_ms: number;
    kind: string;
    result: { estimatedInputTokens?: number };
  }>("SELECT duration_ms, model_ms, command_ms, kind, result FROM run_steps WHERE run_id = ANY($1::uuid[])", [runs]);
  const statuses = await db.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM runs GROUP BY status");
  const overhead = steps.map((s) => Math.max(0, Number(s.duration_ms) - Number(s.model_ms) - Number(s.command_ms)));
  const modelSteps = steps.filter((s) => s.kind === "model");
  const inputTokens = modelSteps.map((s) => Number(s.result.estimatedInputTokens ?? 0));
  const actualInput = llm.requests.map((r) => Math.ceil(JSON.stringify([r.system, r.messages]).length / 4));
  const [rows] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM run_steps WHERE run_id = ANY($1::uuid[])) + (SELECT count(*) FROM run_events WHERE run_id = ANY($1::uuid[]))
      + (SELECT count(*) FROM run_tasks WHERE run_id = ANY($1::uuid[])) + (SELECT count(*) FROM run_questions WHERE run_id = ANY($1::uuid[])) + $2::int AS n`,
    [runs, runs.length],
  );
  const workspaceBytes = projectIds
    .map((id) => {
      const dirs = [join(testApp.dataDir, "projects", id), join(testApp.dataDir, "git", `${id}.git`)];
      return Number(
        execFileSync("du", ["-sb", "--exclude=node_modules", ...dirs])
          .toString()
          .split("\n")
          .reduce((n, l) => n + (Number(l.split("\t")[0]) || 0), 0),
      );
    })
    .reduce((a, b) => a + b, 0);
  const projectBytes = projectFiles(0).reduce((n, f) => n + f.content.length, 0);

  console.log(
    `bench/engine on ${DATABASE}: ${PROJECTS} projects concurrently, model latency ${MODEL_LATENCY_MS} ms, ${FILES}-file project (${Math.round(projectBytes / 1024)} KB ≈ ${Math.round(projectBytes / 4)} tokens)`,
  );
  console.log(
    `  runs: ${statuses.map((s) => `${s.n} ${s.status}`).join(", ")} in ${wallSeconds.toFixed(1)} s; ${steps.length} steps, ${modelSteps.length} model requests`,
  );
  console.log(
    `  platform overhead per step (total − model − command): p50 ${fmt(quantile(overhead, 0.5))} ms, p95 ${fmt(quantile(overhead, 0.95))} ms, max ${fmt(quantile(overhead, 1))} ms  (target p50 < 50 ms)`,
  );
  const kinds = [...new Set(steps.map((s) => s.kind))].sort();
  const byKind = kinds.map((kind) => {
    const values = steps
      .filter((s) => s.kind === kind)
      .map((s) => Math.max(0, Number(s.duration_ms) - Number(s.model_ms) - Number(s.command_ms)));
    return `${kind} ${fmt(quantile(values, 0.5))}`;
  });
  console.log(`    p50 overhead by step kind (ms): ${byKind.join(", ")}`);
  console.log(
    `  event lag commit → SSE client: p50 ${fmt(quantile(lags, 0.5))} ms, p99 ${fmt(quantile(lags, 0.99))} ms over ${lags.length} events  (target p99 < 100 ms)`,
  );
  console.log(
    `  database rows per step: ${fmt((rows?.n ?? 0) / steps.length)}; workspace bytes per step (tree + git history, without node_modules): ${fmt(workspaceBytes / steps.length)}`,
  );
  console.log(
    `  input tokens per model request (engine estimate): p50 ${fmt(quantile(inputTokens, 0.5))}, max ${fmt(quantile(inputTokens, 1))}; as sent (chars/4): max ${fmt(quantile(actualInput, 1))}  (budget ${BUDGET})`,
  );

  await testApp.app.close();
  await testApp.close();
  await llm.close();
}

await main();
