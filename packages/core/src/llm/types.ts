// Owns the contract between the LLM gateway and its callers (the engine's agents).
// The gateway implements it; agents only see this interface.
import type { ModelMessage } from "ai";
import type { z } from "zod";

/** Agent roles that choose a model independently (routing: project → user → operator default). */
export const AGENT_ROLES = ["spec", "architect", "planner", "coder", "reviewer", "debugger", "summariser", "documenter"] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

/** Who pays and where the ledger row goes. */
export interface LlmCallContext {
  userId: string;
  projectId?: string | null;
  runId?: string | null;
  role: AgentRole;
  /** Cancels the HTTP call to the provider. */
  signal?: AbortSignal;
}

export interface LlmToolSpec {
  description: string;
  /** zod schema of the tool's input; sent to the model as JSON Schema. */
  inputSchema: z.ZodType;
}

export interface LlmStepRequest {
  system: string;
  messages: ModelMessage[];
  tools?: Record<string, LlmToolSpec>;
  /** "required" forces a tool call where the provider supports it. */
  toolChoice?: "auto" | "required" | "none";
  maxOutputTokens?: number;
  temperature?: number;
  /**
   * Streamed text as it arrives (the engine batches it into llm.delta events). When an attempt breaks off
   * mid-stream and the gateway retries or falls back, the next attempt streams its text from the start again.
   */
  onTextDelta?: (delta: string) => void;
  /**
   * Structured output: the model must answer with JSON matching this schema (sent as JSON Schema); the parsed,
   * validated value is returned as `object`. Models without structured output fail with `capability_unsupported`.
   */
  output?: { schema: z.ZodType; name?: string; description?: string };
}

export interface LlmToolCall {
  toolCallId: string;
  toolName: string;
  /** Parsed JSON arguments as the model sent them; NOT validated against the schema. */
  input: unknown;
  /** Set when the arguments were not parseable JSON (input is then the raw text). */
  inputError?: string;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

export interface LlmStepResult {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string;
  usage: LlmUsage;
  costUsd: number;
  provider: string;
  model: string;
  /** Assistant message(s) to append to the conversation before tool results. */
  responseMessages: ModelMessage[];
  /** Id of the usage-ledger row written for this call. */
  ledgerId: string;
  /** The validated structured output, when `output` was requested. */
  object?: unknown;
}

export interface LlmGateway {
  /** One model turn: may return text and/or tool calls; the caller executes tools. Metered before it returns. */
  step(context: LlmCallContext, request: LlmStepRequest): Promise<LlmStepResult>;
}
