// Owns the engine's API-facing operations: start, read, cancel, answer, message and re-plan runs, all
// scoped to the owner (someone else's run is "not found"), each a short transaction plus a wake-up.
import type { SqlRunner } from "@samokoder/db";
import type { NewRunEvent, Run } from "@samokoder/schema";
import { AppError, conflict, notFound } from "../errors/index";
import { detectChecks } from "../workspace/checks";
import { appendEvents } from "./events/event-log";
import { listTasks } from "./machine/tasks";
import type { EngineDeps } from "./ports";
import { findRun, insertRun, lockRun, type RunRecord, toRunRecord } from "./runs/run-store";
import { presentRun, runSummary } from "./runs/run-view";
import { initialState, type RunState } from "./runs/state";
import { isUuid } from "../ids";

export interface StartRunInput {
  instruction?: string | undefined;
  autonomy: "ask" | "auto";
  /** Forces a change request on a project without a completed run (its code was imported, e.g. `generate --from`). */
  kind?: "build" | "change";
}

export interface PlanEdit {
  id?: string | undefined;
  title: string;
  description: string;
  acceptance: string[];
  skip?: boolean | undefined;
}

export interface RunsService {
  start(ownerId: string, projectId: string, input: StartRunInput): Promise<Run>;
  get(ownerId: string, runId: string): Promise<Run>;
  list(ownerId: string, projectId: string): Promise<Array<Omit<Run, "plan" | "steps">>>;
  cancel(ownerId: string, runId: string): Promise<Run>;
  answer(ownerId: string, runId: string, questionId: string, answer: string): Promise<Run>;
  message(ownerId: string, runId: string, text: string): Promise<Run>;
  updatePlan(ownerId: string, runId: string, tasks: PlanEdit[]): Promise<Run>;
  updateSpec(ownerId: string, runId: string, spec: string): Promise<Run>;
  /** The owner's run record (404 otherwise); used by the event stream. */
  owned(ownerId: string, runId: string): Promise<RunRecord>;
}

const ACTIVE = new Set(["queued", "running", "paused"]);

export function createRunsService(deps: EngineDeps): RunsService {
  const { db } = deps;

  async function owned(ownerId: string, runId: string): Promise<RunRecord> {
    if (!isUuid(runId)) throw notFound("Run");
    const run = await findRun(db, runId);
    if (!run || run.ownerId !== ownerId) throw notFound("Run");
    return run;
  }

  async function present(runId: string): Promise<Run> {
    const run = await findRun(db, runId);
    if (!run) throw notFound("Run");
    return presentRun(db, run);
  }

  /** Locks the owner's active run for a change; 409 when it already finished. */
  async function withActiveRun<T>(ownerId: string, runId: string, fn: (tx: SqlRunner, run: RunRecord) => Promise<T>): Promise<T> {
    await owned(ownerId, runId);
    return db.transaction(async (tx) => {
      const run = await lockRun(tx, runId);
      if (!run) throw notFound("Run");
      if (!ACTIVE.has(run.status)) throw conflict("conflict", `The run is ${run.status}`);
      return fn(tx, run);
    });
  }

  async function wake(runId: string): Promise<void> {
    await deps.scheduler().enqueue(runId);
  }

  async function resumeIfWaitingOn(tx: SqlRunner, run: RunRecord, events: NewRunEvent[]): Promise<boolean> {
    if (run.status !== "paused") return false;
    await tx.query("UPDATE runs SET status = 'queued', updated_at = now() WHERE id = $1", [run.id]);
    events.push({ type: "run.resumed", data: {} });
    return true;
  }

  return {
    owned,

    async start(ownerId, projectId, input) {
      if (!isUuid(projectId)) throw notFound("Project");
      const [project] = await db.query<{ owner_id: string }>("SELECT owner_id FROM projects WHERE id = $1", [projectId]);
      if (!project || project.owner_id !== ownerId) throw notFound("Project");
      const [previous] = await db.query<{ state: RunState }>(
        "SELECT state FROM runs WHERE project_id = $1 AND status = 'completed' ORDER BY created_at DESC LIMIT 1",
        [projectId],
      );
      const kind = input.instruction && (previous || input.kind === "change") ? "change" : "build";
      const state = initialState(kind);
      if (kind === "change" && !previous) {
        state.checks = await detectChecks(deps.workspaces().dirOf(projectId));
        const workspace = await deps.workspaces().ensure(projectId);
        state.lastCheckpoint = await workspace.head();
        state.lastGreenCheckpoint = state.lastCheckpoint;
      }
      if (kind === "change" && previous) {
        state.spec = previous.state.spec;
        state.architecture = previous.state.architecture;
        state.checks = previous.state.checks ?? (await detectChecks(deps.workspaces().dirOf(projectId)));
        state.lastCheckpoint = previous.state.lastCheckpoint;
        state.lastGreenCheckpoint = previous.state.lastGreenCheckpoint;
        state.installedHash = previous.state.installedHash ?? null;
      }
      const run = await insertRun(db, {
        projectId,
        ownerId,
        kind,
        instruction: input.instruction ?? null,
        autonomy: input.autonomy,
        model: null,
        state,
      });
      await db.query("UPDATE projects SET status = 'generating', updated_at = now() WHERE id = $1", [projectId]);
      await wake(run.id);
      return present(run.id);
    },

    async get(ownerId, runId) {
      return presentRun(db, await owned(ownerId, runId));
    },

    async list(ownerId, projectId) {
      if (!isUuid(projectId)) throw notFound("Project");
      const rows = await db.query<Parameters<typeof toRunRecord>[0]>(
        "SELECT r.* FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.project_id = $1 AND p.owner_id = $2 ORDER BY r.created_at DESC LIMIT 100",
        [projectId, ownerId],
      );
      return rows.map((row) => runSummary(toRunRecord(row)));
    },

    async cancel(ownerId, runId) {
      const running = await withActiveRun(ownerId, runId, async (tx, run) => {
        if (run.status === "running") {
          await tx.query("UPDATE runs SET cancel_requested = true, updated_at = now() WHERE id = $1", [runId]);
          return true;
        }
        await tx.query(
          "UPDATE runs SET status = 'cancelled', cancel_requested = true, finished_at = now(), updated_at = now() WHERE id = $1",
          [runId],
        );
        await appendEvents(tx, runId, [{ type: "run.cancelled", data: {} }]);
        return false;
      });
      if (running) await wake(runId);
      return present(runId);
    },

    async answer(ownerId, runId, questionId, answer) {
      const resumed = await withActiveRun(ownerId, runId, async (tx, run) => {
        const [question] = await tx.query<{ answer: string | null }>(
          "SELECT answer FROM run_questions WHERE id = $1 AND run_id = $2 FOR UPDATE",
          [questionId, runId],
        );
        if (!question) throw notFound("Question");
        if (question.answer !== null) throw conflict("conflict", "This question has already been answered");
        await tx.query("UPDATE run_questions SET answer = $2, answered_by = 'user', answered_at = now() WHERE id = $1", [
          questionId,
          answer,
        ]);
        const events: NewRunEvent[] = [{ type: "question.answered", data: { questionId, answer, by: "user" } }];
        const waitingOnThis = run.state.waiting?.questionId === questionId;
        const resumed = waitingOnThis && (await resumeIfWaitingOn(tx, run, events));
        await appendEvents(tx, runId, events);
        return resumed;
      });
      if (resumed) await wake(runId);
      return present(runId);
    },

    async message(ownerId, runId, text) {
      // A message to a run that waits for an answer is that answer (a chat box answers the pending question).
      const run = await owned(ownerId, runId);
      if (run.status === "paused" && run.state.waiting) return this.answer(ownerId, runId, run.state.waiting.questionId, text);
      await withActiveRun(ownerId, runId, async (tx) => {
        await tx.query("INSERT INTO run_messages (run_id, kind, text) VALUES ($1, 'message', $2)", [runId, text]);
        await appendEvents(tx, runId, [{ type: "message.received", data: { text } }]);
      });
      await wake(runId);
      return present(runId);
    },

    async updatePlan(ownerId, runId, edits) {
      await withActiveRun(ownerId, runId, async (tx) => {
        const existing = await listTasks(tx, runId);
        const byId = new Map(existing.map((t) => [t.id, t]));
        for (const edit of edits) {
          if (edit.id && !byId.has(edit.id)) throw new AppError("validation_failed", 422, `Task ${edit.id} is not part of this plan`);
        }
        const kept = new Set(edits.map((e) => e.id).filter((id): id is string => Boolean(id)));
        let position = 0;
        for (const edit of edits) {
          position += 1;
          const current = edit.id ? byId.get(edit.id) : undefined;
          const finished = current && (current.status === "done" || current.status === "failed");
          const status = finished
            ? current.status
            : edit.skip
              ? "skipped"
              : current?.status === "skipped"
                ? "pending"
                : (current?.status ?? "pending");
          if (current) {
            await tx.query(
              "UPDATE run_tasks SET position = $2, title = $3, description = $4, acceptance = $5::jsonb, status = $6, updated_at = now() WHERE id = $1",
              [current.id, position, edit.title, edit.description, JSON.stringify(edit.acceptance), status],
            );
          } else {
            await tx.query(
              "INSERT INTO run_tasks (run_id, position, title, description, acceptance, status) VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
              [runId, position, edit.title, edit.description, JSON.stringify(edit.acceptance), edit.skip ? "skipped" : "pending"],
            );
          }
        }
        for (const task of existing) {
          if (kept.has(task.id) || task.status === "done" || task.status === "failed") continue;
          position += 1;
          await tx.query("UPDATE run_tasks SET status = 'skipped', position = $2, updated_at = now() WHERE id = $1", [task.id, position]);
        }
        const tasks = await listTasks(tx, runId);
        await appendEvents(tx, runId, [
          { type: "plan.updated", data: { tasks: tasks.map((t) => ({ id: t.id, title: t.title, status: t.status })) } },
        ]);
      });
      return present(runId);
    },

    async updateSpec(ownerId, runId, spec) {
      await withActiveRun(ownerId, runId, async (tx) => {
        await tx.query("INSERT INTO run_messages (run_id, kind, text) VALUES ($1, 'spec', $2)", [runId, spec]);
        await appendEvents(tx, runId, [{ type: "message.received", data: { text: "(specification edited)" } }]);
      });
      await wake(runId);
      return present(runId);
    },
  };
}
