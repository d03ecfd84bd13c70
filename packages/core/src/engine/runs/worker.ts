// Owns executing runs: claim a run's lease, perform and commit steps one at a time while heartbeating,
// and stop at a pause, the end, a cancel, or a lost lease. A worker killed at any point leaves the lease to
// expire; the next worker restores the workspace to the last committed checkpoint and redoes only the
// interrupted step.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { pid } from "node:process";
import { AppError } from "../../errors/index";
import { advance } from "../machine/advance";
import { type StepEnv, type StepOutcome, toStepRecord } from "../machine/step-env";
import { createStreamBatcher } from "../machine/stream-batcher";
import type { EngineDeps } from "../ports";
import { claimLease, commitStep, findRun, releaseLease, renewLease, type RunRecord } from "./run-store";

export interface RunWorker {
  readonly id: string;
  /** Advances one run as far as it can go now; safe to call for any run id, any number of times. */
  process(runId: string): Promise<void>;
  /** Aborts in-flight steps (their work is redone by whoever resumes the run) and waits for them to unwind. */
  stop(): Promise<void>;
}

const isLeaseLost = (error: unknown) => AppError.isInstance(error) && error.message === "lease_lost";

function errorStep(run: RunRecord, message: string, error: unknown) {
  // The detail stays in run_steps for operators; the run shows only the safe message.
  const detail = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 1_000) : String(error).slice(0, 1_000);
  return {
    stage: run.stage,
    kind: "error",
    taskId: run.currentTaskId,
    result: { error: message, detail },
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    durationMs: 0,
    modelMs: 0,
    commandMs: 0,
    checkpoint: null,
  };
}

export function createRunWorker(deps: EngineDeps, id = `${hostname()}:${pid}:${randomUUID().slice(0, 8)}`): RunWorker {
  const inFlight = new Set<AbortController>();
  const active = new Set<Promise<void>>();
  const looping = new Map<string, { again: boolean; done: Promise<void> }>();
  let stopping = false;

  async function commit(run: RunRecord, outcome: StepOutcome, durationMs: number): Promise<RunRecord> {
    return commitStep(deps.db, {
      run,
      worker: id,
      step: toStepRecord(outcome, durationMs),
      state: outcome.state,
      status: outcome.status,
      currentTaskId: outcome.currentTaskId,
      error: outcome.error,
      events: outcome.events,
      apply: async (tx) => {
        for (const apply of outcome.applies) await apply(tx);
      },
    });
  }

  /** Runs one step under a controller that the heartbeat aborts on cancel or a lost lease. */
  async function step(run: RunRecord, env: Omit<StepEnv, "signal" | "stream" | "run">): Promise<RunRecord | null> {
    const controller = new AbortController();
    inFlight.add(controller);
    const heartbeat = setInterval(
      () => {
        void (async () => {
          const held = await renewLease(deps.db, run.id, id, deps.settings.leaseSeconds);
          if (!held) controller.abort(new Error("lease lost"));
          else if ((await findRun(deps.db, run.id))?.cancelRequested) controller.abort(new Error("cancelled"));
        })().catch(() => {});
      },
      Math.max(200, (deps.settings.leaseSeconds * 1000) / 3),
    );
    const stream = createStreamBatcher(deps.db, run.id);
    const started = performance.now();
    try {
      const outcome = await advance({ ...env, run, signal: controller.signal, stream });
      await stream.flush();
      if (controller.signal.aborted) return findRun(deps.db, run.id);
      const durationMs = performance.now() - started;
      const committed = await commit(run, outcome, durationMs);
      deps.observe?.step(outcome.kind, durationMs, Math.max(0, durationMs - outcome.modelMs - outcome.commandMs));
      if (outcome.status === "completed" || outcome.status === "failed" || outcome.status === "cancelled")
        deps.observe?.runFinished(outcome.status);
      return committed;
    } catch (error) {
      await stream.flush();
      if (isLeaseLost(error)) return null;
      if (controller.signal.aborted) return findRun(deps.db, run.id);
      const message = AppError.isInstance(error) ? error.message : "internal error while executing a step";
      deps.logger.error({ err: error, runId: run.id }, "run step failed");
      return commitStep(deps.db, {
        run,
        worker: id,
        step: errorStep(run, message, error),
        state: run.state,
        status: "failed",
        currentTaskId: run.currentTaskId,
        error: message,
        events: [{ type: "run.failed", data: { error: message } }],
      }).catch((commitError) => {
        if (isLeaseLost(commitError)) return null;
        throw commitError;
      });
    } finally {
      clearInterval(heartbeat);
      inFlight.delete(controller);
    }
  }

  async function processRun(runId: string): Promise<void> {
    if (stopping) return;
    const before = await findRun(deps.db, runId);
    if (!before || !["queued", "running"].includes(before.status)) return;
    // "running" without our lease: the previous worker stopped (killed, or shut down mid-step and released it).
    const resuming = before.status === "running" && before.leaseOwner !== id;
    let run: RunRecord | null = await claimLease(deps.db, runId, id, deps.settings.leaseSeconds);
    if (!run) return;
    try {
      const workspace = await deps.workspaces().ensure(run.projectId);
      if (resuming && run.state.lastCheckpoint) {
        // The dead worker's partial step may have touched files: continue from the last committed step.
        await workspace.restore(run.state.lastCheckpoint, { runId, step: "resume", summary: "Resume after an interrupted step" });
        deps.logger.info({ runId, worker: id }, "resumed a run after its worker stopped");
      }
      while (run && run.status === "running" && !stopping) {
        run = await step(run, { deps, workspace });
        if (run && run.leaseOwner !== id && run.status === "running") break;
      }
    } finally {
      await releaseLease(deps.db, runId, id).catch(() => {});
    }
  }

  return {
    id,
    process(runId) {
      // One loop per run in this worker: a duplicate job (sweeper, wake-up) while the loop runs only asks it
      // to look again when it ends, instead of advancing the same run twice in parallel.
      const current = looping.get(runId);
      if (current) {
        current.again = true;
        return current.done;
      }
      const entry = { again: false, done: Promise.resolve() };
      entry.done = (async () => {
        try {
          do {
            entry.again = false;
            await processRun(runId);
          } while (entry.again && !stopping);
        } finally {
          looping.delete(runId);
        }
      })();
      looping.set(runId, entry);
      const work = entry.done.finally(() => active.delete(work));
      active.add(work);
      return work;
    },
    async stop() {
      stopping = true;
      for (const controller of inFlight) controller.abort(new Error("worker stopping"));
      await Promise.allSettled([...active]);
    },
  };
}
