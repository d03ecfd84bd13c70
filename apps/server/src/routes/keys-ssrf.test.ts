import {
  databaseKinds,
  type FakeLlm,
  reply,
  type SignedUpUser,
  signUpUser,
  startFakeLlm,
  startTestApp,
  type TestApp,
} from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Server mode's URL policy over HTTP: private destinations refused, one operator-allowed http host, redirects re-checked.
describe.each(databaseKinds())("provider base URL safety over HTTP on %s", (kind) => {
  let llm: FakeLlm;
  let testApp: TestApp;
  let user: SignedUpUser;

  const addKey = (baseUrl: string) =>
    testApp.app.inject({
      method: "POST",
      url: "/api/v1/keys",
      headers: user.bearerHeaders,
      payload: { provider: "openai-compatible", apiKey: "sk-x", baseUrl },
    });

  beforeAll(async () => {
    llm = await startFakeLlm();
    testApp = await startTestApp(kind, {
      SAMOKODER_ALLOW_PRIVATE_PROVIDER_URLS: "false",
      SAMOKODER_ALLOWED_HTTP_PROVIDER_HOSTS: new URL(llm.origin).host,
      SAMOKODER_LLM_RETRY_BASE_MS: "5",
      RATE_LIMIT_PROVIDER_KEY_TESTS_PER_MINUTE: "4",
    });
    user = await signUpUser(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
    await llm?.close();
  });

  it("refuses loopback, metadata and private addresses, and names resolving to them", async () => {
    for (const url of [
      "https://169.254.169.254/v1",
      "http://127.0.0.1:11434/v1",
      "https://localhost/v1",
      "https://10.0.0.5/v1",
      "ftp://example.com/",
    ]) {
      const response = await addKey(url);
      expect(response.statusCode, url).toBe(422);
      expect((response.json() as { error: { code: string } }).error.code, url).toMatch(/url_not_allowed|validation_failed/);
    }
    expect((await addKey("https://169.254.169.254/v1")).json()).toMatchObject({ error: { code: "url_not_allowed" } });
    expect((await testApp.app.inject({ method: "GET", url: "/api/v1/keys", headers: user.bearerHeaders })).json()).toEqual({ items: [] });
  });

  it("accepts the operator-allowed http host but refuses where it redirects, in key tests and in calls", async () => {
    const created = await addKey(llm.baseUrl);
    expect(created.statusCode, created.body).toBe(201);
    const keyId = (created.json() as { id: string }).id;
    expect(
      (await testApp.app.inject({ method: "POST", url: `/api/v1/keys/${keyId}/test`, headers: user.bearerHeaders })).json(),
    ).toMatchObject({
      status: "ok",
    });

    llm.redirectTo("https://localhost:1");
    const redirected = await testApp.app.inject({ method: "POST", url: `/api/v1/keys/${keyId}/test`, headers: user.bearerHeaders });
    expect(redirected.statusCode).toBe(422);
    expect(redirected.json()).toMatchObject({ error: { code: "url_not_allowed" } });

    await testApp.runtime.services.llm.putUserSettings(user.user.id, {
      roles: { coder: { model: "openai-compatible/fake-model", fallbacks: [] } },
    });
    llm.enqueue(reply().text("must not be reached"));
    const error = await testApp.runtime.services.llm
      .step({ userId: user.user.id, role: "coder" }, { system: "s", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "url_not_allowed" });
    const [row] = await testApp.runtime.db.query<{ outcome: string }>("SELECT outcome FROM usage_ledger WHERE user_id = $1", [
      user.user.id,
    ]);
    expect(row?.outcome).toBe("url_not_allowed");
    llm.redirectTo(undefined);
  });

  it("limits key tests per user, since each one is an outbound call", async () => {
    const created = await addKey(llm.baseUrl);
    const keyId = (created.json() as { id: string }).id;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await testApp.app.inject({ method: "POST", url: `/api/v1/keys/${keyId}/test`, headers: user.bearerHeaders });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.headers["retry-after"]).toBeDefined();
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
  });
});
