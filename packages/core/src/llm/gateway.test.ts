import { type FakeLlm, reply, signUpUser, startFakeLlm, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../errors/index";
import { createLlmService } from "./service";

// The production gateway (real AI SDK clients, real database) against the fake provider over HTTP.
describe("LLM gateway step", () => {
  let llm: FakeLlm;
  let testApp: TestApp;
  let userId: string;

  const tools = {
    write_file: { description: "Write a file", inputSchema: z.object({ path: z.string(), content: z.string() }) },
    complete_task: { description: "Finish", inputSchema: z.object({ summary: z.string() }) },
  };
  const ledger = () =>
    testApp.runtime.db.query<{
      outcome: string;
      retries: number;
      provider: string;
      model: string;
      input_tokens: number;
      cost_usd: string;
      key_source: string;
      ttft_ms: number | null;
    }>("SELECT * FROM usage_ledger WHERE user_id = $1 ORDER BY created_at", [userId]);
  const step = (request: Partial<Parameters<TestApp["runtime"]["services"]["llm"]["step"]>[1]> = {}, signal?: AbortSignal) =>
    testApp.runtime.services.llm.step(
      { userId, role: "coder", signal },
      { system: "You write code.", messages: [{ role: "user", content: "Build it" }], ...request },
    );

  beforeAll(async () => {
    llm = await startFakeLlm();
    testApp = await startTestApp("pglite", {
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-model",
      SAMOKODER_FALLBACK_MODELS: "openai-compatible/fake-model-large",
      SAMOKODER_LLM_RETRY_BASE_MS: "5",
      SAMOKODER_LLM_MAX_RETRIES: "2",
    });
    userId = (await signUpUser(testApp)).user.id;
  });
  afterAll(async () => {
    await testApp?.close();
    await llm?.close();
  });
  beforeEach(async () => {
    llm.reset();
    await testApp.runtime.db.query("DELETE FROM usage_ledger");
  });

  it("streams text to onTextDelta and meters the call before returning", async () => {
    llm.enqueue(reply().text("Hel").text("lo").usage({ input: 12, output: 3 }));
    const deltas: string[] = [];
    const result = await step({ onTextDelta: (d) => deltas.push(d) });
    expect(result.text).toBe("Hello");
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 3, cachedInputTokens: 0 });
    expect(result.provider).toBe("openai-compatible");
    expect(result.model).toBe("fake-model");
    const rows = await ledger();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "ok", retries: 0, input_tokens: 12, key_source: "operator" });
    expect(rows[0]?.ttft_ms).not.toBeNull();
    expect(result.ledgerId).toBeTruthy();
    expect(llm.requests[0]?.stream).toBe(true);
  });

  it("sends tools as JSON Schema and returns tool calls unexecuted, malformed arguments as inputError", async () => {
    llm.enqueue(reply().toolCall("write_file", { path: "a.txt", content: "x" }).malformedToolArguments("complete_task", "{not json"));
    const result = await step({ tools, toolChoice: "required" });
    expect(llm.requests[0]?.tools.map((t) => t.name)).toEqual(["write_file", "complete_task"]);
    expect(llm.requests[0]?.tools[0]?.parameters).toMatchObject({ type: "object", properties: { path: { type: "string" } } });
    expect(result.toolCalls[0]).toMatchObject({ toolName: "write_file", input: { path: "a.txt", content: "x" } });
    expect(result.toolCalls[0]?.inputError).toBeUndefined();
    expect(result.toolCalls[1]).toMatchObject({ toolName: "complete_task", input: "{not json" });
    expect(result.toolCalls[1]?.inputError).toBeTruthy();
    expect(result.responseMessages.every((m) => m.role === "assistant")).toBe(true);
    expect(result.finishReason).toBe("tool-calls");
  });

  it("retries a 429 honouring Retry-After and a stream cut mid-way, and records the retries", async () => {
    llm.enqueue(reply().error(429, { retryAfterSeconds: 0 }), reply().text("partial answer").cutMidStream(), reply().text("ok"));
    const result = await step();
    expect(result.text).toBe("ok");
    expect(llm.requests).toHaveLength(3);
    const rows = await ledger();
    expect(rows.map((r) => [r.outcome, r.retries])).toEqual([["ok", 2]]);
  });

  it("falls back to the next model in the chain after retries run out", async () => {
    llm.onRequest((request) => (request.model === "fake-model" ? reply().error(500) : reply().text(`from ${request.model}`)));
    const result = await step();
    expect(result.text).toBe("from fake-model-large");
    expect(result.model).toBe("fake-model-large");
    expect(llm.requests.filter((r) => r.model === "fake-model")).toHaveLength(3);
    const rows = await ledger();
    expect(rows.map((r) => [r.model, r.outcome, r.retries])).toEqual([
      ["fake-model", "provider_error", 2],
      ["fake-model-large", "ok", 0],
    ]);
  });

  it("reports context-length errors as such without retrying", async () => {
    llm.enqueue(reply().contextLengthError());
    const error = await step().catch((e: unknown) => e);
    expect(AppError.isInstance(error) && error.code).toBe("context_length_exceeded");
    expect(llm.requests).toHaveLength(1);
    expect((await ledger())[0]?.outcome).toBe("context_length_exceeded");
  });

  it("cancels the HTTP call when the caller aborts", async () => {
    llm.enqueue(reply().slowFirstByte(30_000).text("too late"));
    const controller = new AbortController();
    llm.onRequest(() => undefined);
    const pending = step({}, controller.signal).catch((e: unknown) => e);
    await expect.poll(() => llm.requests.length).toBe(1);
    controller.abort(new Error("user pressed stop"));
    const error = await pending;
    expect((error as Error).message).toBe("user pressed stop");
    expect((await ledger())[0]?.outcome).toBe("cancelled");
  });

  it("refuses a model without tool support when tools are needed (capability_unsupported)", async () => {
    await testApp.runtime.services.llm.putUserSettings(userId, { roles: { coder: { model: "local/gguf", fallbacks: [] } } });
    try {
      const error = await step({ tools }).catch((e: unknown) => e);
      expect(AppError.isInstance(error) && error.code).toBe("capability_unsupported");
      expect(llm.requests).toHaveLength(0);
    } finally {
      await testApp.runtime.services.llm.putUserSettings(userId, { roles: {} });
    }
  });

  it("exports Prometheus metrics for calls", async () => {
    llm.enqueue(reply().text("x").usage({ input: 4, output: 2 }));
    await step();
    const text = await testApp.runtime.metrics.registry.metrics();
    expect(text).toMatch(/samokoder_llm_requests_total\{provider="openai-compatible",model="fake-model",agent="coder",outcome="ok"\} \d+/);
    expect(text).toContain("samokoder_llm_tokens_total");
    expect(text).toContain("samokoder_llm_time_to_first_token_seconds_bucket");
    expect(text).toContain("samokoder_llm_request_duration_seconds_bucket");
    expect(text).toContain("samokoder_llm_cost_usd_total");
  });

  it("speaks each provider's wire format through its AI SDK client, with the user's key", async () => {
    const cases = [
      { provider: "openai", model: "gpt-4o-mini", protocol: "openai", auth: (key: string) => ["authorization", `Bearer ${key}`] },
      { provider: "anthropic", model: "claude-haiku-4-5", protocol: "anthropic", auth: (key: string) => ["x-api-key", key] },
      { provider: "groq", model: "llama-3.3-70b-versatile", protocol: "openai", auth: (key: string) => ["authorization", `Bearer ${key}`] },
      { provider: "openrouter", model: "qwen/qwen3-coder", protocol: "openai", auth: (key: string) => ["authorization", `Bearer ${key}`] },
    ] as const;
    const llmService = testApp.runtime.services.llm;
    for (const c of cases) {
      const apiKey = `key-for-${c.provider}-1234`;
      const key = await llmService.addKey(userId, { provider: c.provider, apiKey, baseUrl: llm.baseUrl });
      await llmService.putUserSettings(userId, { roles: { coder: { model: `${c.provider}/${c.model}`, fallbacks: [] } } });
      llm.reset();
      llm.enqueue(reply().text("on it").toolCall("write_file", { path: "x.ts", content: "1" }).usage({ input: 10, output: 5 }));
      const result = await step({ tools });
      expect(result.provider, c.provider).toBe(c.provider);
      expect(result.text).toBe("on it");
      expect(result.toolCalls.map((t) => t.input)).toEqual([{ path: "x.ts", content: "1" }]);
      expect(result.usage.outputTokens, c.provider).toBe(5);
      const recorded = llm.requests[0];
      expect(recorded?.protocol).toBe(c.protocol);
      expect(recorded?.model).toBe(c.model);
      const [header = "", value] = c.auth(apiKey);
      expect(recorded?.headers[header]).toBe(value);
      await llmService.deleteKey(userId, key.id);
    }
    await llmService.putUserSettings(userId, { roles: {} });
  });

  it("returns validated structured output, and refuses it on models without the capability", async () => {
    const llmService = testApp.runtime.services.llm;
    const key = await llmService.addKey(userId, { provider: "openai", apiKey: "sk-structured", baseUrl: llm.baseUrl });
    await llmService.putUserSettings(userId, { roles: { planner: { model: "openai/gpt-4o-mini", fallbacks: [] } } });
    const Plan = z.object({ tasks: z.array(z.object({ title: z.string() })) });
    llm.enqueue(reply().json({ tasks: [{ title: "scaffold" }, { title: "tests" }] }));
    const result = await testApp.runtime.services.llm.step(
      { userId, role: "planner" },
      { system: "plan", messages: [{ role: "user", content: "plan it" }], output: { schema: Plan, name: "plan" } },
    );
    expect(result.object).toEqual({ tasks: [{ title: "scaffold" }, { title: "tests" }] });
    expect(llm.requests[0]?.body?.response_format).toMatchObject({ type: "json_schema" });

    llm.enqueue(reply().json({ tasks: "not a list" }));
    const invalid = await testApp.runtime.services.llm
      .step({ userId, role: "planner" }, { system: "plan", messages: [{ role: "user", content: "again" }], output: { schema: Plan } })
      .catch((e: unknown) => e);
    expect(AppError.isInstance(invalid) && invalid.code).toBe("provider_error");

    await llmService.putUserSettings(userId, { roles: { planner: { model: "local/gguf", fallbacks: [] } } });
    const unsupported = await testApp.runtime.services.llm
      .step({ userId, role: "planner" }, { system: "plan", messages: [{ role: "user", content: "x" }], output: { schema: Plan } })
      .catch((e: unknown) => e);
    expect(AppError.isInstance(unsupported) && unsupported.code).toBe("capability_unsupported");
    await llmService.putUserSettings(userId, { roles: {} });
    await llmService.deleteKey(userId, key.id);
  });

  it("times out a provider that does not answer, retries, and records the retry", async () => {
    const runtime = testApp.runtime;
    // A second gateway on the same database with a short per-request timeout (the option is in milliseconds).
    const impatient = createLlmService({
      ...runtime,
      config: { ...runtime.config, llm: { ...runtime.config.llm, timeoutMs: 1000, maxRetries: 1 } },
    });
    llm.enqueue(reply().slowFirstByte(20_000).text("never seen"), reply().text("second try"));
    const result = await impatient.step({ userId, role: "coder" }, { system: "s", messages: [{ role: "user", content: "x" }] });
    expect(result.text).toBe("second try");
    expect(llm.requests).toHaveLength(2);
    expect((await ledger()).map((r) => [r.outcome, r.retries])).toEqual([["ok", 1]]);
  });

  it("waits as long as the provider's Retry-After says before retrying", async () => {
    const warnings: Array<Record<string, unknown>> = [];
    const observed = createLlmService({ ...testApp.runtime, logger: { info: () => {}, warn: (object) => warnings.push(object) } });
    llm.enqueue(reply().error(429, { retryAfterSeconds: 1 }), reply().text("after the wait"));
    const result = await observed.step({ userId, role: "coder" }, { system: "s", messages: [{ role: "user", content: "x" }] });
    expect(result.text).toBe("after the wait");
    // The base delay here is 5 ms: only Retry-After explains a one-second wait.
    expect(warnings).toEqual([expect.objectContaining({ outcome: "rate_limited", retry: 1, delayMs: 1000 })]);
  });
});
