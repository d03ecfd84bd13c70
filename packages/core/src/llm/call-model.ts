// Owns one attempt at one model: a streamed call straight on the AI SDK model interface (doStream), measuring
// time to first token, forwarding text deltas, and returning tool calls unexecuted with their raw input.
// streamText's extra stream layers cost about as much CPU again per token as the provider itself, and the
// gateway needs none of them: it runs one step, executes no tools, and does its own retries.
import type { JSONSchema7, LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { type AssistantModelMessage, jsonSchema, type LanguageModel, type ModelMessage, type Tool, tool } from "ai";
import { convertToLanguageModelPrompt, prepareToolsAndToolChoice, standardizePrompt } from "ai/internal";
import { z } from "zod";
import { AppError } from "../errors/index";
import type { LlmStepRequest, LlmToolCall, LlmToolSpec, LlmUsage } from "./types";

export interface AttemptResult {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string;
  usage: LlmUsage;
  responseMessages: ModelMessage[];
  /** Milliseconds from sending the request to the first streamed content; null when nothing streamed. */
  ttftMs: number | null;
  object?: unknown;
}

const jsonSchemas = new WeakMap<z.ZodType, ReturnType<typeof jsonSchema>>();

function toJsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}

/** Tools are sent as JSON Schema without validation: the engine validates and executes them. */
function sdkTools(tools: Record<string, LlmToolSpec> | undefined): Record<string, Tool> | undefined {
  if (!tools || Object.keys(tools).length === 0) return undefined;
  const result: Record<string, Tool> = {};
  for (const [name, spec] of Object.entries(tools)) {
    let schema = jsonSchemas.get(spec.inputSchema);
    if (!schema) {
      schema = jsonSchema(toJsonSchema(spec.inputSchema) as Parameters<typeof jsonSchema>[0]);
      jsonSchemas.set(spec.inputSchema, schema);
    }
    result[name] = tool({ description: spec.description, inputSchema: schema });
  }
  return result;
}

function asV3(model: LanguageModel): LanguageModelV3 {
  if (typeof model === "string" || model.specificationVersion !== "v3") {
    throw new AppError("capability_unsupported", 422, "This model does not implement the AI SDK v3 model interface");
  }
  return model;
}

/** Arguments are parsed, never validated; text that is not JSON comes back raw with `inputError`. */
function toolCallOf(part: Extract<LanguageModelV3StreamPart, { type: "tool-call" }>): LlmToolCall {
  const raw = part.input.trim() === "" ? "{}" : part.input;
  try {
    return { toolCallId: part.toolCallId, toolName: part.toolName, input: JSON.parse(raw) as unknown };
  } catch (error) {
    return {
      toolCallId: part.toolCallId,
      toolName: part.toolName,
      input: part.input,
      inputError: `Arguments are not valid JSON: ${(error as Error).message}`,
    };
  }
}

export async function callModel(
  languageModel: LanguageModel,
  request: LlmStepRequest,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<AttemptResult> {
  const model = asV3(languageModel);
  const standardized = await standardizePrompt({ system: request.system, messages: request.messages });
  const prompt = await convertToLanguageModelPrompt({
    prompt: standardized,
    supportedUrls: await model.supportedUrls,
    download: undefined,
  });
  const prepared = await prepareToolsAndToolChoice({
    tools: sdkTools(request.tools),
    toolChoice: request.tools ? (request.toolChoice ?? "auto") : undefined,
    activeTools: undefined,
  });
  const started = performance.now();
  let ttftMs: number | null = null;
  const { stream } = await model.doStream({
    prompt,
    tools: prepared.tools,
    toolChoice: prepared.toolChoice,
    responseFormat: request.output
      ? {
          type: "json",
          schema: toJsonSchema(request.output.schema) as JSONSchema7,
          name: request.output.name,
          description: request.output.description,
        }
      : undefined,
    maxOutputTokens: request.maxOutputTokens,
    temperature: request.temperature,
    abortSignal: signal,
    headers,
  });
  let text = "";
  const toolCalls: LlmToolCall[] = [];
  let finishReason = "unknown";
  let usage: LlmUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      switch (part.type) {
        case "text-delta":
          ttftMs ??= performance.now() - started;
          text += part.delta;
          request.onTextDelta?.(part.delta);
          break;
        case "tool-input-start":
        case "reasoning-delta":
          ttftMs ??= performance.now() - started;
          break;
        case "tool-call":
          ttftMs ??= performance.now() - started;
          toolCalls.push(toolCallOf(part));
          break;
        case "error":
          throw part.error;
        case "finish":
          finishReason = part.finishReason.unified;
          usage = {
            inputTokens: part.usage.inputTokens.total ?? 0,
            outputTokens: part.usage.outputTokens.total ?? 0,
            cachedInputTokens: part.usage.inputTokens.cacheRead ?? 0,
          };
          break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  // A stream that stops without "finish" was cut; a plain error classifies as a retryable dropped connection.
  if (finishReason === "unknown") throw new Error("the model's stream ended without finishing");
  const content: AssistantModelMessage["content"] = [
    ...(text ? [{ type: "text" as const, text }] : []),
    ...toolCalls.map((call) => ({ type: "tool-call" as const, toolCallId: call.toolCallId, toolName: call.toolName, input: call.input })),
  ];
  const object = request.output ? parseStructured(request.output.schema, text) : undefined;
  return { text, toolCalls, finishReason, usage, responseMessages: [{ role: "assistant", content }], ttftMs, object };
}

/** The answer must be JSON matching the schema; models sometimes wrap it in a Markdown fence. */
function parseStructured(schema: z.ZodType, text: string): unknown {
  const unfenced = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, "$1");
  let value: unknown;
  try {
    value = JSON.parse(unfenced);
  } catch {
    throw new AppError("provider_error", 502, "The model's structured output is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("provider_error", 502, "The model's structured output does not match the schema", {
      details: { issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })) },
    });
  }
  return parsed.data;
}
