// Owns composing the generation engine for one process: the runs service (API), the event hub (SSE), the
// pg-boss queue and, in the worker role, the run worker plus the sweeper that re-queues orphaned runs.
import {
  createEventHub,
  createRunsService,
  createRunWorker,
  type EngineDeps,
  type EventHub,
  orphanedRuns,
  type RunsService,
  type RunWorker,
} from "@samokoder/core";
import type { Runtime } from "../runtime";
import { createEngineMetrics } from "./engine-metrics";
import { createRunQueue } from "./run-queue";

export interface EngineService {
  runs: RunsService;
  events: EventHub;
  /** Starts executing runs in this process (the worker role). */
  startWorker(): Promise<RunWorker>;
  close(): Promise<void>;
}

export function createEngineService(runtime: Omit<Runtime, "services">): EngineService {
  const queue = createRunQueue(runtime.db, runtime.logger);
  // The gateway, sandbox and workspaces are composed beside the engine; resolve them when first used.
  const services = () => (runtime as Runtime).services;
  const { engine } = runtime.config;
  const deps: EngineDeps = {
    db: runtime.db,
    llm: () => services().llm,
    sandbox: () => services().sandbox,
    workspaces: () => services().workspaces,
    scheduler: () => ({ enqueue: (runId) => queue.enqueue(runId) }),
    clock: runtime.clock,
    logger: runtime.logger,
    settings: {
      inputTokenBudget: engine.inputTokenBudget,
      leaseSeconds: engine.leaseSeconds,
      taskAttemptBudget: engine.taskAttemptBudget,
      taskCostBudgetUsd: engine.taskCostBudgetUsd,
      commandTimeoutSeconds: engine.commandTimeoutSeconds,
      maxTurnsPerConversation: 40,
    },
    observe: createEngineMetrics(runtime.metrics.registry),
  };
  const events = createEventHub(runtime.db);
  let worker: RunWorker | null = null;
  let sweeper: NodeJS.Timeout | null = null;

  const service: EngineService = {
    runs: createRunsService(deps),
    events,
    async startWorker() {
      if (worker) return worker;
      const created = createRunWorker(deps);
      worker = created;
      await queue.work(engine.concurrency, (runId) => created.process(runId));
      const sweep = async () => {
        for (const runId of await orphanedRuns(runtime.db, engine.leaseSeconds)) await queue.enqueue(runId);
      };
      // Right away (a restarted worker picks up what its predecessor left), then every half lease.
      await sweep().catch((error) => runtime.logger.warn({ err: error }, "run sweep failed"));
      sweeper = setInterval(() => void sweep().catch(() => {}), (engine.leaseSeconds * 1000) / 2);
      runtime.logger.info({ worker: created.id, concurrency: engine.concurrency }, "run worker started");
      return created;
    },
    async close() {
      if (sweeper) clearInterval(sweeper);
      await worker?.stop();
      await queue.stop();
      await events.close();
    },
  };
  runtime.onClose(() => service.close());
  return service;
}
