import { cookiesFrom, databaseKinds, randomClientAddress, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const STRONG = "Correct-Horse-7-Battery";

describe.each(databaseKinds())("registration and login on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: payload as object,
      headers,
      remoteAddress: randomClientAddress(),
    });
  const login = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: payload as object, headers, remoteAddress: randomClientAddress() });

  it("registers with 201, returns only the user and signs in with strict httpOnly cookies", async () => {
    const response = await register({ email: "first@example.com", password: STRONG, name: "First" });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body)).toEqual(["user"]);
    expect(body.user).toMatchObject({ email: "first@example.com", name: "First", role: "user", tier: "free" });
    expect(JSON.stringify(body)).not.toContain(STRONG);
    const setCookie = response.headers["set-cookie"] as string[];
    const access = setCookie.find((c) => c.startsWith("access_token="));
    const refresh = setCookie.find((c) => c.startsWith("refresh_token="));
    expect(access).toMatch(/; Max-Age=900; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(refresh).toMatch(/; Max-Age=604800; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict$/);
    // Plain http on a test socket: no Secure flag (the https case is covered in rate-limits.test.ts).
    expect(access).not.toContain("Secure");
    const me = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { cookie: `access_token=${cookiesFrom(setCookie).access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(body.user.id);
  });

  it("normalises emails (trim, NFKC, lower-case) and refuses duplicates that differ only in case or width", async () => {
    const response = await register({ email: "  \uFF2D\uFF29\uFF38\uFF25\uFF24@Example.COM \t", password: STRONG });
    expect(response.statusCode).toBe(201);
    expect(response.json().user.email).toBe("mixed@example.com");
    for (const email of ["mixed@example.com", "MIXED@EXAMPLE.COM", " Mixed@example.com "]) {
      const duplicate = await register({ email, password: STRONG });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().error.code).toBe("email_taken");
      expect(duplicate.json().error.details).toBeUndefined();
    }
    const signedIn = await login({ email: "MIXED@example.com ", password: STRONG });
    expect(signedIn.statusCode).toBe(200);
  });

  it("lets only one of two simultaneous registrations of an email win", async () => {
    const [a, b] = await Promise.all([
      register({ email: "race@example.com", password: STRONG }),
      register({ email: "RACE@example.com", password: STRONG }),
    ]);
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([201, 409]);
    const rows = await t.runtime.db.query("SELECT id FROM users WHERE email = 'race@example.com'");
    expect(rows).toHaveLength(1);
  });

  it("accepts internationalised addresses and stores them in one canonical form", async () => {
    const response = await register({ email: "Jos\u0065\u0301@Example.org", password: STRONG });
    expect(response.statusCode).toBe(201);
    expect(response.json().user.email).toBe("jos\u00e9@example.org");
  });

  it.each([
    ["not an address", "not-an-email"],
    ["inner whitespace", "a b@example.com"],
    ["no domain", "someone@"],
    ["empty", ""],
    ["control character", "evil\u0000@example.com"],
  ])("rejects an invalid email (%s) with 422 naming the field", async (_label, email) => {
    const response = await register({ email, password: STRONG });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("validation_failed");
    expect(response.json().error.details.fields).toEqual([{ field: "email", message: expect.any(String) }]);
  });

  it("rejects wrong types and missing fields with 422 and a field list", async () => {
    const wrongTypes = await register({ email: 42, password: ["x"] });
    expect(wrongTypes.statusCode).toBe(422);
    const fields = wrongTypes.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["body.email", "body.password"]));
    const missing = await register({});
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details.fields.length).toBeGreaterThanOrEqual(2);
    const badLogin = await login({ email: "x@example.com" });
    expect(badLogin.statusCode).toBe(422);
    expect(badLogin.json().error.details.fields[0].field).toBe("body.password");
  });

  it("lists every unmet password rule in one weak_password error", async () => {
    const response = await register({ email: "weak@example.com", password: "aaab" });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("weak_password");
    const rules = response.json().error.details.rules.map((r: { rule: string }) => r.rule);
    expect(rules.sort()).toEqual(["digit", "length", "no_triple_repeat", "special", "uppercase"]);
  });

  it("rejects Password123! as a common password", async () => {
    const response = await register({ email: "common@example.com", password: "Password123!" });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details.rules).toEqual([{ rule: "not_common", message: expect.any(String) }]);
  });

  it("signs in with JSON and answers { user } with cookies, never tokens in the body", async () => {
    const user = await signUpUser(t);
    const response = await login({ email: user.email, password: user.password });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json())).toEqual(["user"]);
    expect(response.json().user.id).toBe(user.user.id);
    const cookies = cookiesFrom(response.headers["set-cookie"]);
    expect(cookies.access_token).toMatch(/^ey/);
    expect(cookies.refresh_token).toMatch(/^skr_/);
    expect(response.body).not.toContain(cookies.access_token);
    expect(response.body).not.toContain(cookies.refresh_token);
  });

  it("signs in v1 clients with a form-encoded username and password", async () => {
    const user = await signUpUser(t);
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ username: user.email.toUpperCase(), password: user.password }).toString(),
      remoteAddress: randomClientAddress(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.email).toBe(user.email);
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const user = await signUpUser(t);
    const wrong = await login({ email: user.email, password: `${user.password}x` });
    const unknown = await login({ email: "nobody@example.com", password: user.password });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("invalid_credentials");
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    expect(wrong.headers["set-cookie"]).toBeUndefined();
  });

  it("stores SQL and script payloads in names inertly", async () => {
    const name = "Robert'); DROP TABLE users;-- <script>alert(1)</script>";
    const response = await register({ email: "bobby@example.com", password: STRONG, name });
    expect(response.statusCode).toBe(201);
    expect(response.json().user.name).toBe(name);
    const rows = await t.runtime.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  it("refuses a cross-site sign-in (login CSRF)", async () => {
    const user = await signUpUser(t);
    const crossOrigin = await login({ email: user.email, password: user.password }, { origin: "https://evil.example" });
    expect(crossOrigin.statusCode).toBe(403);
    expect(crossOrigin.json().error.code).toBe("csrf_failed");
    const crossSite = await login({ email: user.email, password: user.password }, { "sec-fetch-site": "cross-site" });
    expect(crossSite.statusCode).toBe(403);
    const sameOrigin = await login({ email: user.email, password: user.password }, { origin: "http://localhost:80", host: "localhost:80" });
    expect(sameOrigin.statusCode).toBe(200);
  });

  it("returns the signed-in user from /me and 401 without credentials", async () => {
    const user = await signUpUser(t);
    const anonymous = await t.app.inject({ method: "GET", url: "/api/v1/auth/me" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe("unauthorized");
    const me = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: user.cookieHeaders });
    expect(me.json().user).toMatchObject({ id: user.user.id, email: user.email });
  });
});
