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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

// Keys, catalogue, routing settings and usage over HTTP, with the gateway calling the fake provider.
describe.each(databaseKinds())("LLM gateway API on %s", (kind) => {
  let llm: FakeLlm;
  let testApp: TestApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  const SECRET = "sk-live-alice-0123456789-WXYZ";

  const inject = (user: SignedUpUser, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) =>
    testApp.app.inject({ method, url, headers: user.bearerHeaders, ...(payload === undefined ? {} : { payload: payload as object }) });
  const addKey = async (user: SignedUpUser, body: Record<string, unknown>) => {
    const response = await inject(user, "POST", "/api/v1/keys", body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; last4: string; status: string };
  };

  beforeAll(async () => {
    llm = await startFakeLlm({ models: ["fake-model", "fake-model-large"] });
    testApp = await startTestApp(kind, {
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-model",
      SAMOKODER_ALLOW_PRIVATE_PROVIDER_URLS: "true",
      SAMOKODER_LLM_RETRY_BASE_MS: "5",
    });
    alice = await signUpUser(testApp);
    bob = await signUpUser(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
    await llm?.close();
  });
  beforeEach(() => llm.reset());

  it("adds a key encrypted at rest and never returns it, only its last four characters", async () => {
    const created = await addKey(alice, { provider: "openai", apiKey: SECRET, baseUrl: llm.baseUrl, label: "work" });
    expect(created.last4).toBe("WXYZ");
    expect(JSON.stringify(created)).not.toContain(SECRET);
    const list = await inject(alice, "GET", "/api/v1/keys");
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(SECRET);
    expect((list.json() as { items: Array<{ id: string }> }).items.map((k) => k.id)).toContain(created.id);
    const [row] = await testApp.runtime.db.query<{ ciphertext: string; encryption_key_id: string }>(
      "SELECT ciphertext, encryption_key_id FROM provider_keys WHERE id = $1",
      [created.id],
    );
    expect(row?.ciphertext).not.toContain(SECRET);
    expect(Buffer.from(row?.ciphertext ?? "", "base64").toString("latin1")).not.toContain(SECRET);
    expect(row?.encryption_key_id).toBe(testApp.runtime.services.llm.keyRing.currentId);
    expect((await inject(bob, "GET", "/api/v1/keys")).json()).toEqual({ items: [] });
  });

  it("tests keys with a real call: ok, invalid (with the provider's status) and unreachable", async () => {
    llm.requireApiKeys([SECRET]);
    const good = await addKey(alice, { provider: "openai-compatible", apiKey: SECRET, baseUrl: llm.baseUrl });
    const bad = await addKey(alice, { provider: "openai-compatible", apiKey: "sk-wrong-1234", baseUrl: llm.baseUrl });
    const down = await addKey(alice, { provider: "openai-compatible", apiKey: "sk-x", baseUrl: "http://127.0.0.1:9/v1" });

    const ok = await inject(alice, "POST", `/api/v1/keys/${good.id}/test`);
    expect(ok.json()).toMatchObject({ status: "ok", providerStatus: 200, models: 2 });
    expect(llm.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECRET}`);
    const invalid = await inject(alice, "POST", `/api/v1/keys/${bad.id}/test`);
    expect(invalid.json()).toMatchObject({ status: "invalid", providerStatus: 401 });
    const unreachable = await inject(alice, "POST", `/api/v1/keys/${down.id}/test`);
    expect(unreachable.json()).toMatchObject({ status: "unreachable", providerStatus: null });

    const statuses = (await inject(alice, "GET", "/api/v1/keys")).json() as { items: Array<{ id: string; status: string }> };
    expect(statuses.items.find((k) => k.id === bad.id)?.status).toBe("invalid");
    expect(statuses.items.find((k) => k.id === good.id)?.status).toBe("ok");
    for (const key of [good, bad, down]) expect((await inject(alice, "DELETE", `/api/v1/keys/${key.id}`)).statusCode).toBe(204);
  });

  it("scopes keys to their owner and deletes them", async () => {
    const key = await addKey(alice, { provider: "groq", apiKey: "gsk-abcdef" });
    expect((await inject(bob, "POST", `/api/v1/keys/${key.id}/test`)).statusCode).toBe(404);
    expect((await inject(bob, "DELETE", `/api/v1/keys/${key.id}`)).statusCode).toBe(404);
    expect((await inject(alice, "DELETE", `/api/v1/keys/${key.id}`)).statusCode).toBe(204);
    expect((await inject(alice, "DELETE", `/api/v1/keys/${key.id}`)).statusCode).toBe(404);
  });

  it("validates key input", async () => {
    const missingUrl = await inject(alice, "POST", "/api/v1/keys", { provider: "openai-compatible", apiKey: "x" });
    expect(missingUrl.statusCode).toBe(422);
    const badProvider = await inject(alice, "POST", "/api/v1/keys", { provider: "acme", apiKey: "x" });
    expect(badProvider.statusCode).toBe(422);
    const noAuth = await testApp.app.inject({ method: "GET", url: "/api/v1/keys" });
    expect(noAuth.statusCode).toBe(401);
  });

  it("lists the catalogue with prices and models discovered on OpenAI-compatible endpoints", async () => {
    llm.setModels(["fake-model", "qwen-local-7b"]);
    const response = await inject(alice, "GET", "/api/v1/models");
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      defaultModel: string;
      items: Array<{ id: string; source: string; inputPricePerMillion: number | null; available: boolean }>;
    };
    expect(body.defaultModel).toBe("openai-compatible/fake-model");
    const gpt = body.items.find((m) => m.id === "openai/gpt-4o-mini");
    // Alice stored an OpenAI key earlier; Bob has none and the operator configured none.
    expect(gpt).toMatchObject({ source: "catalogue", inputPricePerMillion: 0.15, available: true });
    const bobs = (await inject(bob, "GET", "/api/v1/models")).json() as typeof body;
    expect(bobs.items.find((m) => m.id === "openai/gpt-4o-mini")?.available).toBe(false);
    expect(body.items.find((m) => m.id === "openai-compatible/qwen-local-7b")).toMatchObject({ source: "discovered", available: true });
  });

  it("stores routing per user and per project, and resolves project → user → operator default", async () => {
    const step = (projectId?: string) =>
      testApp.runtime.services.llm.step(
        { userId: alice.user.id, projectId, role: "coder" },
        { system: "s", messages: [{ role: "user", content: "x" }] },
      );
    llm.onRequest((request) => reply().text(`model=${request.model}`));
    expect((await step()).model).toBe("fake-model");

    const settings = { roles: { coder: { model: "openai-compatible/user-coder", fallbacks: ["openai-compatible/fake-model"] } } };
    const put = await inject(alice, "PUT", "/api/v1/settings/models", settings);
    expect(put.statusCode, put.body).toBe(200);
    expect((await inject(alice, "GET", "/api/v1/settings/models")).json()).toEqual(settings);
    expect((await step()).model).toBe("user-coder");
    expect((await inject(alice, "PUT", "/api/v1/settings/models", { roles: { astrologer: { model: "openai/gpt-4o" } } })).statusCode).toBe(
      422,
    );

    const project = (await inject(alice, "POST", "/api/v1/projects", { name: "Routing" })).json() as { project: { id: string } };
    const projectSettings = {
      default: { model: "openai-compatible/project-model", fallbacks: [] },
      roles: {},
      budget: { maxTokens: 100000 },
    };
    const putProject = await inject(alice, "PUT", `/api/v1/projects/${project.project.id}/settings/models`, projectSettings);
    expect(putProject.statusCode, putProject.body).toBe(200);
    expect((await step(project.project.id)).model).toBe("project-model");
    expect((await inject(bob, "GET", `/api/v1/projects/${project.project.id}/settings/models`)).statusCode).toBe(404);
    expect((await inject(bob, "PUT", `/api/v1/projects/${project.project.id}/settings/models`, projectSettings)).statusCode).toBe(404);
    await inject(alice, "PUT", "/api/v1/settings/models", { roles: {} });
  });

  it("marks a user's key invalid when the provider answers 401 during a call, and falls back", async () => {
    const key = await addKey(bob, { provider: "openai", apiKey: "sk-bob-revoked", baseUrl: llm.baseUrl });
    await inject(bob, "PUT", "/api/v1/settings/models", {
      roles: { coder: { model: "openai/gpt-4o-mini", fallbacks: ["openai-compatible/fake-model"] } },
    });
    llm.onRequest((request) => (request.model === "gpt-4o-mini" ? reply().error(401) : reply().text("fallback")));
    const result = await testApp.runtime.services.llm.step(
      { userId: bob.user.id, role: "coder" },
      { system: "s", messages: [{ role: "user", content: "x" }] },
    );
    expect(result.text).toBe("fallback");
    const keys = (await inject(bob, "GET", "/api/v1/keys")).json() as {
      items: Array<{ id: string; status: string; statusDetail: string }>;
    };
    expect(keys.items.find((k) => k.id === key.id)).toMatchObject({ status: "invalid" });
    await inject(bob, "DELETE", `/api/v1/keys/${key.id}`);
    await inject(bob, "PUT", "/api/v1/settings/models", { roles: {} });
  });

  it("reports usage and cost per model and per day; the admin view needs an admin", async () => {
    const carol = await signUpUser(testApp);
    await addKey(carol, { provider: "openai", apiKey: "sk-carol-key", baseUrl: llm.baseUrl });
    await inject(carol, "PUT", "/api/v1/settings/models", { roles: { coder: { model: "openai/gpt-4o-mini" } } });
    llm.enqueue(
      reply().text("a").usage({ input: 1_000_000, output: 100_000 }),
      reply().text("b").usage({ input: 2_000_000, output: 0, cached: 1_000_000 }),
    );
    const call = () =>
      testApp.runtime.services.llm.step(
        { userId: carol.user.id, role: "coder" },
        { system: "s", messages: [{ role: "user", content: "x" }] },
      );
    const first = await call();
    // gpt-4o-mini: $0.15/M input, $0.075/M cached input, $0.60/M output.
    expect(first.costUsd).toBeCloseTo(0.15 + 0.06, 6);
    await call();
    const byModel = await inject(carol, "GET", "/api/v1/usage?groupBy=model");
    expect(byModel.statusCode, byModel.body).toBe(200);
    const report = byModel.json() as {
      items: Array<{ key: string; calls: number; inputTokens: number; costUsd: number }>;
      totals: { costUsd: number };
    };
    expect(report.items).toEqual([expect.objectContaining({ key: "openai/gpt-4o-mini", calls: 2, inputTokens: 3_000_000 })]);
    expect(report.totals.costUsd).toBeCloseTo(0.21 + 0.15 + 0.075, 6);
    const byDay = (await inject(carol, "GET", "/api/v1/usage?groupBy=day")).json() as { items: Array<{ key: string }> };
    expect(byDay.items.map((i) => i.key)).toEqual([new Date().toISOString().slice(0, 10)]);
    expect((await inject(carol, "GET", "/api/v1/usage?groupBy=planet")).statusCode).toBe(422);
    const future = (await inject(carol, "GET", "/api/v1/usage?from=2099-01-01T00:00:00Z&to=2099-02-01T00:00:00Z")).json() as {
      items: unknown[];
    };
    expect(future.items).toEqual([]);

    expect((await inject(carol, "GET", "/api/v1/admin/usage")).statusCode).toBe(403);
    const admin = await signUpUser(testApp, { role: "admin" });
    const all = await inject(admin, "GET", "/api/v1/admin/usage?groupBy=user");
    expect(all.statusCode).toBe(200);
    expect((all.json() as { items: Array<{ key: string }> }).items.map((i) => i.key)).toContain(carol.user.id);
  });
});
