// Durability of runs on PostgreSQL with real worker processes: a worker killed with SIGKILL mid-step is
// replaced and the run resumes from its last committed step; a paused run survives its worker; events reach
// clients of any API process (LISTEN/NOTIFY).
import { buildApp, createLogger, createRuntime } from "@samokoder/server";
import { openDatabase } from "@samokoder/db";
import {
  type AgentScript,
  type FakeLlm,
  lastToolResult,
  reply,
  scriptAgents,
  signUpUser,
  startFakeLlm,
  startTestApp,
  TEST_APP_SECRET_KEY,
  TEST_SECRET_KEY,
  type TestApp,
} from "@samokoder/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { createProject, getRun, parseEventStream, readEventStream, startRun, waitForStatus } from "./run-helpers.test-support";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.test-support";

const SERVER = `const http = require("node:http");
const port = Number(process.env.PORT) || 3000;
http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(req.url === "/health" ? { status: "ok" } : { greeting: require("./greeting").greeting() }));
}).listen(port, "127.0.0.1");
`;
const GREETING_TEST = `const test = require("node:test");
const assert = require("node:assert");
const { greeting } = require("./greeting");
test("greets", () => assert.strictEqual(greeting(), "hello"));
`;

describe("run durability with worker processes on PostgreSQL", () => {
  let llm: FakeLlm;
  let testApp: TestApp;
  let headers: Record<string, string>;
  let script: AgentScript;
  let workerEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let projectId: string;

  beforeAll(async () => {
    llm = await startFakeLlm();
    const env = {
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-coder",
      SAMOKODER_ENGINE_LEASE_SECONDS: "2",
    };
    testApp = await startTestApp("postgres", env);
    workerEnv = {
      ...env,
      SAMOKODER_ENV: "test",
      DATABASE_URL: testApp.database.url ?? "",
      SAMOKODER_DATA_DIR: testApp.dataDir,
      SECRET_KEY: TEST_SECRET_KEY,
      APP_SECRET_KEY: TEST_APP_SECRET_KEY,
      LOG_LEVEL: "warn",
    };
    headers = (await signUpUser(testApp)).bearerHeaders;
    script = scriptAgents(llm);
    // A tiny dependency-free project, imported as the starting tree.
    projectId = await createProject(testApp, headers, "A greeting service");
    const workspace = await testApp.runtime.services.workspaces.ensure(projectId);
    await workspace.writeFiles([
      {
        path: "package.json",
        content: JSON.stringify({
          name: "greeting",
          scripts: { test: "node --test", start: "node server.js" },
          samokoder: { healthPath: "/health" },
        }),
      },
      { path: "server.js", content: SERVER },
      { path: "greeting.js", content: 'exports.greeting = () => "hello";\n' },
    ]);
    await workspace.commit({ step: "import", summary: "Import the starting tree" });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await testApp?.close();
    await llm?.close();
  });

  beforeEach(() => {
    // The workers' own logs explain a failure that happened in another process.
    onTestFailed(() => {
      for (const worker of workers) console.error(worker.output());
      console.error("script errors:", script.errors);
      console.error(
        "coder saw:",
        script.seen.coder.map((r) => lastToolResult(r).slice(0, 300)),
      );
    });
  });

  async function startWorker(): Promise<WorkerProcess> {
    const worker = await startWorkerProcess(workerEnv);
    workers.push(worker);
    return worker;
  }

  it("resumes after the worker is killed with SIGKILL mid-step, without repeating committed work", async () => {
    let plannerCalls = 0;
    let plannerReached: () => void = () => {};
    const inPlanStep = new Promise<void>((resolve) => {
      plannerReached = resolve;
    });
    const first = await startWorker();
    script.add("spec", reply().toolCall("submit_spec", { title: "Greeting", summary: "Says hello", features: ["GET / greets"] }));
    script.add("architect", reply().toolCall("submit_architecture", { templateId: "node-api" }));
    const plan = reply().toolCall("submit_plan", {
      tasks: [{ title: "Test the greeting", description: "Add a test", acceptance: ["greeting() returns hello"] }],
    });
    script.add(
      "planner",
      () => {
        // The worker is now inside the plan step, waiting for the model: kill it there.
        plannerCalls += 1;
        plannerReached();
        return reply()
          .slowFirstByte(3_000)
          .toolCall("submit_plan", { tasks: [{ title: "never", description: "", acceptance: ["x"] }] });
      },
      () => {
        plannerCalls += 1;
        return plan;
      },
    );
    script.add(
      "coder",
      reply().toolCall("write_file", { path: "greeting.test.js", content: GREETING_TEST }),
      reply().toolCall("complete_task", { summary: "Tested the greeting" }),
    );
    script.add(
      "documenter",
      reply().toolCall("write_file", { path: "README.md", content: "# Greeting\n" }),
      reply().toolCall("complete_task", { summary: "README" }),
    );

    const started = await startRun(testApp, headers, projectId, { autonomy: "auto" });
    await inPlanStep;
    await first.kill();
    await startWorker();
    const run = await waitForStatus(testApp, headers, started.id, ["completed"]);

    expect(script.errors).toEqual([]);
    expect(plannerCalls).toBe(2);
    expect(run.plan.map((t) => [t.title, t.status])).toEqual([["Test the greeting", "done"]]);
    // Steps are committed exactly once each, in order, by whichever worker held the lease.
    expect(run.steps.map((s) => s.seq)).toEqual(run.steps.map((_, i) => i + 1));
    const rows = await testApp.runtime.db.query<{ worker: string }>("SELECT DISTINCT worker FROM run_steps WHERE run_id = $1", [run.id]);
    expect(rows.length).toBe(2);
    const events = await readEventStream(testApp, headers, run.id);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "plan.updated")).toHaveLength(1);
    expect(events.filter((e) => e.type === "task.completed")).toHaveLength(1);
    expect(events.filter((e) => e.type === "stage.started" && e.data.stage === "spec")).toHaveLength(1);
    const workspace = await testApp.runtime.services.workspaces.ensure(projectId);
    expect(await workspace.readFile("greeting.test.js")).toBe(GREETING_TEST);
  }, 180_000);

  it("keeps a paused run across worker restarts and streams its events to every API process", async () => {
    // A second API process on the same database: it must see events written by the worker process.
    const db = await openDatabase({ url: testApp.database.url ?? "", poolSize: 3 });
    const runtime = await createRuntime(testApp.config, { db, logger: createLogger(testApp.config), migrate: false });
    const otherApi = await buildApp(runtime);
    try {
      script.add(
        "planner",
        reply().toolCall("submit_plan", { tasks: [{ title: "Shout", description: "Upper-case greeting", acceptance: ["HELLO"] }] }),
      );
      script.add(
        "coder",
        reply().toolCall("ask_user", { question: "Exclamation mark?", options: ["Yes", "No"] }),
        (request) => {
          expect(lastToolResult(request)).toContain("The person answered: No");
          return reply()
            .toolCall("edit_file", { path: "greeting.js", search: '"hello"', replace: '"HELLO"' })
            .toolCall("edit_file", { path: "greeting.test.js", search: '"hello"', replace: '"HELLO"' });
        },
        reply().toolCall("complete_task", { summary: "Shouting" }),
      );
      script.add("documenter", reply().toolCall("complete_task", { summary: "README unchanged" }));

      const started = await startRun(testApp, headers, projectId, { instruction: "Make the greeting upper-case" });
      expect(started).toMatchObject({ status: "queued" });
      const stream = otherApi.inject({ method: "GET", url: `/api/v1/runs/${started.id}/events`, headers });
      const approval = await waitForStatus(testApp, headers, started.id, ["paused"]);
      expect(approval.pendingQuestion?.question).toContain("The plan has 1 tasks");
      const approved = await testApp.app.inject({
        method: "POST",
        url: `/api/v1/runs/${started.id}/messages`,
        headers,
        payload: { text: "ok" },
      });
      expect(approved.statusCode, approved.body).toBe(200);
      const paused = await waitForStatus(testApp, headers, started.id, ["paused"]);
      expect(paused.pendingQuestion).toMatchObject({ question: "Exclamation mark?" });

      // No worker at all while the person thinks; the answer still lands and a new worker carries on.
      for (const worker of workers) await worker.kill();
      const answered = await testApp.app.inject({
        method: "POST",
        url: `/api/v1/runs/${started.id}/answers`,
        headers,
        payload: { questionId: paused.pendingQuestion?.id, answer: "No" },
      });
      expect(answered.statusCode, answered.body).toBe(200);
      expect((await getRun(testApp, headers, started.id)).status).toBe("queued");
      await startWorker();

      const review = await waitForStatus(testApp, headers, started.id, ["paused"]);
      expect(review.pendingQuestion?.question).toContain("is implemented and verified");
      const accepted = await testApp.app.inject({
        method: "POST",
        url: `/api/v1/runs/${started.id}/messages`,
        headers,
        payload: { text: "Accept" },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const run = await waitForStatus(testApp, headers, started.id, ["completed"]);
      expect(run.plan.map((t) => t.status)).toEqual(["done"]);
      expect(script.errors).toEqual([]);

      const viaOther = parseEventStream((await stream).body);
      const viaFirst = await readEventStream(testApp, headers, started.id);
      expect(viaOther.map((e) => e.id)).toEqual(viaFirst.map((e) => e.id));
      expect(viaOther.map((e) => e.type)).toEqual(
        expect.arrayContaining(["question.asked", "run.paused", "question.answered", "run.resumed", "run.completed"]),
      );
    } finally {
      await otherApi.close();
      await runtime.close();
      await db.close();
    }
  }, 180_000);
});
