// Owns what the engine needs from its neighbours (gateway, sandbox, workspaces, scheduler), as narrow interfaces
// so that apps/server can wire the real capabilities in and the engine never knows their implementation.
import type { DatabaseHandle } from "@samokoder/db";
import type { Clock } from "../clock";
import type { LlmGateway } from "../llm/types";
import type { Sandbox } from "../sandbox/types";
import type { WorkspaceStore } from "../workspace/types";

/** Hands a run to some worker; idempotent (duplicates are harmless: the lease decides). */
export interface RunScheduler {
  enqueue(runId: string): Promise<void>;
}

export interface EngineLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export interface EngineSettings {
  /** Input-token budget of one model request (context control). */
  inputTokenBudget: number;
  /** How long a worker's claim on a run lasts without a heartbeat. */
  leaseSeconds: number;
  /** Verification failures allowed per task before the user is asked. */
  taskAttemptBudget: number;
  /** Model spend allowed per task before the user is asked. */
  taskCostBudgetUsd: number;
  /** Ceiling for one sandboxed command. */
  commandTimeoutSeconds: number;
  /** Model turns allowed per agent conversation before the step fails. */
  maxTurnsPerConversation: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  inputTokenBudget: 24_000,
  leaseSeconds: 30,
  taskAttemptBudget: 6,
  taskCostBudgetUsd: 2,
  commandTimeoutSeconds: 300,
  maxTurnsPerConversation: 40,
};

/** Optional measurements (Prometheus in apps/server). */
export interface EngineObserver {
  step(kind: string, durationMs: number, overheadMs: number): void;
  runFinished(status: "completed" | "failed" | "cancelled"): void;
}

export interface EngineDeps {
  db: DatabaseHandle;
  /** Lazily resolved: the gateway, sandbox and workspaces are composed beside the engine. */
  llm: () => LlmGateway;
  sandbox: () => Sandbox;
  workspaces: () => WorkspaceStore;
  scheduler: () => RunScheduler;
  clock: Clock;
  logger: EngineLogger;
  settings: EngineSettings;
  observe?: EngineObserver;
}
