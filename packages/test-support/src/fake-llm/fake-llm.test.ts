import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLlm, reply, startFakeLlm } from "./index";

const writeFile = tool({
  description: "Write a file",
  inputSchema: jsonSchema<{ path: string; content: string }>({
    type: "object",
    properties: { path: { type: "string" }, content: { type: "string" } },
    required: ["path", "content"],
  }),
});

describe("fake LLM server", () => {
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(async () => {
    await llm.close();
  });
  beforeEach(() => llm.reset());

  const openai = () => createOpenAICompatible({ name: "fake", baseURL: llm.baseUrl, apiKey: "sk-test", includeUsage: true });
  const anthropic = () => createAnthropic({ baseURL: llm.anthropicBaseUrl, apiKey: "sk-ant-test" });

  it("streams OpenAI text with usage and records the request", async () => {
    llm.enqueue(reply().text("Hel").text("lo").usage({ input: 12, output: 3, cached: 2 }));
    const result = streamText({ model: openai()("m1"), prompt: "hi" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas).toEqual(["Hel", "lo"]);
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(12);
    expect(usage.outputTokens).toBe(3);
    expect(usage.inputTokenDetails.cacheReadTokens).toBe(2);
    expect(llm.requests[0]?.model).toBe("m1");
    expect(llm.requests[0]?.stream).toBe(true);
    expect(llm.requests[0]?.headers.authorization).toBe("Bearer sk-test");
  });

  it("answers non-streaming OpenAI calls with tool calls", async () => {
    llm.enqueue(reply().toolCall("write_file", { path: "a.txt", content: "x" }));
    const result = await generateText({ model: openai()("m1"), prompt: "go", tools: { write_file: writeFile } });
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([["write_file", { path: "a.txt", content: "x" }]]);
    expect(llm.requests[0]?.tools[0]?.name).toBe("write_file");
  });

  it("streams Anthropic text and tool calls", async () => {
    llm.enqueue(reply().text("ok").toolCall("write_file", { path: "b", content: "y" }).usage({ input: 5, output: 7 }));
    const result = streamText({ model: anthropic()("claude-x"), prompt: "go", tools: { write_file: writeFile } });
    const calls = await result.toolCalls;
    expect(await result.text).toBe("ok");
    expect(calls.map((c) => c.input)).toEqual([{ path: "b", content: "y" }]);
    expect((await result.usage).outputTokens).toBe(7);
    expect(llm.requests[0]?.protocol).toBe("anthropic");
  });

  it("answers non-streaming Anthropic calls", async () => {
    llm.enqueue(reply().text("plain"));
    const result = await generateText({ model: anthropic()("claude-x"), prompt: "go" });
    expect(result.text).toBe("plain");
  });

  it("injects errors with Retry-After and uses the dynamic handler when the queue is empty", async () => {
    llm.enqueue(reply().error(429, { retryAfterSeconds: 7 }));
    const first = await fetch(`${llm.baseUrl}/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }) });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    llm.onRequest((request) => reply().text(`echo ${request.model}`));
    const result = await generateText({ model: openai()("dyn"), prompt: "x", maxRetries: 0 });
    expect(result.text).toBe("echo dyn");
  });

  it("cuts a stream mid-way and paces tokens", async () => {
    llm.enqueue(reply().tokens(50).cutMidStream());
    const cut = streamText({ model: openai()("m"), prompt: "x", maxRetries: 0 });
    const errors: unknown[] = [];
    try {
      for await (const part of cut.fullStream) if (part.type === "error") errors.push(part.error);
    } catch (error) {
      errors.push(error);
    }
    expect(errors.length).toBeGreaterThan(0);

    llm.enqueue(reply().tokens(5, { intervalMs: 1 }));
    const paced = streamText({ model: openai()("m"), prompt: "x" });
    expect(await paced.text).toBe("t0 t1 t2 t3 t4 ");
  });

  it("lists models and enforces API keys when asked", async () => {
    llm.setModels(["a", "b"]);
    llm.requireApiKeys(["good"]);
    const bad = await fetch(`${llm.baseUrl}/models`, { headers: { authorization: "Bearer nope" } });
    expect(bad.status).toBe(401);
    const good = await fetch(`${llm.baseUrl}/models`, { headers: { authorization: "Bearer good" } });
    expect(((await good.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(["a", "b"]);
  });
});
