// Owns the fake LLM: a real HTTP server on 127.0.0.1 speaking OpenAI chat-completions and Anthropic messages,
// answering from a queue of scripted replies (or a dynamic handler) and recording every request.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicErrorBody, anthropicEvents, anthropicMessage } from "./anthropic-wire";
import { openaiChunks, openaiCompletion, openaiErrorBody } from "./openai-wire";
import { type ReplyBuilder, reply } from "./reply";

export type FakeProtocol = "openai" | "anthropic" | "models";

export interface RecordedTool {
  name: string;
  description: string | undefined;
  /** JSON Schema of the tool's input as sent by the client. */
  parameters: unknown;
}

export interface RecordedRequest {
  protocol: FakeProtocol;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined for GET). */
  body: Record<string, unknown> | undefined;
  model: string | undefined;
  /** OpenAI: every message incl. system; Anthropic: the `messages` array (system is in `system`). */
  messages: unknown[];
  system: unknown;
  tools: RecordedTool[];
  stream: boolean;
}

export type RequestHandler = (request: RecordedRequest) => ReplyBuilder | undefined;

export interface FakeLlm {
  /** OpenAI-style base URL, e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  /** Anthropic base URL (the same server; the SDK appends /messages). */
  anthropicBaseUrl: string;
  /** Origin without a path, e.g. http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  enqueue(...replies: ReplyBuilder[]): void;
  /** Scripts replies dynamically when the queue is empty. */
  onRequest(handler: RequestHandler | undefined): void;
  /** Model ids listed by GET /v1/models. */
  setModels(ids: string[]): void;
  /** When set, requests without one of these keys (Bearer or x-api-key) get 401. */
  requireApiKeys(keys: string[] | undefined): void;
  /** When set, every request is answered with a 302 to `origin + path`. */
  redirectTo(origin: string | undefined): void;
  /** Clears the queue, handler, recorded requests, key requirement and redirect. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeLlmOptions {
  models?: string[];
  apiKeys?: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function normaliseTools(protocol: FakeProtocol, body: Record<string, unknown> | undefined): RecordedTool[] {
  const tools = Array.isArray(body?.tools) ? (body.tools as Array<Record<string, unknown>>) : [];
  return tools.map((tool) => {
    if (protocol === "openai") {
      const fn = (tool.function ?? {}) as Record<string, unknown>;
      return { name: String(fn.name), description: fn.description as string | undefined, parameters: fn.parameters };
    }
    return { name: String(tool.name), description: tool.description as string | undefined, parameters: tool.input_schema };
  });
}

function presentedKey(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7);
  const apiKey = request.headers["x-api-key"];
  return typeof apiKey === "string" ? apiKey : undefined;
}

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const queue: ReplyBuilder[] = [];
  const requests: RecordedRequest[] = [];
  let handler: RequestHandler | undefined;
  let models = options.models ?? ["fake-model", "fake-model-large"];
  let apiKeys = options.apiKeys;
  let redirect: string | undefined;
  let counter = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = req.method === "POST" ? await readBody(req) : "";
    const protocol: FakeProtocol = url.pathname.endsWith("/chat/completions")
      ? "openai"
      : url.pathname.endsWith("/messages")
        ? "anthropic"
        : "models";
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(openaiErrorBody(400, "invalid JSON body")));
      return;
    }
    const recorded: RecordedRequest = {
      protocol,
      method: req.method ?? "GET",
      path: url.pathname,
      headers: { ...req.headers },
      body,
      model: typeof body?.model === "string" ? body.model : undefined,
      messages: Array.isArray(body?.messages) ? body.messages : [],
      system: body?.system,
      tools: normaliseTools(protocol, body),
      stream: body?.stream === true,
    };
    requests.push(recorded);

    if (redirect) {
      res.writeHead(302, { location: `${redirect}${url.pathname}` }).end();
      return;
    }
    const errorBody = (status: number, message: string, code?: string) =>
      protocol === "anthropic" ? anthropicErrorBody(status, message) : openaiErrorBody(status, message, code);
    if (apiKeys && !apiKeys.includes(presentedKey(req) ?? "")) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify(errorBody(401, "Incorrect API key provided")));
      return;
    }
    if (protocol === "models") {
      if (req.method !== "GET" || !url.pathname.endsWith("/models")) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(errorBody(404, "not found")));
        return;
      }
      const data = models.map((id) => ({ id, object: "model", type: "model", display_name: id, created: 0, owned_by: "fake" }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data, has_more: false }));
      return;
    }

    const script = (queue.shift() ?? handler?.(recorded) ?? reply().text("(fake-llm: no scripted reply)")).script;
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    if (script.slowFirstByteMs > 0) await sleep(script.slowFirstByteMs);
    if (closed) return;
    if (script.error) {
      const { status, retryAfterSeconds, message, code } = script.error;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
      res.writeHead(status, headers).end(JSON.stringify(errorBody(status, message ?? `scripted error ${status}`, code)));
      return;
    }
    const model = recorded.model ?? "fake-model";
    const promptChars = raw.length;
    const id = `fake${++counter}`;
    if (!recorded.stream) {
      const payload =
        protocol === "anthropic" ? anthropicMessage(script, model, promptChars, id) : openaiCompletion(script, model, promptChars, id);
      if (script.cutMidStream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(JSON.stringify(payload).slice(0, 20));
        res.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(payload));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    let sent = 0;
    const events =
      protocol === "anthropic"
        ? (async function* () {
            for await (const [event, data] of anthropicEvents(script, model, promptChars, id)) yield `event: ${event}\ndata: ${data}\n\n`;
          })()
        : (async function* () {
            for await (const data of openaiChunks(script, model, promptChars, id)) yield `data: ${data}\n\n`;
          })();
    for await (const frame of events) {
      if (closed) return;
      res.write(frame);
      sent++;
      // Cut after the first content so the client has started a response it cannot finish.
      if (script.cutMidStream && sent >= 3) {
        res.destroy();
        return;
      }
    }
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(openaiErrorBody(500, `fake-llm failure: ${String(error)}`)));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}/v1`,
    anthropicBaseUrl: `${origin}/v1`,
    origin,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    onRequest: (next) => {
      handler = next;
    },
    setModels: (ids) => {
      models = ids;
    },
    requireApiKeys: (keys) => {
      apiKeys = keys;
    },
    redirectTo: (target) => {
      redirect = target;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      handler = undefined;
      apiKeys = options.apiKeys;
      redirect = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
