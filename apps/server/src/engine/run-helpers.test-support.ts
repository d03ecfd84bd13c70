// Owns helpers shared by the engine's HTTP tests: create a project, start a run, wait for it, read its events.
import type { RunEvent } from "@samokoder/schema";
import {
  type AgentScript,
  type FakeLlm,
  scriptAgents,
  signUpUser,
  startFakeLlm,
  startTestApp,
  type TestApp,
} from "@samokoder/test-support";
import { expect } from "vitest";

export interface EngineTestBed {
  llm: FakeLlm;
  testApp: TestApp;
  /** Bearer headers of a signed-up user. */
  headers: Record<string, string>;
  script: AgentScript;
  close(): Promise<void>;
}

/** A fake LLM, the real app on PGlite routed to it, a running engine worker and a signed-up user. */
export async function startEngineTestBed(env: Record<string, string> = {}): Promise<EngineTestBed> {
  const llm = await startFakeLlm();
  const testApp = await startTestApp("pglite", {
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-coder",
    ...env,
  });
  await testApp.runtime.services.engine.startWorker();
  const headers = (await signUpUser(testApp)).bearerHeaders;
  return {
    llm,
    testApp,
    headers,
    script: scriptAgents(llm),
    async close() {
      await testApp.close();
      await llm.close();
    },
  };
}

export interface RunView {
  id: string;
  status: string;
  stage: string;
  error: string | null;
  spec: string | null;
  plan: Array<{ id: string; title: string; status: string; attempts: number }>;
  pendingQuestion: { id: string; question: string; options: string[] } | null;
  steps: Array<{ seq: number; kind: string; inputTokens: number; outputTokens: number; costUsd: number; checkpoint: string | null }>;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

export async function createProject(testApp: TestApp, headers: Record<string, string>, description: string): Promise<string> {
  const response = await testApp.app.inject({
    method: "POST",
    url: "/api/v1/projects",
    headers,
    payload: { name: "Notes API", description },
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { project: { id: string } }).project.id;
}

export async function startRun(
  testApp: TestApp,
  headers: Record<string, string>,
  projectId: string,
  body: Record<string, unknown>,
): Promise<RunView> {
  const response = await testApp.app.inject({ method: "POST", url: `/api/v1/projects/${projectId}/runs`, headers, payload: body });
  expect(response.statusCode, response.body).toBe(202);
  return (response.json() as { run: RunView }).run;
}

export async function getRun(testApp: TestApp, headers: Record<string, string>, runId: string): Promise<RunView> {
  const response = await testApp.app.inject({ method: "GET", url: `/api/v1/runs/${runId}`, headers });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { run: RunView }).run;
}

/** Reads the SSE stream from `lastEventId` until the server ends it (after the run's last event). */
export async function readEventStream(
  testApp: TestApp,
  headers: Record<string, string>,
  runId: string,
  lastEventId?: number,
): Promise<RunEvent[]> {
  const response = await testApp.app.inject({
    method: "GET",
    url: `/api/v1/runs/${runId}/events`,
    headers: lastEventId === undefined ? headers : { ...headers, "last-event-id": String(lastEventId) },
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toContain("text/event-stream");
  return parseEventStream(response.body);
}

export function parseEventStream(body: string): RunEvent[] {
  return body
    .split("\n\n")
    .map((block) => block.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice(6)) as RunEvent);
}

/** Waits for the run to reach one of `statuses`, following its event stream (no polling sleeps). */
export async function waitForStatus(
  testApp: TestApp,
  headers: Record<string, string>,
  runId: string,
  statuses: string[],
): Promise<RunView> {
  for (;;) {
    const run = await getRun(testApp, headers, runId);
    if (statuses.includes(run.status)) return run;
    if (["completed", "failed", "cancelled"].includes(run.status)) {
      throw new Error(`run ended as ${run.status} (${run.error ?? "no error"}), expected ${statuses.join("/")}`);
    }
    await nextEvent(testApp, runId);
  }
}

/** Resolves when the run's next event is committed. */
export function nextEvent(testApp: TestApp, runId: string): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe: (() => void) | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe?.();
      resolve();
    };
    // A safety net against a notification lost between the status read and the subscription.
    const timer = setTimeout(finish, 1_000);
    void testApp.runtime.services.engine.events
      .subscribe(runId, () => {
        clearTimeout(timer);
        finish();
      })
      .then((off) => {
        unsubscribe = off;
        if (done) off();
      });
  });
}
