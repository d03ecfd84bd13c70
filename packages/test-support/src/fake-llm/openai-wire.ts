// Owns rendering a scripted reply in the OpenAI chat-completions wire format (JSON and SSE chunks).
import { type ReplyScript, textChunks, tokenText, usageOf } from "./reply";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function openaiUsage(usage: { input: number; output: number; cached: number }) {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cached },
  };
}

function finishReason(script: ReplyScript): string {
  return script.finishReason ?? (script.toolCalls.length > 0 ? "tool_calls" : "stop");
}

export function openaiErrorBody(status: number, message: string, code?: string) {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, param: null, code: code ?? (status === 401 ? "invalid_api_key" : null) } };
}

export function openaiCompletion(script: ReplyScript, model: string, promptChars: number, id: string) {
  const usage = usageOf(script, promptChars);
  const text = textChunks(script).join("");
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text.length > 0 ? text : null,
          ...(script.toolCalls.length > 0
            ? {
                tool_calls: script.toolCalls.map((call, i) => ({
                  id: `call_${id}_${i}`,
                  type: "function",
                  function: { name: call.name, arguments: call.rawArguments },
                })),
              }
            : {}),
        },
        finish_reason: finishReason(script),
      },
    ],
    usage: openaiUsage(usage),
  };
}

/** SSE `data:` payloads of a streamed completion, produced lazily so paced tokens are stamped when sent. */
export async function* openaiChunks(script: ReplyScript, model: string, promptChars: number, id: string): AsyncGenerator<string> {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  yield chunk({ role: "assistant", content: "" });
  if (script.tokens) {
    const { count, intervalMs, stamp } = script.tokens;
    for (let i = 0; i < count; i++) {
      if (i > 0 && intervalMs > 0) await sleep(intervalMs);
      yield chunk({ content: tokenText(i, stamp) });
    }
  } else {
    for (const part of textChunks(script)) yield chunk({ content: part });
  }
  for (const [i, call] of script.toolCalls.entries()) {
    yield chunk({ tool_calls: [{ index: i, id: `call_${id}_${i}`, type: "function", function: { name: call.name, arguments: "" } }] });
    // Arguments arrive in pieces, as real providers send them.
    const half = Math.ceil(call.rawArguments.length / 2);
    for (const piece of [call.rawArguments.slice(0, half), call.rawArguments.slice(half)]) {
      if (piece) yield chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] });
    }
  }
  yield chunk({}, finishReason(script));
  const usage = openaiUsage(usageOf(script, promptChars));
  // Groq reports streamed usage under x_groq; other OpenAI-style clients ignore the extra field.
  yield JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage, x_groq: { usage } });
  yield "[DONE]";
}
