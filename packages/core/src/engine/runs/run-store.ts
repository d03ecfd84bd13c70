// Owns the SQL of runs: creation (one active run per project), reads, leases, and the step commit that
// persists a step's result, the new state and its events in one transaction.
import type { DatabaseHandle, SqlRunner } from "@samokoder/db";
import type { NewRunEvent } from "@samokoder/schema";
import { AppError, conflict } from "../../errors/index";
import { appendEvents } from "../events/event-log";
import type { RunState } from "./state";

export type RunStatus = "queued" | "running" | "paused" | "completed" | "failed" | "cancelled";
export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running", "paused"];

export interface RunRecord {
  id: string;
  projectId: string;
  ownerId: string;
  kind: "build" | "change";
  instruction: string | null;
  autonomy: "ask" | "auto";
  model: string | null;
  status: RunStatus;
  stage: string;
  stepSeq: number;
  state: RunState;
  currentTaskId: string | null;
  error: string | null;
  leaseOwner: string | null;
  cancelRequested: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

interface RunRow {
  id: string;
  project_id: string;
  owner_id: string;
  kind: "build" | "change";
  instruction: string | null;
  autonomy: "ask" | "auto";
  model: string | null;
  status: RunStatus;
  stage: string;
  step_seq: number;
  state: RunState;
  current_task_id: string | null;
  error: string | null;
  lease_owner: string | null;
  cancel_requested: boolean;
  input_tokens: string | number;
  output_tokens: string | number;
  cost_usd: number;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    ownerId: row.owner_id,
    kind: row.kind,
    instruction: row.instruction,
    autonomy: row.autonomy,
    model: row.model,
    status: row.status,
    stage: row.stage,
    stepSeq: Number(row.step_seq),
    state: row.state,
    currentTaskId: row.current_task_id,
    error: row.error,
    leaseOwner: row.lease_owner,
    cancelRequested: row.cancel_requested,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: Number(row.cost_usd),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: row.finished_at ? new Date(row.finished_at) : null,
  };
}

const UNIQUE_VIOLATION = "23505";

export interface NewRun {
  projectId: string;
  ownerId: string;
  kind: "build" | "change";
  instruction: string | null;
  autonomy: "ask" | "auto";
  model: string | null;
  state: RunState;
}

export async function insertRun(db: DatabaseHandle, run: NewRun): Promise<RunRecord> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.query<RunRow>(
        `INSERT INTO runs (project_id, owner_id, kind, instruction, autonomy, model, stage, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING *`,
        [run.projectId, run.ownerId, run.kind, run.instruction, run.autonomy, run.model, run.state.phase, JSON.stringify(run.state)],
      );
      if (!row) throw new Error("insert returned no row");
      await appendEvents(tx, row.id, [
        { type: "run.started", data: { kind: run.kind, instruction: run.instruction, autonomy: run.autonomy } },
      ]);
      return toRunRecord(row);
    });
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw conflict("run_active", "This project already has an active run; cancel it or wait for it to finish");
    }
    throw error;
  }
}

export async function findRun(db: SqlRunner, runId: string): Promise<RunRecord | null> {
  const [row] = await db.query<RunRow>("SELECT * FROM runs WHERE id = $1", [runId]);
  return row ? toRunRecord(row) : null;
}

export async function lockRun(tx: SqlRunner, runId: string): Promise<RunRecord | null> {
  const [row] = await tx.query<RunRow>("SELECT * FROM runs WHERE id = $1 FOR UPDATE", [runId]);
  return row ? toRunRecord(row) : null;
}

/** Claims (or re-claims) a run for `worker` when nobody else holds a live lease. */
export async function claimLease(db: SqlRunner, runId: string, worker: string, seconds: number): Promise<RunRecord | null> {
  const [row] = await db.query<RunRow>(
    `UPDATE runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3), status = 'running', updated_at = now()
     WHERE id = $1 AND status IN ('queued', 'running')
       AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
     RETURNING *`,
    [runId, worker, seconds],
  );
  return row ? toRunRecord(row) : null;
}

/** Extends the lease; false when it was lost (expired and taken, or the run left the running state). */
export async function renewLease(db: SqlRunner, runId: string, worker: string, seconds: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE runs SET lease_expires_at = now() + make_interval(secs => $3)
     WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id`,
    [runId, worker, seconds],
  );
  return rows.length > 0;
}

export async function releaseLease(db: SqlRunner, runId: string, worker: string): Promise<void> {
  await db.query("UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2", [runId, worker]);
}

/**
 * Runs that should be progressing but nobody works on: a running run whose lease expired (its worker died),
 * or a queued run that has waited longer than a lease (its job was lost).
 */
export async function orphanedRuns(db: SqlRunner, leaseSeconds: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM runs
     WHERE (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now()))
        OR (status = 'queued' AND lease_owner IS NULL AND updated_at < now() - make_interval(secs => $1))
     ORDER BY updated_at LIMIT 100`,
    [leaseSeconds],
  );
  return rows.map((r) => r.id);
}

export interface StepRecord {
  stage: string;
  kind: string;
  taskId: string | null;
  result: Record<string, unknown>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number;
  modelMs: number;
  commandMs: number;
  checkpoint: string | null;
}

export interface StepCommit {
  run: RunRecord;
  worker: string;
  step: StepRecord;
  state: RunState;
  status: RunStatus;
  currentTaskId: string | null;
  error?: string | null;
  events: NewRunEvent[];
  /** Extra writes of this step (tasks, questions, messages) in the same transaction. */
  apply?: (tx: SqlRunner) => Promise<void>;
}

/**
 * Persists one completed step. Idempotent per (run, seq): if another worker already committed this step, or
 * this worker's lease is gone, nothing is written and a `lease_lost` error tells the caller to stop.
 */
export async function commitStep(db: DatabaseHandle, commit: StepCommit): Promise<RunRecord> {
  return db.transaction(async (tx) => {
    const current = await lockRun(tx, commit.run.id);
    if (!current || current.leaseOwner !== commit.worker || current.stepSeq !== commit.run.stepSeq) {
      throw new AppError("conflict", 409, "lease_lost");
    }
    const seq = current.stepSeq + 1;
    const { step } = commit;
    await tx.query(
      `INSERT INTO run_steps (run_id, seq, stage, kind, task_id, result, input_tokens, output_tokens, cost_usd, duration_ms, model_ms, command_ms, checkpoint, worker)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        current.id,
        seq,
        step.stage,
        step.kind,
        step.taskId,
        JSON.stringify(step.result),
        step.inputTokens,
        step.outputTokens,
        step.costUsd,
        Math.round(step.durationMs),
        Math.round(step.modelMs),
        Math.round(step.commandMs),
        step.checkpoint,
        commit.worker,
      ],
    );
    if (commit.apply) await commit.apply(tx);
    const finished = commit.status === "completed" || commit.status === "failed" || commit.status === "cancelled";
    const [row] = await tx.query<RunRow>(
      `UPDATE runs SET step_seq = $2, state = $3::jsonb, stage = $4, status = $5, current_task_id = $6,
         error = COALESCE($7, error), input_tokens = input_tokens + $8, output_tokens = output_tokens + $9,
         cost_usd = cost_usd + $10, updated_at = now(), finished_at = CASE WHEN $11 THEN now() ELSE finished_at END,
         lease_owner = CASE WHEN $5 = 'running' THEN lease_owner ELSE NULL END,
         lease_expires_at = CASE WHEN $5 = 'running' THEN lease_expires_at ELSE NULL END
       WHERE id = $1 RETURNING *`,
      [
        current.id,
        seq,
        JSON.stringify(commit.state),
        commit.state.phase,
        commit.status,
        commit.currentTaskId,
        commit.error ?? null,
        step.inputTokens,
        step.outputTokens,
        step.costUsd,
        finished,
      ],
    );
    if (commit.status === "failed") {
      await tx.query("UPDATE projects SET status = 'error', updated_at = now() WHERE id = $1", [current.projectId]);
    }
    await appendEvents(tx, current.id, commit.events);
    if (!row) throw new Error("run vanished during commit");
    return toRunRecord(row);
  });
}
