// Owns the pg-boss queue of runs on either database: PostgreSQL directly, PGlite through pg-boss's
// `db.executeSql` adapter (same instance, no socket). A job only says "advance run X"; the run's lease
// decides who actually works on it, so duplicate jobs are harmless.
import type { DatabaseHandle } from "@samokoder/db";
import PgBoss from "pg-boss";

export const RUN_QUEUE = "engine-run";

export interface RunQueue {
  enqueue(runId: string): Promise<void>;
  /** Starts `concurrency` pollers that call `onJob` for each job. */
  work(concurrency: number, onJob: (runId: string) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

function adapterFor(handle: DatabaseHandle): PgBoss.Db {
  const { pglite, pool } = handle;
  if (pglite) {
    return {
      async executeSql(text: string, values?: unknown[]) {
        // PGlite's extended protocol takes one statement; pg-boss sends parameterless multi-statement scripts.
        if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows };
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    };
  }
  if (!pool) throw new Error("database handle has neither PGlite nor a pool");
  return {
    async executeSql(text: string, values?: unknown[]) {
      return { rows: (await pool.query(text, values)).rows };
    },
  };
}

export function createRunQueue(handle: DatabaseHandle, logger: { warn(o: object, m: string): void }): RunQueue {
  let started: Promise<PgBoss> | null = null;
  const workers: string[] = [];

  const boss = () => {
    started ??= (async () => {
      const instance = new PgBoss({ db: adapterFor(handle), schema: "pgboss", supervise: true, schedule: false });
      instance.on("error", (error) => logger.warn({ err: error }, "job queue error"));
      await instance.start();
      // "short" + the run id as singleton key: at most one queued job per run, so the sweeper and repeated
      // wake-ups never pile up duplicates, while a dead worker's still-"active" job does not block the next one.
      await instance.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: "short", retryLimit: 0, expireInSeconds: 6 * 3600 });
      return instance;
    })();
    return started;
  };

  return {
    async enqueue(runId) {
      const instance = await boss();
      await instance.send(RUN_QUEUE, { runId }, { singletonKey: runId, retryLimit: 0, expireInSeconds: 6 * 3600 });
      // In-process workers pick the job up now instead of at their next poll.
      for (const id of workers) instance.notifyWorker(id);
    },
    async work(concurrency, onJob) {
      const instance = await boss();
      // On PGlite every job is sent from this process, which wakes its pollers at once (notifyWorker), and each
      // poll runs on the main thread: poll rarely. On PostgreSQL other processes send jobs: poll often.
      const pollingIntervalSeconds = handle.pglite ? 5 : 0.5;
      for (let i = 0; i < concurrency; i++) {
        const id = await instance.work<{ runId: string }>(RUN_QUEUE, { batchSize: 1, pollingIntervalSeconds }, async (jobs) => {
          for (const job of jobs) await onJob(job.data.runId);
        });
        workers.push(id);
      }
    },
    async stop() {
      if (!started) return;
      const instance = await started;
      started = null;
      await instance.stop({ graceful: false, close: false, wait: true, timeout: 2_000 }).catch(() => {});
    },
  };
}
