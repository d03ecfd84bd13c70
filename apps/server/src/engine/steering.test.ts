// Steering a run over HTTP while it is paused: editing, reordering, adding and skipping plan tasks, editing
// the spec, answering questions (including the checks on answers) and "skip task" as a chat message.
import { type AgentScript, lastToolResult, reply, requestText, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvents } from "@samokoder/core";
import {
  createProject,
  type EngineTestBed,
  getRun,
  nextEvent,
  readEventStream,
  startEngineTestBed,
  startRun,
  waitForStatus,
} from "./run-helpers.test-support";

describe("steering a run", () => {
  let testApp: TestApp;
  let headers: Record<string, string>;
  let script: AgentScript;

  let bed: EngineTestBed;

  beforeAll(async () => {
    bed = await startEngineTestBed();
    ({ testApp, headers, script } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  async function answer(runId: string, questionId: string | undefined, text: string): Promise<void> {
    const response = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${runId}/answers`,
      headers,
      payload: { questionId, answer: text },
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  it("edits the plan and the spec during the run, iterates on a problem found in review, and skips a task from the chat", async () => {
    const projectId = await createProject(testApp, headers, "A tiny library");
    const workspace = await testApp.runtime.services.workspaces.ensure(projectId);
    await workspace.writeFiles([
      { path: "package.json", content: JSON.stringify({ name: "lib", scripts: { test: "node --test" } }) },
      { path: "lib.js", content: "exports.one = () => 1;\n" },
    ]);
    await workspace.commit({ step: "import", summary: "Import" });

    script.add("spec", reply().toolCall("submit_spec", { title: "Lib", summary: "Numbers", features: ["one()"] }));
    script.add("architect", reply().toolCall("submit_architecture", { templateId: "node-api" }));
    script.add(
      "planner",
      reply().toolCall("submit_plan", {
        tasks: [
          { title: "Task A", description: "a", acceptance: ["a"] },
          { title: "Task B", description: "b", acceptance: ["b"] },
        ],
      }),
    );
    script.add(
      "coder",
      reply().toolCall("ask_user", { question: "Name of the function?", options: ["two", "deux"] }),
      (request) => {
        expect(lastToolResult(request)).toContain("The person answered: deux");
        expect(requestText(request)).toContain("Edited: numbers one to three");
        return reply()
          .toolCall("edit_file", {
            path: "lib.js",
            search: "exports.one = () => 1;",
            replace: "exports.one = () => 1;\nexports.deux = () => 2;",
          })
          .toolCall("complete_task", { summary: "deux()" });
      },
      // The person reports a problem in review: a debugging iteration on the same task.
      (request) => {
        expect(requestText(request)).toContain("The person tried it and reports:\\ndeux should be documented");
        return reply()
          .toolCall("edit_file", { path: "lib.js", search: "exports.deux = () => 2;", replace: "/** Two. */\nexports.deux = () => 2;" })
          .toolCall("complete_task", { summary: "documented deux()" });
      },
      // Task C (added by the person) asks too; the person answers in the chat with "skip task".
      reply().toolCall("ask_user", { question: "Should three be a string?", options: ["no", "yes"] }),
    );
    script.add("documenter", reply().toolCall("complete_task", { summary: "No README needed" }));

    const started = await startRun(testApp, headers, projectId, {});
    // With autonomy "ask" the person approves the written spec and the plan before the run builds on them.
    const specApproval = await waitForStatus(testApp, headers, started.id, ["paused"]);
    expect(specApproval.spec).toContain("# Lib");
    expect(specApproval.pendingQuestion?.question).toContain("The specification is written");
    await answer(started.id, specApproval.pendingQuestion?.id, "Approve");
    const planApproval = await waitForStatus(testApp, headers, started.id, ["paused"]);
    expect(planApproval.pendingQuestion?.question).toContain("The plan has 2 tasks");
    expect(planApproval.plan.map((t) => t.status)).toEqual(["pending", "pending"]);
    await answer(started.id, planApproval.pendingQuestion?.id, "Approve");
    const asked = await waitForStatus(testApp, headers, started.id, ["paused"]);
    const [taskA, taskB] = asked.plan;
    expect(asked.plan.map((t) => t.status)).toEqual(["in_progress", "pending"]);

    // Reorder, rename, add and skip while the run waits.
    const edited = await testApp.app.inject({
      method: "PUT",
      url: `/api/v1/runs/${started.id}/plan`,
      headers,
      payload: {
        tasks: [
          { id: taskA?.id, title: "Task A", description: "a", acceptance: ["a"] },
          { title: "Task C", description: "c", acceptance: ["c"] },
          { id: taskB?.id, title: "Task B renamed", description: "b", acceptance: ["b"], skip: true },
        ],
      },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((edited.json() as { run: { plan: Array<{ title: string; status: string }> } }).run.plan.map((t) => [t.title, t.status])).toEqual(
      [
        ["Task A", "in_progress"],
        ["Task C", "pending"],
        ["Task B renamed", "skipped"],
      ],
    );
    const foreignTask = await testApp.app.inject({
      method: "PUT",
      url: `/api/v1/runs/${started.id}/plan`,
      headers,
      payload: { tasks: [{ id: "00000000-0000-4000-8000-000000000000", title: "x" }] },
    });
    expect(foreignTask.statusCode).toBe(422);

    const spec = await testApp.app.inject({
      method: "PUT",
      url: `/api/v1/runs/${started.id}/spec`,
      headers,
      payload: { spec: "Edited: numbers one to three" },
    });
    expect(spec.statusCode, spec.body).toBe(200);

    const questionId = asked.pendingQuestion?.id;
    const invalid = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${started.id}/answers`,
      headers,
      payload: { questionId: "nope", answer: "x" },
    });
    expect(invalid.statusCode).toBe(422);
    const unknown = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${started.id}/answers`,
      headers,
      payload: { questionId: "00000000-0000-4000-8000-000000000000", answer: "x" },
    });
    expect(unknown.statusCode).toBe(404);
    const answered = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${started.id}/answers`,
      headers,
      payload: { questionId, answer: "deux" },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const twice = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${started.id}/answers`,
      headers,
      payload: { questionId, answer: "deux" },
    });
    expect(twice.statusCode).toBe(409);

    // Task A is verified, then waits for review: accept it from the chat.
    const review = await waitForStatus(testApp, headers, started.id, ["paused"]);
    expect(review.pendingQuestion?.question).toContain('Task "Task A" is implemented and verified');
    const problem = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${started.id}/answers`,
      headers,
      payload: { questionId: review.pendingQuestion?.id, answer: "deux should be documented" },
    });
    expect(problem.statusCode, problem.body).toBe(200);
    const reviewAgain = await waitForStatus(testApp, headers, started.id, ["paused"]);
    expect(reviewAgain.pendingQuestion?.question).toContain('Task "Task A" is implemented and verified');
    await testApp.app.inject({ method: "POST", url: `/api/v1/runs/${started.id}/messages`, headers, payload: { text: "Looks good" } });

    const askedInC = await waitForStatus(testApp, headers, started.id, ["paused"]);
    expect(askedInC.pendingQuestion?.question).toBe("Should three be a string?");
    const skip = await testApp.app.inject({
      method: "POST",
      url: `/api/v1/runs/${started.id}/messages`,
      headers,
      payload: { text: "skip task" },
    });
    expect(skip.statusCode, skip.body).toBe(200);

    const run = await waitForStatus(testApp, headers, started.id, ["completed"]);
    expect(script.errors).toEqual([]);
    expect(run.plan.map((t) => [t.title, t.status])).toEqual([
      ["Task A", "done"],
      ["Task C", "skipped"],
      ["Task B renamed", "skipped"],
    ]);
    expect(run.spec).toBe("Edited: numbers one to three");
    expect(await workspace.readFile("lib.js")).toContain("/** Two. */\nexports.deux");
    const types = (await readEventStream(testApp, headers, run.id)).map((e) => e.type);
    expect(types.filter((t) => t === "plan.updated").length).toBe(2);
    expect(types).toContain("task.skipped");
    expect((await getRun(testApp, headers, run.id)).status).toBe("completed");
  }, 120_000);

  it("cancels a running run: the command in the sandbox is stopped and the run ends as cancelled", async () => {
    const projectId = await createProject(testApp, headers, "Something slow");
    const workspace = await testApp.runtime.services.workspaces.ensure(projectId);
    await workspace.writeFiles([{ path: "package.json", content: JSON.stringify({ name: "slow", scripts: { test: "node --test" } }) }]);
    await workspace.commit({ step: "import", summary: "Import" });
    script.add("spec", reply().toolCall("submit_spec", { title: "Slow", summary: "Slow", features: ["slow"] }));
    script.add("architect", reply().toolCall("submit_architecture", { templateId: "node-api" }));
    script.add("planner", reply().toolCall("submit_plan", { tasks: [{ title: "Wait", description: "w", acceptance: ["w"] }] }));
    script.add("coder", reply().toolCall("run_command", { command: "echo waiting-started; sleep 600" }));

    const started = await startRun(testApp, headers, projectId, { autonomy: "auto" });
    // Wait until the command is running in the sandbox (its first output is an event).
    for (;;) {
      const events = await readEvents(testApp.runtime.db, started.id, 0);
      if (events.some((e) => e.type === "command.output" && JSON.stringify(e.data).includes("waiting-started"))) break;
      await nextEvent(testApp, started.id);
    }
    const cancelled = await testApp.app.inject({ method: "POST", url: `/api/v1/runs/${started.id}/cancel`, headers });
    expect(cancelled.statusCode).toBe(200);
    const run = await waitForStatus(testApp, headers, started.id, ["cancelled"]);
    expect(run.status).toBe("cancelled");
    const types = (await readEventStream(testApp, headers, run.id)).map((e) => e.type);
    expect(types.at(-1)).toBe("run.cancelled");
    // The interrupted command never completed as a tool call.
    expect(types.filter((t) => t === "tool.called").length).toBe(3);
    const again = await testApp.app.inject({ method: "POST", url: `/api/v1/runs/${started.id}/cancel`, headers });
    expect(again.statusCode).toBe(409);
  }, 120_000);
});
