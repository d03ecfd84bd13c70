import { accessTokenKey, deriveKey } from "@samokoder/core";
import {
  cookiesFrom,
  databaseKinds,
  randomClientAddress,
  sessionHeaders,
  signIn,
  signUpUser,
  startTestApp,
  TEST_APP_SECRET_KEY,
  TEST_SECRET_KEY,
  type TestApp,
} from "@samokoder/test-support";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe.each(databaseKinds())("sessions, access tokens and CSRF on %s", (kind) => {
  let t: TestApp;
  /** Every secret handed out in this file; the audit log must contain none of them. */
  const secrets: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (headers: Record<string, string>) => t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers });
  const refresh = (headers: Record<string, string>) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", headers, remoteAddress: randomClientAddress() });

  async function session() {
    const user = await signUpUser(t);
    const signedIn = await signIn(t, user.email, user.password);
    secrets.push(user.password, ...Object.values(signedIn.cookies), user.bearerHeaders.authorization?.slice(7) ?? "");
    return { user, ...signedIn };
  }

  async function forge(key: Uint8Array, claims: Record<string, unknown>, expiresAt = Math.floor(Date.now() / 1000) + 600) {
    return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setJti("j1").setIssuedAt().setExpirationTime(expiresAt).sign(key);
  }

  it("accepts a bearer access JWT during the grace period and marks it deprecated", async () => {
    const s = await session();
    const response = await me({ authorization: `Bearer ${s.cookies.access_token}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers.deprecation).toBe("true");
    const cookie = await me(s.cookieHeaders);
    expect(cookie.headers.deprecation).toBeUndefined();
  });

  it("rejects expired, forged, alg:none and wrongly keyed access tokens", async () => {
    const s = await session();
    const sid = (await t.runtime.db.query<{ id: string }>("SELECT id FROM sessions WHERE user_id = $1 LIMIT 1", [s.user.user.id]))[0]?.id;
    const claims = { sub: s.user.user.id, sid, typ: "access" };
    const rightKey = accessTokenKey(TEST_SECRET_KEY);
    // Sanity: the same claims under the right key are accepted, so each rejection below is about one flaw.
    expect((await me({ authorization: `Bearer ${await forge(rightKey, claims)}` })).statusCode).toBe(200);

    const expired = await me({ authorization: `Bearer ${await forge(rightKey, claims, Math.floor(Date.now() / 1000) - 60)}` });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe("token_expired");

    const [header, , signature] = (s.cookies.access_token ?? "").split(".");
    const tampered = `${header}.${b64({ ...claims, sub: "00000000-0000-4000-8000-000000000000", exp: 9999999999, jti: "x" })}.${signature}`;
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, exp: 9999999999, jti: "x" })}.`;
    const attempts = [
      tampered,
      none,
      await forge(deriveKey(TEST_APP_SECRET_KEY, "access-token"), claims),
      await forge(new TextEncoder().encode(TEST_APP_SECRET_KEY), claims),
      await forge(new TextEncoder().encode(TEST_SECRET_KEY), claims),
      await forge(rightKey, { ...claims, typ: "refresh" }),
      await forge(rightKey, { sub: s.user.user.id, typ: "access" }),
      "not.a.jwt",
    ];
    for (const token of attempts) {
      const asBearer = await me({ authorization: `Bearer ${token}` });
      expect(asBearer.statusCode, token).toBe(401);
      const asCookie = await me({ cookie: `access_token=${token}` });
      expect(asCookie.statusCode, token).toBe(401);
    }
  });

  it("does not accept a refresh token as an access token", async () => {
    const s = await session();
    const token = s.cookies.refresh_token ?? "";
    expect(token).toMatch(/^skr_/);
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await me({ cookie: `access_token=${token}` })).statusCode).toBe(401);
  });

  it("rotates the refresh token; reusing an old one revokes the whole family", async () => {
    const s = await session();
    const first = await refresh(s.refreshHeaders);
    expect(first.statusCode).toBe(204);
    const rotated = sessionHeaders(cookiesFrom(first.headers["set-cookie"]));
    secrets.push(...Object.values(rotated.cookies));
    expect(rotated.cookies.refresh_token).not.toBe(s.cookies.refresh_token);
    expect((await me(rotated.cookieHeaders)).statusCode).toBe(200);

    const reuse = await refresh(s.refreshHeaders);
    expect(reuse.statusCode).toBe(401);
    // The family is gone: the newest refresh token and every access token of the session fail too.
    expect((await refresh(rotated.refreshHeaders)).statusCode).toBe(401);
    expect((await me(rotated.cookieHeaders)).statusCode).toBe(401);
    expect((await me(s.cookieHeaders)).statusCode).toBe(401);
    const audit = await t.runtime.db.query("SELECT 1 FROM audit_events WHERE user_id = $1 AND event = 'auth.refresh_reuse'", [
      s.user.user.id,
    ]);
    expect(audit).toHaveLength(1);
  });

  it("protects refresh with the CSRF token and needs the refresh cookie", async () => {
    const s = await session();
    const withoutCsrf = await refresh({ cookie: `refresh_token=${s.cookies.refresh_token}` });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutCsrf.json().error.code).toBe("csrf_failed");
    const withoutCookie = await refresh({ "x-csrf-token": s.cookies.csrf_token ?? "" });
    expect(withoutCookie.statusCode).toBe(401);
    expect((await refresh(s.refreshHeaders)).statusCode).toBe(204);
  });

  it("logs out: revokes the session, invalidates its access token and clears the cookies", async () => {
    const s = await session();
    const withoutCsrf = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie: s.cookieHeaders.cookie ?? "" },
    });
    expect(withoutCsrf.statusCode).toBe(403);
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { ...s.cookieHeaders, cookie: `${s.cookieHeaders.cookie}; refresh_token=${s.cookies.refresh_token}` },
    });
    expect(response.statusCode).toBe(204);
    const cleared = (response.headers["set-cookie"] as string[])
      .filter((c) => /Expires=Thu, 01 Jan 1970/.test(c))
      .map((c) => c.split("=")[0]);
    expect(cleared.sort()).toEqual(["access_token", "csrf_token", "refresh_token"]);
    expect((await me(s.cookieHeaders)).statusCode).toBe(401);
    expect((await refresh(s.refreshHeaders)).statusCode).toBe(401);
  });

  it("logs out with only the refresh cookie when the access token has expired", async () => {
    const s = await session();
    const response = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: s.refreshHeaders });
    expect(response.statusCode).toBe(204);
    expect((await me(s.cookieHeaders)).statusCode).toBe(401);
  });

  it("requires X-CSRF-Token on cookie-authenticated writes but not on bearer ones", async () => {
    const a = await session();
    const b = await session();
    const create = (headers: Record<string, string>) =>
      t.app.inject({ method: "POST", url: "/api/v1/tokens", headers, payload: { name: "csrf-check" } });
    const cookieOnly = { cookie: a.cookieHeaders.cookie ?? "" };
    const missing = await create(cookieOnly);
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe("csrf_failed");
    expect((await create({ ...cookieOnly, "x-csrf-token": "garbage.token" })).statusCode).toBe(403);
    expect((await create({ ...cookieOnly, "x-csrf-token": b.cookies.csrf_token ?? "" })).statusCode).toBe(403);

    const fetched = await t.app.inject({ method: "GET", url: "/api/v1/auth/csrf", headers: cookieOnly });
    expect(fetched.statusCode).toBe(200);
    const { csrfToken } = fetched.json();
    expect((await create({ ...cookieOnly, "x-csrf-token": csrfToken })).statusCode).toBe(201);
    expect((await create(a.user.bearerHeaders)).statusCode).toBe(201);
    // Safe methods never need it.
    expect((await t.app.inject({ method: "GET", url: "/api/v1/tokens", headers: cookieOnly })).statusCode).toBe(200);
  });

  it("changes the password with the current one and ends every other session", async () => {
    const s = await session();
    const other = await signIn(t, s.user.email, s.user.password);
    const change = (payload: object) => t.app.inject({ method: "POST", url: "/api/v1/auth/password", headers: s.cookieHeaders, payload });

    const wrong = await change({ currentPassword: "Not-The-Password-1", newPassword: "Another-Strong-Pass-9" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("invalid_credentials");
    const weak = await change({ currentPassword: s.user.password, newPassword: "short" });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.code).toBe("weak_password");
    expect((await change({ currentPassword: s.user.password })).statusCode).toBe(422);

    const newPassword = "Another-Strong-Pass-9";
    secrets.push(newPassword);
    expect((await change({ currentPassword: s.user.password, newPassword })).statusCode).toBe(204);
    expect((await me(s.cookieHeaders)).statusCode).toBe(200);
    expect((await me(other.cookieHeaders)).statusCode).toBe(401);
    expect((await refresh(other.refreshHeaders)).statusCode).toBe(401);
    await expect(signIn(t, s.user.email, s.user.password)).rejects.toThrow(/401/);
    await expect(signIn(t, s.user.email, newPassword)).resolves.toBeDefined();
  });

  it("writes audit rows with user, address, agent and time, and never a secret", async () => {
    const s = await session();
    await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { ...s.cookieHeaders, "user-agent": "audit-test/1.0" } });
    const rows = await t.runtime.db.query<{
      event: string;
      user_id: string | null;
      ip_address: string | null;
      user_agent: string | null;
      created_at: Date;
    }>("SELECT event, user_id, ip_address, user_agent, created_at FROM audit_events WHERE user_id = $1 ORDER BY id", [s.user.user.id]);
    expect(rows.map((r) => r.event)).toEqual(["auth.register", "token.created", "auth.login", "auth.logout"]);
    for (const row of rows) {
      expect(row.ip_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(new Date(row.created_at).getTime()).toBeGreaterThan(0);
    }
    expect(rows.at(-1)?.user_agent).toBe("audit-test/1.0");

    const everything = JSON.stringify(await t.runtime.db.query("SELECT * FROM audit_events"));
    const attempts = JSON.stringify(await t.runtime.db.query("SELECT * FROM login_attempts"));
    for (const secret of secrets.filter((v) => v.length >= 8)) {
      expect(everything).not.toContain(secret);
      expect(attempts).not.toContain(secret);
    }
  });
});
