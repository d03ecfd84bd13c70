// The person's chat messages, applied at a step boundary: "skip task", "I'm stuck", spec edits and free text.
import { createTestDatabase, type TestDatabase } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ENGINE_SETTINGS, type EngineDeps } from "../ports";
import { findRun, type RunRecord } from "../runs/run-store";
import { initialState, newConversation, newTaskProgress } from "../runs/state";
import { messagesStep } from "./interactions";
import type { StepEnv } from "./step-env";

describe("messages to a running run", () => {
  let database: TestDatabase;
  let run: RunRecord;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    const db = database.handle;
    const [user] = await db.query<{ id: string }>("INSERT INTO users (email, password_hash) VALUES ('m@example.test', 'x') RETURNING id");
    const [project] = await db.query<{ id: string }>("INSERT INTO projects (owner_id, name) VALUES ($1, 'p') RETURNING id", [user?.id]);
    const state = initialState("build");
    state.phase = "task";
    state.task = newTaskProgress("00000000-0000-4000-8000-000000000001");
    state.conversation = newConversation("coder");
    state.conversation.messages.push({ role: "user", content: "Implement the task." });
    const [row] = await db.query<{ id: string }>(
      "INSERT INTO runs (project_id, owner_id, kind, status, state) VALUES ($1, $2, 'build', 'running', $3::jsonb) RETURNING id",
      [project?.id, user?.id, JSON.stringify(state)],
    );
    const found = await findRun(db, row?.id ?? "");
    if (!found) throw new Error("run not created");
    run = found;
  });

  afterAll(async () => {
    await database?.drop();
  });

  function env(): StepEnv {
    const deps = { db: database.handle, settings: DEFAULT_ENGINE_SETTINGS } as unknown as EngineDeps;
    return { deps, run, workspace: undefined as never, signal: new AbortController().signal, stream: undefined as never };
  }

  async function send(kind: "message" | "spec", text: string): Promise<void> {
    await database.handle.query("INSERT INTO run_messages (run_id, kind, text) VALUES ($1, $2, $3)", [run.id, kind, text]);
  }

  it("is nothing to do when there are no unread messages", async () => {
    expect(await messagesStep(env(), database.handle)).toBeNull();
  });

  it('turns "I\'m stuck" into a different approach, free text into a message to the agent, and applies a spec edit', async () => {
    await send("message", "I'm stuck, this keeps failing");
    await send("message", "Use a Map instead of an array");
    await send("spec", "New spec");
    const outcome = await messagesStep(env(), database.handle);
    expect(outcome?.state.task?.escalation).toBe("rethink");
    const texts = outcome?.state.conversation?.messages.map((m) => String(m.content)) ?? [];
    expect(texts.some((t) => t.includes("take a different approach"))).toBe(true);
    expect(texts).toContain("Message from the person: Use a Map instead of an array");
    expect(outcome?.state.spec).toBe("New spec");
    expect(outcome?.state.summary).toEqual(
      expect.arrayContaining(["The person said they are stuck", "The person edited the specification"]),
    );
    // Applying the step marks the messages read.
    for (const apply of outcome?.applies ?? []) await apply(database.handle);
    expect(await messagesStep(env(), database.handle)).toBeNull();
  });

  it('skips the current task on "skip task"', async () => {
    await send("message", "skip task");
    const outcome = await messagesStep(env(), database.handle);
    expect(outcome?.state.task).toBeNull();
    expect(outcome?.state.conversation).toBeNull();
    expect(outcome?.events).toEqual([
      { type: "task.skipped", data: { taskId: "00000000-0000-4000-8000-000000000001", reason: "the person asked to skip it" } },
    ]);
  });
});
