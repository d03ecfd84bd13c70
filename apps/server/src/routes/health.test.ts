import { migrateDown, migrateUp } from "@samokoder/db";
import { databaseKinds, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each(databaseKinds())("health, readiness and metrics on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { SAMOKODER_METRICS_TOKEN: "metrics-token-0123456789" });
    await migrateUp(t.database.handle);
  });
  afterAll(async () => {
    await t.close();
  });

  it("reports liveness with the version", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", version: expect.any(String) });
  });

  it("is ready when the database answers and migrations are current, 503 when they are not", async () => {
    const ready = await t.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", checks: { database: { ok: true }, migrations: { ok: true, pending: 0 } } });

    await migrateDown(t.database.handle, 1);
    try {
      const notReady = await t.app.inject({ method: "GET", url: "/ready" });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ status: "not_ready", checks: { migrations: { ok: false, pending: 1 } } });
    } finally {
      await migrateUp(t.database.handle);
    }
  });

  it("requires the metrics token when one is configured", async () => {
    const anonymous = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(anonymous.statusCode).toBe(401);
    const wrong = await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer wrong-token-0123456789" } });
    expect(wrong.statusCode).toBe(401);
  });

  it("exposes HTTP metrics by route template, process metrics and build info", async () => {
    await t.app.inject({ method: "GET", url: "/health" });
    await t.app.inject({ method: "GET", url: "/api/v1/projects/0b0c61b0-9f3c-4e3c-9a57-6a1f2f3c0d11" });
    const res = await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer metrics-token-0123456789" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(/samokoder_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    // Parameterised paths are labelled by their template, never by the concrete id.
    expect(res.body).toContain('route="/api/v1/projects/:id"');
    expect(res.body).not.toContain("0b0c61b0-9f3c");
    expect(res.body).toContain("samokoder_http_request_duration_seconds_bucket");
    expect(res.body).toContain("samokoder_process_cpu_seconds_total");
    expect(res.body).toMatch(/samokoder_build_info\{version="[^"]+",node="v20[^"]*"\} 1/);
  });
});
