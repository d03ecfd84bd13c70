// Owns the scripting vocabulary of the fake LLM server: what one scripted reply says and how it misbehaves.

export interface ScriptedToolCall {
  name: string;
  /** The raw JSON text of the arguments exactly as the "model" sends it (may be malformed on purpose). */
  rawArguments: string;
}

export interface ScriptedError {
  status: number;
  retryAfterSeconds?: number;
  message?: string;
  /** Provider error code, e.g. "context_length_exceeded". */
  code?: string;
}

export interface ReplyScript {
  textParts: string[];
  toolCalls: ScriptedToolCall[];
  usage: { input: number; output: number; cached: number } | undefined;
  error: ScriptedError | undefined;
  slowFirstByteMs: number;
  cutMidStream: boolean;
  tokens: { count: number; intervalMs: number; stamp: boolean } | undefined;
  finishReason: string | undefined;
}

export class ReplyBuilder {
  readonly script: ReplyScript = {
    textParts: [],
    toolCalls: [],
    usage: undefined,
    error: undefined,
    slowFirstByteMs: 0,
    cutMidStream: false,
    tokens: undefined,
    finishReason: undefined,
  };

  /** Assistant text; several calls stream as separate chunks. */
  text(value: string): this {
    this.script.textParts.push(value);
    return this;
  }

  /** Structured output: the JSON text of `value` as the assistant message. */
  json(value: unknown): this {
    return this.text(JSON.stringify(value));
  }

  toolCall(name: string, input: unknown): this {
    this.script.toolCalls.push({ name, rawArguments: JSON.stringify(input) });
    return this;
  }

  /** A tool call whose arguments are not valid JSON. */
  malformedToolArguments(name: string, rawArguments: string): this {
    this.script.toolCalls.push({ name, rawArguments });
    return this;
  }

  usage(value: { input: number; output: number; cached?: number }): this {
    this.script.usage = { input: value.input, output: value.output, cached: value.cached ?? 0 };
    return this;
  }

  /** An HTTP error reply; 429/503 carry Retry-After when `retryAfterSeconds` is given. */
  error(status: number, options: { retryAfterSeconds?: number; message?: string; code?: string } = {}): this {
    this.script.error = { status, ...options };
    return this;
  }

  /** The provider's "prompt too long" error (400). */
  contextLengthError(): this {
    return this.error(400, {
      code: "context_length_exceeded",
      message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
    });
  }

  /** Waits before sending the response headers. */
  slowFirstByte(ms: number): this {
    this.script.slowFirstByteMs = ms;
    return this;
  }

  /** Streams part of the reply and then drops the connection. */
  cutMidStream(): this {
    this.script.cutMidStream = true;
    return this;
  }

  /**
   * Streams `count` tokens ("t0 ", "t1 ", …) one every `intervalMs` milliseconds. With `stamp`, each token
   * carries the wall-clock time (ms, fractional) it was written, so a benchmark can measure added latency.
   */
  tokens(count: number, options: { intervalMs?: number; stamp?: boolean } = {}): this {
    this.script.tokens = { count, intervalMs: options.intervalMs ?? 0, stamp: options.stamp ?? false };
    return this;
  }

  finishReason(value: string): this {
    this.script.finishReason = value;
    return this;
  }
}

export function reply(): ReplyBuilder {
  return new ReplyBuilder();
}

/** Text of token `index` in a `tokens()` reply; the benchmark parses it back. */
export function tokenText(index: number, stamp = false): string {
  return stamp ? `t${index}@${(performance.timeOrigin + performance.now()).toFixed(3)} ` : `t${index} `;
}

/** The text chunks a reply streams, in order. */
export function textChunks(script: ReplyScript): string[] {
  if (script.tokens) return Array.from({ length: script.tokens.count }, (_, i) => tokenText(i));
  return script.textParts;
}

/** Usage reported for a reply: scripted, or estimated as about four characters per token. */
export function usageOf(script: ReplyScript, promptChars: number): { input: number; output: number; cached: number } {
  if (script.usage) return script.usage;
  const outputChars = textChunks(script).join("").length + script.toolCalls.reduce((n, c) => n + c.rawArguments.length, 0);
  return { input: Math.max(1, Math.ceil(promptChars / 4)), output: Math.max(1, Math.ceil(outputChars / 4)), cached: 0 };
}
