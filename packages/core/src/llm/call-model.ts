// Owns one attempt at one model: a streamed AI SDK call that measures time to first token, forwards text
// deltas, and returns tool calls unexecuted with their raw input.
import { jsonSchema, type LanguageModel, type ModelMessage, streamText, type Tool, tool } from "ai";
import { z } from "zod";
import type { LlmStepRequest, LlmToolCall, LlmToolSpec, LlmUsage } from "./types";

export interface AttemptResult {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string;
  usage: LlmUsage;
  responseMessages: ModelMessage[];
  /** Milliseconds from sending the request to the first streamed content; null when nothing streamed. */
  ttftMs: number | null;
}

const jsonSchemas = new WeakMap<z.ZodType, ReturnType<typeof jsonSchema>>();

/** Tools are sent as JSON Schema without validation: the engine validates and executes them. */
function sdkTools(tools: Record<string, LlmToolSpec> | undefined): Record<string, Tool> | undefined {
  if (!tools || Object.keys(tools).length === 0) return undefined;
  const result: Record<string, Tool> = {};
  for (const [name, spec] of Object.entries(tools)) {
    let schema = jsonSchemas.get(spec.inputSchema);
    if (!schema) {
      schema = jsonSchema(z.toJSONSchema(spec.inputSchema, { io: "input", unrepresentable: "any" }) as Parameters<typeof jsonSchema>[0]);
      jsonSchemas.set(spec.inputSchema, schema);
    }
    result[name] = tool({ description: spec.description, inputSchema: schema });
  }
  return result;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function callModel(model: LanguageModel, request: LlmStepRequest, signal: AbortSignal): Promise<AttemptResult> {
  const started = performance.now();
  let ttftMs: number | null = null;
  const mark = () => {
    ttftMs ??= performance.now() - started;
  };
  const result = streamText({
    model,
    system: request.system,
    messages: request.messages,
    tools: sdkTools(request.tools),
    toolChoice: request.tools ? (request.toolChoice ?? "auto") : undefined,
    maxOutputTokens: request.maxOutputTokens,
    temperature: request.temperature,
    abortSignal: signal,
    // Retries and fallback are the gateway's job, so that each one is metered and observable.
    maxRetries: 0,
    onError: () => {},
  });
  let text = "";
  const toolCalls: LlmToolCall[] = [];
  let finishReason = "unknown";
  let usage: LlmUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  for await (const part of result.fullStream) {
    switch (part.type) {
      case "text-delta":
        mark();
        text += part.text;
        request.onTextDelta?.(part.text);
        break;
      case "tool-input-start":
      case "reasoning-delta":
        mark();
        break;
      case "tool-call":
        mark();
        toolCalls.push(
          part.invalid
            ? { toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, inputError: errorText(part.error) }
            : { toolCallId: part.toolCallId, toolName: part.toolName, input: part.input },
        );
        break;
      case "error":
        throw part.error;
      case "abort":
        throw signal.reason ?? new DOMException("The operation was aborted", "AbortError");
      case "finish":
        finishReason = part.finishReason;
        usage = {
          inputTokens: part.totalUsage.inputTokens ?? 0,
          outputTokens: part.totalUsage.outputTokens ?? 0,
          cachedInputTokens: part.totalUsage.inputTokenDetails?.cacheReadTokens ?? part.totalUsage.cachedInputTokens ?? 0,
        };
        break;
    }
  }
  const response = await result.response;
  // Tool results for invalid calls are the engine's to write; keep only what the assistant said.
  const responseMessages = response.messages.filter((message) => message.role === "assistant");
  return { text, toolCalls, finishReason, usage, responseMessages, ttftMs };
}
