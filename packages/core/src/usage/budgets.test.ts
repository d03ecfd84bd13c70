import { randomUUID } from "node:crypto";
import { databaseKinds, type FakeLlm, reply, signUpUser, startFakeLlm, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../errors/index";
import type { LlmCallContext } from "../llm/types";
import { reserveBudget, settleBudget } from "./budgets";

const QUOTA = 1000;

// Budgets and quotas through the real gateway, database and fake provider.
describe.each(databaseKinds())("LLM budgets and quotas on %s", (kind) => {
  let llm: FakeLlm;
  let testApp: TestApp;

  const step = (context: Omit<LlmCallContext, "role">) =>
    testApp.runtime.services.llm.step(
      { ...context, role: "coder" },
      { system: "s", messages: [{ role: "user", content: "go" }], maxOutputTokens: 50 },
    );
  const quotaError = (error: unknown) => (AppError.isInstance(error) && error.code === "quota_exceeded" ? error : undefined);

  beforeAll(async () => {
    llm = await startFakeLlm();
    testApp = await startTestApp(kind, {
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-model",
      LLM_TOKEN_QUOTA_FREE: String(QUOTA),
    });
  });
  afterAll(async () => {
    await testApp?.close();
    await llm?.close();
  });
  beforeEach(() => llm.reset());

  it("refuses with 402 quota_exceeded, saying what was used and the limit, once the monthly quota is spent", async () => {
    const { user } = await signUpUser(testApp);
    llm.onRequest(() => reply().text("ok").usage({ input: 300, output: 100 }));
    for (let i = 0; i < 3; i++) await step({ userId: user.id });
    const error = quotaError(await step({ userId: user.id }).catch((e: unknown) => e));
    expect(error?.status).toBe(402);
    expect(error?.details).toMatchObject({ used: 1200, limit: QUOTA, scope: "user_month" });
    expect(llm.requests).toHaveLength(3);
  });

  it("lets two concurrent runs near the limit overspend by at most one call each", async () => {
    const { user } = await signUpUser(testApp);
    const perCall = 100;
    llm.onRequest(() => reply().slowFirstByte(5).text("ok").usage({ input: 60, output: 40 }));
    const run = async () => {
      const runId = randomUUID();
      let calls = 0;
      for (;;) {
        try {
          await step({ userId: user.id, runId });
          calls++;
        } catch (error) {
          if (!quotaError(error)) throw error;
          return calls;
        }
      }
    };
    const [a, b] = await Promise.all([run(), run()]);
    const [row] = await testApp.runtime.db.query<{ tokens: number }>(
      "SELECT sum(input_tokens + output_tokens)::int AS tokens FROM usage_ledger WHERE user_id = $1",
      [user.id],
    );
    expect((a ?? 0) + (b ?? 0)).toBe(llm.requests.length);
    expect(row?.tokens).toBeGreaterThanOrEqual(QUOTA - perCall);
    expect(row?.tokens).toBeLessThanOrEqual(QUOTA + 2 * perCall);
    const [counter] = await testApp.runtime.db.query<{ used: number; reserved: number }>(
      "SELECT used_tokens::int AS used, reserved_tokens::int AS reserved FROM llm_budget_counters WHERE scope = 'user_month' AND scope_id LIKE $1",
      [`${user.id}:%`],
    );
    expect(counter).toEqual({ used: row?.tokens, reserved: 0 });
  });

  it("enforces per-run and per-project budgets from the project settings", async () => {
    const owner = await signUpUser(testApp);
    const created = await testApp.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: owner.bearerHeaders,
      payload: { name: "Budgeted" },
    });
    const projectId = (created.json() as { project: { id: string } }).project.id;
    await testApp.runtime.services.llm.putProjectSettings(owner.user.id, projectId, {
      roles: {},
      budget: { maxTokens: 500, runMaxTokens: 250 },
    });
    llm.onRequest(() => reply().text("ok").usage({ input: 100, output: 50 }));

    const firstRun = randomUUID();
    await step({ userId: owner.user.id, projectId, runId: firstRun });
    await step({ userId: owner.user.id, projectId, runId: firstRun });
    const runError = quotaError(await step({ userId: owner.user.id, projectId, runId: firstRun }).catch((e: unknown) => e));
    expect(runError?.details).toMatchObject({ scope: "run", used: 300, limit: 250 });

    await step({ userId: owner.user.id, projectId, runId: randomUUID() });
    const secondRun = randomUUID();
    const projectError = quotaError(await step({ userId: owner.user.id, projectId, runId: secondRun }).catch((e: unknown) => e));
    expect(projectError?.details).toMatchObject({ scope: "project", used: 450, limit: 500 });
  });

  it("lets a reservation left by a call that died lapse after its lease, instead of leaking quota", async () => {
    const limit = [{ scope: "run" as const, scopeId: randomUUID(), maxTokens: 100 }];
    const db = testApp.runtime.db;
    // A live call holds 80 of 100 tokens: another 30 does not fit.
    await reserveBudget(db, limit, { tokens: 80, costUsd: 0 }, 3600);
    expect(quotaError(await reserveBudget(db, limit, { tokens: 30, costUsd: 0 }).catch((e: unknown) => e))?.details).toMatchObject({
      used: 80,
    });
    // A call whose lease has run out (its process died before settling) no longer counts.
    const stale = [{ scope: "run" as const, scopeId: randomUUID(), maxTokens: 100 }];
    await reserveBudget(db, stale, { tokens: 80, costUsd: 0 }, 0);
    const next = await reserveBudget(db, stale, { tokens: 30, costUsd: 0 }, 3600);
    await settleBudget(db, next, { tokens: 25, costUsd: 0 });
    const [row] = await db.query<{ used: number; reserved: number }>(
      "SELECT used_tokens::int AS used, reserved_tokens::int AS reserved FROM llm_budget_counters WHERE scope = 'run' AND scope_id = $1",
      [stale[0]?.scopeId],
    );
    expect(row).toEqual({ used: 25, reserved: 0 });
  });
});
