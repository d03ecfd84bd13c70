// Owns the `local` provider: a GGUF file run in-process by node-llama-cpp, exposed as an AI SDK model.
// node-llama-cpp is an optional dependency loaded on first use, so the platform starts without it.
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { AppError } from "../errors/index";

/** The slice of node-llama-cpp this module uses, declared here so the code typechecks without the package. */
interface LlamaModule {
  getLlama(options: { gpu: false; build: "never"; logLevel?: string }): Promise<{
    loadModel(options: { modelPath: string }): Promise<LlamaModelHandle>;
  }>;
  LlamaChat: new (options: {
    contextSequence: unknown;
  }) => {
    generateResponse(
      history: ChatHistoryItem[],
      options: { maxTokens?: number; temperature?: number; signal?: AbortSignal; onTextChunk?: (text: string) => void },
    ): Promise<{ response: string; metadata: { stopReason: string } }>;
  };
}
interface LlamaModelHandle {
  tokenize(text: string): unknown[];
  createContext(options: { contextSize: number; threads: number }): Promise<{ getSequence(): unknown; dispose(): Promise<void> }>;
}
type ChatHistoryItem = { type: "system"; text: string } | { type: "user"; text: string } | { type: "model"; response: string[] };

const CONTEXT_SIZE = 2048;
// Tiny models gain nothing from more threads on small machines; the operator can run a bigger model elsewhere.
const THREADS = 1;
const MODULE_NAME = "node-llama-cpp";

const loaded = new Map<string, Promise<{ llama: LlamaModule; model: LlamaModelHandle }>>();

async function load(path: string): Promise<{ llama: LlamaModule; model: LlamaModelHandle }> {
  let llama: LlamaModule;
  try {
    llama = (await import(MODULE_NAME)) as LlamaModule;
  } catch {
    throw new AppError("capability_unsupported", 422, "Local models need the optional node-llama-cpp package (npm install node-llama-cpp)");
  }
  try {
    const runtime = await llama.getLlama({ gpu: false, build: "never", logLevel: "error" });
    return { llama, model: await runtime.loadModel({ modelPath: path }) };
  } catch (error) {
    // Not retryable: a file that does not load will not load on the next attempt either.
    throw new AppError("provider_error", 502, "The local model file could not be loaded (SAMOKODER_LOCAL_MODEL_PATH)", { cause: error });
  }
}

function textOf(content: LanguageModelV3Prompt[number]["content"]): string {
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" ? part.text : part.type === "tool-result" ? JSON.stringify(part.output) : ""))
    .join("");
}

function historyOf(prompt: LanguageModelV3Prompt): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const message of prompt) {
    const text = textOf(message.content);
    if (message.role === "system") history.push({ type: "system", text });
    else if (message.role === "assistant") history.push({ type: "model", response: [text] });
    else history.push({ type: "user", text });
  }
  history.push({ type: "model", response: [] });
  return history;
}

function usageOf(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** A GGUF model as an AI SDK v3 model: text only (no tools, no structured output), streamed chunk by chunk. */
export async function loadLocalModel(path: string): Promise<LanguageModelV3> {
  let pending = loaded.get(path);
  if (!pending) {
    pending = load(path);
    loaded.set(path, pending);
    pending.catch(() => loaded.delete(path));
  }
  const { llama, model } = await pending;

  async function doStream(options: LanguageModelV3CallOptions) {
    if (options.tools && options.tools.length > 0) {
      throw new AppError("capability_unsupported", 422, "The local model does not support tool calls");
    }
    const history = historyOf(options.prompt);
    const inputTokens = model.tokenize(history.map((h) => ("text" in h ? h.text : h.response.join(""))).join("\n")).length;
    const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads: THREADS });
    const chat = new llama.LlamaChat({ contextSequence: context.getSequence() });
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async start(controller) {
        controller.enqueue({ type: "stream-start", warnings: [] });
        controller.enqueue({ type: "text-start", id: "text" });
        let outputTokens = 0;
        try {
          const result = await chat.generateResponse(history, {
            maxTokens: options.maxOutputTokens ?? 512,
            temperature: options.temperature ?? 0,
            signal: options.abortSignal,
            onTextChunk: (delta) => {
              outputTokens++;
              if (delta) controller.enqueue({ type: "text-delta", id: "text", delta });
            },
          });
          controller.enqueue({ type: "text-end", id: "text" });
          const stop = result.metadata.stopReason;
          controller.enqueue({
            type: "finish",
            usage: usageOf(inputTokens, outputTokens),
            finishReason: { unified: stop === "maxTokens" ? "length" : "stop", raw: stop },
          });
          controller.close();
        } catch (error) {
          controller.error(error);
        } finally {
          await context.dispose();
        }
      },
    });
    return { stream };
  }

  return {
    specificationVersion: "v3",
    provider: "local",
    modelId: path.split("/").at(-1) ?? "gguf",
    supportedUrls: {},
    doStream,
    async doGenerate(options) {
      const { stream } = await doStream(options);
      let text = "";
      let finish: Extract<LanguageModelV3StreamPart, { type: "finish" }> | undefined;
      for await (const part of stream as unknown as AsyncIterable<LanguageModelV3StreamPart>) {
        if (part.type === "text-delta") text += part.delta;
        if (part.type === "finish") finish = part;
      }
      return {
        content: [{ type: "text", text }],
        finishReason: finish?.finishReason ?? { unified: "other", raw: undefined },
        usage: finish?.usage ?? usageOf(0, 0),
        warnings: [],
      };
    },
  };
}
