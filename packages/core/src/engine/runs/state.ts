// Owns the shape of a run's durable engine state (runs.state): where the state machine stands between steps.
import type { ModelMessage } from "ai";
import type { LlmToolCall } from "../../llm/types";
import type { ProjectChecks } from "../../workspace/checks";

export type AgentName = "spec" | "architect" | "planner" | "coder" | "documenter";

/** Phases of the state machine; each step moves a run from one to the next (or stays). */
export type Phase = "spec" | "architecture" | "scaffold" | "plan" | "task" | "verify" | "review" | "document" | "finish";

export interface Conversation {
  agent: AgentName;
  messages: ModelMessage[];
  /** Tool calls of the last model turn that have not been executed yet. */
  pendingCalls: LlmToolCall[] | null;
  /** Times the model answered in prose where a tool call was required. */
  reasks: number;
  turns: number;
  /** Tool call id whose result arrives later (ask_user waiting for a person, complete_task waiting for verification). */
  deferredCallId: string | null;
  deferredToolName: string | null;
}

export type Escalation = "fix" | "diagnose" | "rethink" | "rollback" | "ask_user";
export const ESCALATION_ORDER: Escalation[] = ["fix", "diagnose", "rethink", "rollback", "ask_user"];

export interface TaskProgress {
  id: string;
  /** Verification failures so far. */
  attempts: number;
  /** Normalised error signatures of the failures, oldest first (loop detection). */
  signatures: string[];
  escalation: Escalation;
  costUsd: number;
  /** What the person reported in review, driving a debugging iteration. */
  feedback: string | null;
  completionSummary: string | null;
}

export interface Waiting {
  questionId: string;
  /** ask_user: the agent's question; spec/plan: approval before going on; review: a finished task; escalation: a stuck task. */
  purpose: "ask_user" | "review" | "escalation" | "spec" | "plan";
}

export interface RunState {
  phase: Phase;
  conversation: Conversation | null;
  spec: string | null;
  architecture: { templateId: string | null; dependencies: string[]; notes: string } | null;
  checks: ProjectChecks | null;
  /** Rolling summary of earlier work, kept short; replaces old conversation turns. */
  summary: string[];
  task: TaskProgress | null;
  lastCheckpoint: string | null;
  lastGreenCheckpoint: string | null;
  waiting: Waiting | null;
  /** Files touched recently, most recent last (relevance selection). */
  recentFiles: string[];
  /** Hash of the manifests at the last successful install: an unchanged one skips the next install. */
  installedHash?: string | null;
}

export function initialState(kind: "build" | "change"): RunState {
  return {
    phase: kind === "build" ? "spec" : "plan",
    conversation: null,
    spec: null,
    architecture: null,
    checks: null,
    summary: [],
    task: null,
    lastCheckpoint: null,
    lastGreenCheckpoint: null,
    waiting: null,
    recentFiles: [],
  };
}

export function newConversation(agent: AgentName): Conversation {
  return { agent, messages: [], pendingCalls: null, reasks: 0, turns: 0, deferredCallId: null, deferredToolName: null };
}

export function newTaskProgress(id: string): TaskProgress {
  return { id, attempts: 0, signatures: [], escalation: "fix", costUsd: 0, feedback: null, completionSummary: null };
}
