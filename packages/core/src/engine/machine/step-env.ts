// Owns what one step accumulates before its commit: events, usage, timings, extra writes and the next state.
import type { SqlRunner } from "@samokoder/db";
import type { NewRunEvent } from "@samokoder/schema";
import type { Workspace } from "../../workspace/types";
import type { EngineDeps } from "../ports";
import type { RunRecord, RunStatus, StepRecord } from "../runs/run-store";
import type { RunState } from "../runs/state";
import type { StreamBatcher } from "./stream-batcher";

export interface StepEnv {
  deps: EngineDeps;
  run: RunRecord;
  workspace: Workspace;
  signal: AbortSignal;
  stream: StreamBatcher;
}

/** The result of executing one step, ready to be committed atomically. */
export interface StepOutcome {
  kind: string;
  runId: string;
  autonomy: "ask" | "auto";
  state: RunState;
  status: RunStatus;
  currentTaskId: string | null;
  events: NewRunEvent[];
  applies: Array<(tx: SqlRunner) => Promise<void>>;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  modelMs: number;
  commandMs: number;
  checkpoint: string | null;
  result: Record<string, unknown>;
  error: string | null;
}

export function newOutcome(kind: string, run: RunRecord): StepOutcome {
  return {
    kind,
    runId: run.id,
    autonomy: run.autonomy,
    state: structuredClone(run.state),
    status: "running",
    currentTaskId: run.currentTaskId,
    events: [],
    applies: [],
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    modelMs: 0,
    commandMs: 0,
    checkpoint: null,
    result: {},
    error: null,
  };
}

export function toStepRecord(outcome: StepOutcome, durationMs: number): StepRecord {
  return {
    stage: outcome.state.phase,
    kind: outcome.kind,
    taskId: outcome.currentTaskId,
    result: outcome.result,
    inputTokens: outcome.usage.inputTokens,
    outputTokens: outcome.usage.outputTokens,
    costUsd: outcome.usage.costUsd,
    durationMs,
    modelMs: outcome.modelMs,
    commandMs: outcome.commandMs,
    checkpoint: outcome.checkpoint,
  };
}

/** Adds a line to the rolling summary, keeping it short. */
export function remember(state: RunState, line: string): void {
  state.summary.push(line.length > 300 ? `${line.slice(0, 297)}…` : line);
  if (state.summary.length > 40) state.summary.splice(0, state.summary.length - 40);
}

export function touch(state: RunState, path: string): void {
  state.recentFiles = [...state.recentFiles.filter((p) => p !== path), path].slice(-20);
}
