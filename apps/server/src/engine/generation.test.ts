// End-to-end generation runs through the HTTP API: the real engine, worker, sandbox, git workspace and
// database, driven by the fake LLM server with scripted tool calls.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AgentScript, lastToolResult, reply, requestText, signUpUser, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProject,
  type EngineTestBed,
  getRun,
  readEventStream,
  startEngineTestBed,
  startRun,
  waitForStatus,
} from "./run-helpers.test-support";

const HEALTH_LINE = 'if (request.method === "GET" && url.pathname === "/health") return send(response, 200, { status: "ok" });';

const VERSION_TEST = `import type { AddressInfo } from "node:net";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createApp } from "./app.js";
import { JsonStore } from "./store.js";

it("reports the API version", async () => {
  const dir = await mkdtemp(join(tmpdir(), "version-"));
  const server = createApp(new JsonStore(join(dir, "db.json")));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const body = await (await fetch(\`http://127.0.0.1:\${port}/api/version\`)).json();
  server.close();
  expect(body).toEqual({ version: "1.0.0" });
});
`;

describe("generation runs", () => {
  let testApp: TestApp;
  let headers: Record<string, string>;
  let script: AgentScript;

  let bed: EngineTestBed;

  beforeAll(async () => {
    bed = await startEngineTestBed({ SAMOKODER_ENGINE_LEASE_SECONDS: "10" });
    ({ testApp, headers, script } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it("builds an app from the starter: spec → plan → implement → a failing test gets fixed → verified → README", async () => {
    script.add(
      "spec",
      reply().toolCall("submit_spec", { title: "Notes API", summary: "Notes with a version endpoint", features: ["GET /api/version"] }),
    );
    script.add(
      "architect",
      reply().toolCall("submit_architecture", {
        templateId: "node-api",
        dependencies: ["ms@2.1.3", "bad; rm -rf /"],
        notes: "Keep the JSON store",
      }),
    );
    script.add(
      "planner",
      reply().toolCall("submit_plan", {
        tasks: [
          { title: "Version endpoint", description: "GET /api/version", acceptance: ['GET /api/version answers {"version":"1.0.0"}'] },
        ],
      }),
    );
    script.add(
      "coder",
      // A bad edit (not applied), a path escape (refused), the real change with a bug, and a test for it.
      reply()
        .toolCall("edit_file", { path: "src/app.ts", search: "this text is not in the file", replace: "broken" })
        .toolCall("write_file", { path: "../../escape.txt", content: "outside" })
        .toolCall("edit_file", {
          path: "src/app.ts",
          search: HEALTH_LINE,
          replace: `${HEALTH_LINE}\n      if (request.method === "GET" && url.pathname === "/api/version") return send(response, 200, { version: "0.9.0" });`,
        })
        .toolCall("write_file", { path: "src/version.test.ts", content: VERSION_TEST }),
      (request) => {
        const results = lastToolResult(request);
        expect(results).toContain("does not occur in src/app.ts");
        expect(results).toMatch(/Refused: .*outside the project/);
        return reply().toolCall("complete_task", { summary: "Added GET /api/version" });
      },
      (request) => {
        // The verification failure comes back with the test's own output.
        const failure = lastToolResult(request);
        expect(failure).toContain("Verification failed at the test check");
        expect(failure).toContain("1.0.0");
        return reply().toolCall("edit_file", { path: "src/app.ts", search: 'version: "0.9.0"', replace: 'version: "1.0.0"' });
      },
      reply().toolCall("complete_task", { summary: "GET /api/version answers 1.0.0, with a test" }),
    );
    script.add(
      "documenter",
      reply().toolCall("write_file", {
        path: "README.md",
        content: "# Notes API\n\nRun `npm start`; `GET /api/version` reports the version.\n",
      }),
      reply().toolCall("complete_task", { summary: "README written" }),
    );

    const projectId = await createProject(testApp, headers, "A notes API that also reports its version");
    const started = await startRun(testApp, headers, projectId, { autonomy: "auto" });
    const run = await waitForStatus(testApp, headers, started.id, ["completed"]);

    expect(script.errors).toEqual([]);
    expect(run.plan).toHaveLength(1);
    expect(run.plan[0]).toMatchObject({ title: "Version endpoint", status: "done", attempts: 1 });
    expect(run.spec).toContain("# Notes API");
    const modelSteps = run.steps.filter((s) => s.kind === "model");
    expect(modelSteps.length).toBeGreaterThanOrEqual(8);
    for (const step of modelSteps) expect(step.inputTokens).toBeGreaterThan(0);
    expect(run.usage.inputTokens).toBe(run.steps.reduce((n, s) => n + s.inputTokens, 0));

    const workspace = await testApp.runtime.services.workspaces.ensure(projectId);
    expect(await workspace.readFile("src/app.ts")).toContain('version: "1.0.0"');
    expect(await workspace.readFile("README.md")).toContain("GET /api/version");
    // The architect's valid dependency was installed with a resolved version; the malformed one was refused.
    expect(JSON.parse(await workspace.readFile("package.json")).dependencies).toEqual({ ms: "^2.1.3" });
    expect(existsSync(join(testApp.dataDir, "escape.txt"))).toBe(false);
    expect(existsSync(join(workspace.dir, "..", "..", "escape.txt"))).toBe(false);
    const checkpoints = await workspace.checkpoints(100);
    // Every step that changed files is a commit naming the run, the task and the step.
    expect(checkpoints.some((c) => c.runId === run.id && c.taskId === run.plan[0]?.id && c.step?.startsWith("step-"))).toBe(true);
    expect(checkpoints.some((c) => c.step === "scaffold")).toBe(true);
    expect(checkpoints.some((c) => c.step === "dependencies")).toBe(true);

    const events = await readEventStream(testApp, headers, run.id);
    const types = events.map((e) => e.type);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(types[0]).toBe("run.started");
    expect(types.at(-1)).toBe("run.completed");
    expect(types.indexOf("verify.failed")).toBeLessThan(types.indexOf("verify.passed"));
    expect(types).toEqual(
      expect.arrayContaining(["stage.started", "tool.called", "file.written", "command.output", "task.completed", "checkpoint.created"]),
    );
    const failed = events.find((e) => e.type === "verify.failed");
    expect(failed?.data).toMatchObject({ check: "test", attempt: 1, escalation: "fix" });
    const badEdit = events.find((e) => e.type === "tool.called" && (e.data as { tool: string; ok: boolean }).tool === "edit_file");
    expect(badEdit?.data).toMatchObject({ ok: false });

    const raw = await testApp.app.inject({ method: "GET", url: `/api/v1/runs/${run.id}/events`, headers });
    expect(raw.headers["x-content-type-options"]).toBe("nosniff");
    expect(raw.headers["cache-control"]).toContain("no-cache");

    // Reconnecting with Last-Event-ID replays exactly the events after it.
    const middle = events[Math.floor(events.length / 2)]?.id ?? 1;
    const replayed = await readEventStream(testApp, headers, run.id, middle);
    expect(replayed.map((e) => e.id)).toEqual(events.filter((e) => e.id > middle).map((e) => e.id));

    const metrics = await testApp.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/samokoder_run_steps_total\{kind="verify"\} [1-9]/);
    expect(metrics.body).toMatch(/samokoder_runs_finished_total\{status="completed"\} [1-9]/);

    // The coder saw the project's files through the index, never the whole tree blindly.
    const coderRequest = script.seen.coder[0];
    expect(coderRequest && requestText(coderRequest)).toContain("src/app.ts");
  }, 240_000);

  it("detects a fix loop and escalates: fix → diagnostics → new approach → rollback → the person (auto: give up the task)", async () => {
    const [previous] = await testApp.runtime.db.query<{ project_id: string }>(
      "SELECT project_id FROM runs WHERE status = 'completed' LIMIT 1",
    );
    const projectId = previous?.project_id ?? "";
    const broken = reply()
      .toolCall("write_file", { path: "src/broken.ts", content: 'export const answer: number = "forty-two";\n' })
      .toolCall("complete_task", { summary: "Added the answer" });
    const expectGuidance = (text: string) => (request: Parameters<typeof lastToolResult>[0]) => {
      const result = lastToolResult(request) || requestText(request);
      expect(result).toContain(text);
      return broken;
    };
    script.add(
      "planner",
      reply().toolCall("submit_plan", { tasks: [{ title: "Answer", description: "Export the answer", acceptance: ["answer is 42"] }] }),
    );
    script.add(
      "coder",
      broken,
      expectGuidance("find the root cause"),
      expectGuidance("add diagnostics"),
      expectGuidance("different approach"),
      expectGuidance("rolled back to the last state in which every check passed"),
    );
    script.add("documenter", reply().toolCall("complete_task", { summary: "Nothing to document" }));

    const started = await startRun(testApp, headers, projectId, { instruction: "Export the answer to everything", autonomy: "auto" });
    const run = await waitForStatus(testApp, headers, started.id, ["completed"]);
    expect(script.errors).toEqual([]);
    expect(run.plan[0]).toMatchObject({ status: "failed", attempts: 5 });

    const events = await readEventStream(testApp, headers, run.id);
    const failures = events.filter((e) => e.type === "verify.failed").map((e) => e.data as { check: string; escalation: string });
    expect(failures.map((f) => f.escalation)).toEqual(["fix", "diagnose", "rethink", "rollback", "ask_user"]);
    expect(failures.every((f) => f.check === "typecheck")).toBe(true);
    expect(events.filter((e) => e.type === "checkpoint.restored")).toHaveLength(1);
    expect(events.find((e) => e.type === "question.answered")?.data).toMatchObject({ answer: "Skip this task", by: "auto" });
    expect(events.find((e) => e.type === "task.skipped")).toBeDefined();
    // Dependencies were installed once for the project and not again while the manifests stayed the same.
    expect(events.some((e) => e.type === "command.output" && (e.data as { command: string }).command === "install")).toBe(false);
  }, 240_000);

  it("restores the checkpoint before a run and downloads the generated app as a ZIP", async () => {
    const [built] = await testApp.runtime.db.query<{ project_id: string }>(
      "SELECT project_id FROM runs WHERE kind = 'build' AND status = 'completed' LIMIT 1",
    );
    const projectId = built?.project_id ?? "";
    const zip = await testApp.app.inject({ method: "GET", url: `/api/v1/projects/${projectId}/export.zip`, headers });
    expect(zip.statusCode).toBe(200);
    const zipPath = join(testApp.dataDir, "export.zip");
    writeFileSync(zipPath, zip.rawPayload);
    const entries = execFileSync("unzip", ["-Z1", zipPath]).toString().split("\n");
    expect(entries).toEqual(expect.arrayContaining(["README.md", "src/app.ts", "src/version.test.ts", "package.json"]));
    expect(entries.some((e) => e.startsWith("node_modules/") || e.startsWith(".git/"))).toBe(false);
    expect(execFileSync("unzip", ["-p", zipPath, "src/app.ts"]).toString()).toContain('version: "1.0.0"');

    const list = await testApp.app.inject({ method: "GET", url: `/api/v1/projects/${projectId}/checkpoints`, headers });
    const checkpoints = (list.json() as { items: Array<{ sha: string; step: string | null }> }).items;
    const scaffolded = checkpoints.find((c) => c.step === "scaffold");
    expect(scaffolded).toBeDefined();
    const restored = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/checkpoints/${scaffolded?.sha}/restore`,
      headers,
    });
    expect(restored.statusCode, restored.body).toBe(200);
    const workspace = await testApp.runtime.services.workspaces.ensure(projectId);
    expect(await workspace.readFile("src/app.ts")).not.toContain("/api/version");
    // Nothing is destroyed: the generated version is still in the history.
    expect(await workspace.readFile("src/app.ts", checkpoints[0]?.sha)).toContain("/api/version");
  });

  it("returns invalid tool arguments to the model, re-asks once after prose, then fails the step cleanly", async () => {
    const projectId = await createProject(testApp, headers, "Anything at all");
    script.add(
      "spec",
      reply().text("Sure! Here is my plan in prose."),
      (request) => {
        expect(requestText(request)).toContain("Your reply contained no tool call");
        return reply().toolCall("submit_spec", { title: 42, features: [] });
      },
      (request) => {
        expect(lastToolResult(request)).toContain("Invalid arguments for submit_spec");
        return reply().malformedToolArguments("submit_spec", '{"title": "unterminated');
      },
      (request) => {
        expect(lastToolResult(request)).toMatch(/not valid JSON|Invalid arguments/);
        return reply().text("Still prose.");
      },
      reply().text("Prose again."),
    );
    const started = await startRun(testApp, headers, projectId, { autonomy: "auto" });
    await expect(waitForStatus(testApp, headers, started.id, ["completed"])).rejects.toThrow(/answered in prose twice/);
    expect(script.errors).toEqual([]);
    const run = await getRun(testApp, headers, started.id);
    expect(run).toMatchObject({ status: "failed", error: "The spec agent answered in prose twice where a tool call was required" });
    const project = await testApp.app.inject({ method: "GET", url: `/api/v1/projects/${projectId}`, headers });
    expect(project.json()).toMatchObject({ project: { status: "error" } });
    const events = await readEventStream(testApp, headers, run.id);
    expect(events.at(-1)?.type).toBe("run.failed");
    // Streamed model text arrives as batched llm.delta events, not one event per chunk.
    const deltas = events.filter((e) => e.type === "llm.delta").map((e) => (e.data as { text: string }).text);
    expect(deltas.join("")).toContain("Sure! Here is my plan in prose.");
    expect(deltas.length).toBeLessThan(5);
    expect(events.filter((e) => e.type === "tool.called").every((e) => (e.data as { ok: boolean }).ok === false)).toBe(true);
  });

  it("refuses a second active run and hides runs from other users", async () => {
    const projectId = await createProject(testApp, headers, "Anything");
    script.add("spec", reply().toolCall("ask_user", { question: "Which colour?", options: ["Blue", "Red"] }));
    const specRequestsBefore = script.seen.spec.length;
    const first = await startRun(testApp, headers, projectId, {});
    // Duplicate jobs for one run in one worker advance it once, not in parallel.
    const worker = await testApp.runtime.services.engine.startWorker();
    await Promise.all([worker.process(first.id), worker.process(first.id), worker.process(first.id)]);
    const second = await testApp.app.inject({ method: "POST", url: `/api/v1/projects/${projectId}/runs`, headers, payload: {} });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: "run_active" } });

    const stranger = (await signUpUser(testApp)).bearerHeaders;
    const peek = await testApp.app.inject({ method: "GET", url: `/api/v1/runs/${first.id}`, headers: stranger });
    expect(peek.statusCode).toBe(404);
    const events = await testApp.app.inject({ method: "GET", url: `/api/v1/runs/${first.id}/events`, headers: stranger });
    expect(events.statusCode).toBe(404);

    const paused = await waitForStatus(testApp, headers, first.id, ["paused"]);
    expect(paused.pendingQuestion).toMatchObject({ question: "Which colour?", options: ["Blue", "Red"] });
    expect(script.seen.spec.length - specRequestsBefore).toBe(1);
    const cancelled = await testApp.app.inject({ method: "POST", url: `/api/v1/runs/${first.id}/cancel`, headers });
    expect(cancelled.json()).toMatchObject({ run: { status: "cancelled" } });
    const stream = await readEventStream(testApp, headers, first.id);
    expect(stream.map((e) => e.type)).toEqual(expect.arrayContaining(["question.asked", "run.paused", "run.cancelled"]));
    expect((await getRun(testApp, headers, first.id)).status).toBe("cancelled");
  });
});
