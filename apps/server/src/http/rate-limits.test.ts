import { randomBytes } from "node:crypto";
import { databaseKinds, randomClientAddress, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LIMITS = {
  RATE_LIMIT_LOGIN_PER_MINUTE: "3",
  RATE_LIMIT_REGISTER_PER_MINUTE: "2",
  RATE_LIMIT_REFRESH_PER_MINUTE: "2",
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: "5",
  RATE_LIMIT_USER_PER_MINUTE: "8",
};

function expectRateLimited(
  response: { statusCode: number; headers: Record<string, unknown>; json(): { error: { code: string } } },
  limit: number,
) {
  expect(response.statusCode).toBe(429);
  expect(response.json().error.code).toBe("rate_limited");
  expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
  expect(response.headers["ratelimit-limit"]).toBe(String(limit));
  expect(response.headers["ratelimit-remaining"]).toBe("0");
  expect(Number(response.headers["ratelimit-reset"])).toBeGreaterThan(0);
}

describe.each(databaseKinds())("rate limits on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { ...LIMITS, TRUST_PROXY: "true" });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (remoteAddress: string) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "x@example.com", password: "Nope-Nope-1" },
      remoteAddress,
    });

  it("limits login per client address and route, with RateLimit headers", async () => {
    const address = randomClientAddress();
    for (let i = 0; i < 3; i++) {
      const response = await login(address);
      expect(response.statusCode).toBe(401);
      expect(response.headers["ratelimit-remaining"]).toBe(String(2 - i));
    }
    expectRateLimited(await login(address), 3);
    expect((await login(randomClientAddress())).statusCode).toBe(401);
  });

  it("limits register and refresh per address", async () => {
    const address = randomClientAddress();
    const register = () => t.app.inject({ method: "POST", url: "/api/v1/auth/register", payload: {}, remoteAddress: address });
    expect((await register()).statusCode).toBe(422);
    expect((await register()).statusCode).toBe(422);
    expectRateLimited(await register(), 2);
    const refresh = () => t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", remoteAddress: address });
    expect((await refresh()).statusCode).toBe(401);
    expect((await refresh()).statusCode).toBe(401);
    expectRateLimited(await refresh(), 2);
  });

  it("counts IPv6 clients of one /64 prefix as one address", async () => {
    const prefix = `2001:db8:${randomBytes(2).toString("hex")}:1`;
    for (let i = 1; i <= 3; i++) expect((await login(`${prefix}::${i}`)).statusCode).toBe(401);
    expectRateLimited(await login(`${prefix}::ffff`), 3);
    expect((await login(`2001:db8:${randomBytes(2).toString("hex")}:2::1`)).statusCode).toBe(401);
  });

  it("applies a global per-address limit to anonymous requests", async () => {
    const address = randomClientAddress();
    for (let i = 0; i < 5; i++)
      expect((await t.app.inject({ method: "GET", url: "/health", remoteAddress: address })).statusCode).toBe(200);
    expectRateLimited(await t.app.inject({ method: "GET", url: "/health", remoteAddress: address }), 5);
    // Unauthenticated calls to protected routes count against the same anonymous budget.
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", remoteAddress: address })).statusCode).toBe(429);
  });

  it("applies a per-user limit to authenticated requests, whatever the address", async () => {
    const user = await signUpUser(t);
    const other = await signUpUser(t);
    // signUpUser spent one request of the user's budget creating its token.
    for (let i = 0; i < 7; i++) {
      const response = await t.app.inject({
        method: "GET",
        url: "/api/v1/auth/me",
        headers: user.bearerHeaders,
        remoteAddress: randomClientAddress(),
      });
      expect(response.statusCode).toBe(200);
    }
    expectRateLimited(await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: user.bearerHeaders }), 8);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: other.bearerHeaders })).statusCode).toBe(200);
  });

  it("takes the client address from X-Forwarded-For behind a trusted proxy", async () => {
    const address = randomClientAddress();
    const viaProxy = () =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: "x@example.com", password: "Nope-Nope-1" },
        headers: { "x-forwarded-for": address },
        remoteAddress: randomClientAddress(),
      });
    for (let i = 0; i < 3; i++) expect((await viaProxy()).statusCode).toBe(401);
    expect((await viaProxy()).statusCode).toBe(429);
  });

  it("marks cookies Secure when the request is HTTPS", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: { email: `secure-${randomBytes(4).toString("hex")}@example.com`, password: "Correct-Horse-7-Battery" },
      headers: { "x-forwarded-proto": "https" },
      remoteAddress: randomClientAddress(),
    });
    expect(response.statusCode).toBe(201);
    const cookies = response.headers["set-cookie"] as string[];
    expect(cookies).toHaveLength(3);
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure; SameSite=Strict$/);
  });
});

describe("rate limits shared through Redis", () => {
  const prefix = `samokoder-test-${randomBytes(6).toString("hex")}:`;
  const redis = new Redis("redis://127.0.0.1:6379");
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const env = { ...LIMITS, REDIS_URL: "redis://127.0.0.1:6379", RATE_LIMIT_REDIS_PREFIX: prefix };
    first = await startTestApp("pglite", env);
    second = await startTestApp("pglite", env);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("counts one budget across API processes", async () => {
    const address = randomClientAddress();
    const login = (app: TestApp) =>
      app.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: "x@example.com", password: "Nope-Nope-1" },
        remoteAddress: address,
      });
    expect((await login(first)).statusCode).toBe(401);
    expect((await login(second)).statusCode).toBe(401);
    expect((await login(first)).statusCode).toBe(401);
    expectRateLimited(await login(second), 3);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.some((k) => k.includes("/api/v1/auth/login") && k.endsWith(`ip:${address}`))).toBe(true);
  });
});
