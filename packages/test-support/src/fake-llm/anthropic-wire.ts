// Owns rendering a scripted reply in the Anthropic messages wire format (JSON and SSE events).
import { type ReplyScript, textChunks, tokenText, usageOf } from "./reply";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stopReason(script: ReplyScript): string {
  if (script.finishReason) return script.finishReason;
  return script.toolCalls.length > 0 ? "tool_use" : "end_turn";
}

export function anthropicErrorBody(status: number, message: string) {
  const type =
    status === 429
      ? "rate_limit_error"
      : status === 401
        ? "authentication_error"
        : status === 403
          ? "permission_error"
          : status === 529
            ? "overloaded_error"
            : status >= 500
              ? "api_error"
              : "invalid_request_error";
  return { type: "error", error: { type, message } };
}

/** Anthropic tool_use input must be an object; malformed arguments can only be sent when streaming. */
function parsedInput(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

export function anthropicMessage(script: ReplyScript, model: string, promptChars: number, id: string) {
  const usage = usageOf(script, promptChars);
  const text = textChunks(script).join("");
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [
      ...(text ? [{ type: "text", text }] : []),
      ...script.toolCalls.map((call, i) => ({
        type: "tool_use",
        id: `toolu_${id}_${i}`,
        name: call.name,
        input: parsedInput(call.rawArguments),
      })),
    ],
    stop_reason: stopReason(script),
    stop_sequence: null,
    usage: {
      input_tokens: usage.input,
      output_tokens: usage.output,
      cache_read_input_tokens: usage.cached,
      cache_creation_input_tokens: 0,
    },
  };
}

/** `[event, data]` pairs of a streamed message, produced lazily so paced tokens are stamped when sent. */
export async function* anthropicEvents(
  script: ReplyScript,
  model: string,
  promptChars: number,
  id: string,
): AsyncGenerator<[string, string]> {
  const usage = usageOf(script, promptChars);
  const event = (type: string, data: Record<string, unknown>): [string, string] => [type, JSON.stringify({ type, ...data })];
  yield event("message_start", {
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: 1, cache_read_input_tokens: usage.cached, cache_creation_input_tokens: 0 },
    },
  });
  let index = 0;
  const chunks = script.tokens ? null : textChunks(script);
  if (script.tokens || (chunks && chunks.length > 0)) {
    yield event("content_block_start", { index, content_block: { type: "text", text: "" } });
    if (script.tokens) {
      const { count, intervalMs, stamp } = script.tokens;
      for (let i = 0; i < count; i++) {
        if (i > 0 && intervalMs > 0) await sleep(intervalMs);
        yield event("content_block_delta", { index, delta: { type: "text_delta", text: tokenText(i, stamp) } });
      }
    } else {
      for (const part of chunks ?? []) yield event("content_block_delta", { index, delta: { type: "text_delta", text: part } });
    }
    yield event("content_block_stop", { index });
    index++;
  }
  for (const [i, call] of script.toolCalls.entries()) {
    yield event("content_block_start", { index, content_block: { type: "tool_use", id: `toolu_${id}_${i}`, name: call.name, input: {} } });
    yield event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: call.rawArguments } });
    yield event("content_block_stop", { index });
    index++;
  }
  yield event("message_delta", { delta: { stop_reason: stopReason(script), stop_sequence: null }, usage: { output_tokens: usage.output } });
  yield event("message_stop", {});
}
