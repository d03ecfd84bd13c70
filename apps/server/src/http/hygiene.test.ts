import { startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

function expectEnvelope(body: string, code: string) {
  const parsed = JSON.parse(body) as { error: { code: string; message: string; requestId: string; details?: unknown } };
  expect(parsed.error.code).toBe(code);
  expect(typeof parsed.error.message).toBe("string");
  expect(parsed.error.requestId.length).toBeGreaterThan(0);
  // No stack traces, file paths or library internals in any error body.
  expect(body).not.toMatch(/at .+\.(ts|js):\d+|node_modules|\/work\/|FST_|ZodError|drizzle|pglite|postgres:\/\//i);
  return parsed;
}

describe("HTTP hygiene", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("pglite", { CORS_ORIGINS: "https://app.example.com, http://localhost:5173", BODY_LIMIT_BYTES: "2048" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers unknown routes with the 404 envelope", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/nope" });
    expect(res.statusCode).toBe(404);
    expectEnvelope(res.body, "not_found");
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/health" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toContain("GET");
    expectEnvelope(res.body, "method_not_allowed");
  });

  it("rejects malformed JSON with 400 invalid_json", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "application/json" },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expectEnvelope(res.body, "invalid_json");
  });

  it("rejects bodies over the limit with 413", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ name: "x".repeat(5000) }),
    });
    expect(res.statusCode).toBe(413);
    expectEnvelope(res.body, "payload_too_large");
  });

  it("rejects unsupported content types with 415", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "application/xml" },
      payload: "<a/>",
    });
    expect(res.statusCode).toBe(415);
    expectEnvelope(res.body, "unsupported_media_type");
  });

  it("requires authentication under /api/v1 by default", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/projects" });
    expect(res.statusCode).toBe(401);
    expectEnvelope(res.body, "unauthorized");
  });

  it("sends security headers and no Server/X-Powered-By on every response", async () => {
    for (const url of ["/health", "/api/v1/nope", "/api/openapi.json"]) {
      const res = await t.app.inject({ method: "GET", url });
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(res.headers["permissions-policy"]).toContain("camera=()");
      expect(res.headers.server).toBeUndefined();
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
  });

  it("sends HSTS only over HTTPS (behind a trusted proxy)", async () => {
    const plain = await t.app.inject({ method: "GET", url: "/health" });
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
    const proxied = await startTestApp("pglite", { TRUST_PROXY: "true" });
    try {
      const secure = await proxied.app.inject({ method: "GET", url: "/health", headers: { "x-forwarded-proto": "https" } });
      expect(secure.headers["strict-transport-security"]).toContain("max-age=31536000");
    } finally {
      await proxied.close();
    }
  });

  it("gives CORS headers with credentials only to allowed origins", async () => {
    const allowed = await t.app.inject({ method: "GET", url: "/health", headers: { origin: "https://app.example.com" } });
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(allowed.headers["access-control-allow-credentials"]).toBe("true");
    const other = await t.app.inject({ method: "GET", url: "/health", headers: { origin: "https://evil.example.net" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    expect(other.headers["access-control-allow-credentials"]).toBeUndefined();
    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: "/api/v1/projects",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(preflight.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
  });

  it("returns a request id, echoing a well-formed incoming one", async () => {
    const generated = await t.app.inject({ method: "GET", url: "/health" });
    expect(generated.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await t.app.inject({ method: "GET", url: "/api/v1/nope", headers: { "x-request-id": "trace-abc-12345" } });
    expect(echoed.headers["x-request-id"]).toBe("trace-abc-12345");
    expect(JSON.parse(echoed.body).error.requestId).toBe("trace-abc-12345");
    const hostile = await t.app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(hostile.headers["x-request-id"]).not.toContain("<");
  });

  it("serves the OpenAPI 3.1 document and the docs UI", async () => {
    const doc = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(doc.statusCode).toBe(200);
    const parsed = JSON.parse(doc.body) as { openapi: string; paths: Record<string, unknown> };
    expect(parsed.openapi).toBe("3.1.0");
    expect(Object.keys(parsed.paths)).toContain("/api/v1/projects");
    const ui = await t.app.inject({ method: "GET", url: "/api/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain("swagger");
  });
});
