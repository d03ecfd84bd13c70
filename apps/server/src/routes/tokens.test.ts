import { sha256 } from "@samokoder/core";
import { databaseKinds, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each(databaseKinds())("personal access tokens and admin on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const inject = (method: "GET" | "POST" | "DELETE", url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const me = (secret: string) => inject("GET", "/api/v1/auth/me", { authorization: `Bearer ${secret}` });

  it("shows the secret once, stores only its SHA-256 and lists tokens without secrets", async () => {
    const user = await signUpUser(t);
    const created = await inject("POST", "/api/v1/tokens", user.cookieHeaders, { name: "ci script", expiresInDays: 30 });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret).toMatch(/^skp_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(token.prefix.length).toBeLessThan(secret.length / 2);
    expect(new Date(token.expiresAt).getTime() - new Date(token.createdAt).getTime()).toBe(30 * 86_400_000);

    const rows = await t.runtime.db.query<{ token_hash: string }>("SELECT token_hash FROM personal_access_tokens WHERE id = $1", [
      token.id,
    ]);
    expect(rows[0]?.token_hash).toBe(sha256(secret));
    expect(JSON.stringify(await t.runtime.db.query("SELECT * FROM personal_access_tokens"))).not.toContain(secret);

    const list = await inject("GET", "/api/v1/tokens", user.bearerHeaders);
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((i: { name: string }) => i.name)
        .sort(),
    ).toEqual(["ci script", "test-support"]);
    expect(list.body).not.toContain(secret);
    expect(list.json().items[0]).not.toHaveProperty("secret");
  });

  it("authenticates as the owner and records when it was last used", async () => {
    const user = await signUpUser(t);
    const { secret, token } = (await inject("POST", "/api/v1/tokens", user.bearerHeaders, { name: "use me" })).json();
    expect(token.lastUsedAt).toBeNull();
    const response = await me(secret);
    expect(response.statusCode).toBe(200);
    expect(response.json().user.id).toBe(user.user.id);
    expect(response.headers.deprecation).toBeUndefined();
    const listed = (await inject("GET", "/api/v1/tokens", user.bearerHeaders)).json().items.find((i: { id: string }) => i.id === token.id);
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it("stops working after it expires", async () => {
    const user = await signUpUser(t);
    const { secret, token } = (await inject("POST", "/api/v1/tokens", user.bearerHeaders, { name: "short", expiresInDays: 1 })).json();
    expect((await me(secret)).statusCode).toBe(200);
    await t.runtime.db.query("UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [token.id]);
    const expired = await me(secret);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe("unauthorized");
  });

  it("is revoked by its owner only; revoked tokens fail at once", async () => {
    const owner = await signUpUser(t);
    const stranger = await signUpUser(t);
    const { secret, token } = (await inject("POST", "/api/v1/tokens", owner.bearerHeaders, { name: "revoke me" })).json();
    expect((await inject("DELETE", `/api/v1/tokens/${token.id}`, stranger.bearerHeaders)).statusCode).toBe(404);
    expect((await me(secret)).statusCode).toBe(200);
    expect((await inject("DELETE", `/api/v1/tokens/${token.id}`, owner.cookieHeaders)).statusCode).toBe(204);
    expect((await me(secret)).statusCode).toBe(401);
    expect((await inject("DELETE", `/api/v1/tokens/${token.id}`, owner.cookieHeaders)).statusCode).toBe(404);
    const events = await t.runtime.db.query<{ event: string; details: string }>(
      "SELECT event, details FROM audit_events WHERE user_id = $1 AND event LIKE 'token.%' ORDER BY id",
      [owner.user.id],
    );
    expect(events.map((e) => e.event)).toEqual(["token.created", "token.created", "token.revoked"]);
    expect(events.map((e) => e.details).join()).not.toContain(secret);
  });

  it("rejects unknown tokens and malformed Authorization headers", async () => {
    expect((await me(`skp_${"A".repeat(43)}`)).statusCode).toBe(401);
    expect((await inject("GET", "/api/v1/auth/me", { authorization: "Basic dXNlcjpwYXNz" })).statusCode).toBe(401);
    expect((await inject("GET", "/api/v1/auth/me", { authorization: "Bearer" })).statusCode).toBe(401);
  });

  it("validates token input", async () => {
    const user = await signUpUser(t);
    for (const payload of [{}, { name: "" }, { name: 5 }, { name: "x", expiresInDays: 0 }, { name: "x", expiresInDays: "soon" }]) {
      const response = await inject("POST", "/api/v1/tokens", user.bearerHeaders, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
      expect(response.json().error.code).toBe("validation_failed");
    }
    expect((await inject("DELETE", "/api/v1/tokens/not-a-uuid", user.bearerHeaders)).statusCode).toBe(422);
    expect((await inject("GET", "/api/v1/tokens", {})).statusCode).toBe(401);
  });

  it("lets only administrators list users, with cursor pagination", async () => {
    const user = await signUpUser(t);
    const admin = await signUpUser(t, { role: "admin" });
    expect((await inject("GET", "/api/v1/admin/users", {})).statusCode).toBe(401);
    const forbidden = await inject("GET", "/api/v1/admin/users", user.bearerHeaders);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe("forbidden");

    const all = await inject("GET", "/api/v1/admin/users?limit=200", admin.cookieHeaders);
    expect(all.statusCode).toBe(200);
    const emails = all.json().items.map((u: { email: string }) => u.email);
    expect(emails).toEqual(expect.arrayContaining([user.email, admin.email]));
    expect(all.body).not.toContain("password");

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : "limit=2";
      const page = await inject("GET", `/api/v1/admin/users?${query}`, admin.bearerHeaders);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((u: { email: string }) => u.email));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(emails);
    expect((await inject("GET", "/api/v1/admin/users?cursor=bm9wZQ", admin.bearerHeaders)).statusCode).toBe(400);
    expect((await inject("GET", "/api/v1/admin/users?limit=0", admin.bearerHeaders)).statusCode).toBe(422);
    const audited = await t.runtime.db.query("SELECT 1 FROM audit_events WHERE user_id = $1 AND event = 'admin.users_listed'", [
      admin.user.id,
    ]);
    expect(audited.length).toBeGreaterThan(1);
  });
});
