import { databaseKinds, randomClientAddress, signUpUser, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe.each(databaseKinds())("login lockout on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    // The per-address login rate limit is not what is under test here.
    t = await startTestApp(kind, { RATE_LIMIT_LOGIN_PER_MINUTE: "1000" });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string, remoteAddress: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password }, remoteAddress });

  async function failFiveTimes(email: string, address: string) {
    for (let i = 0; i < 5; i++) {
      const response = await login(email, "Wrong-Password-1!", address);
      expect(response.statusCode).toBe(401);
    }
  }

  it("locks the account for that address after 5 failed logins, even for the right password", async () => {
    const user = await signUpUser(t);
    const address = randomClientAddress();
    await failFiveTimes(user.email, address);
    const locked = await login(user.email, user.password, address);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("account_locked");
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers["set-cookie"]).toBeUndefined();
  });

  it("does not stop the owner from another address", async () => {
    const user = await signUpUser(t);
    await failFiveTimes(user.email, randomClientAddress());
    expect((await login(user.email, user.password, randomClientAddress())).statusCode).toBe(200);
  });

  it("never creates a lock from failures on an unknown email", async () => {
    const email = `later-${Date.now()}@example.com`;
    const address = randomClientAddress();
    for (let i = 0; i < 7; i++) expect((await login(email, "Wrong-Password-1!", address)).statusCode).toBe(401);
    const password = "Fresh-Account-Pass-4";
    const registered = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: { email, password },
      remoteAddress: address,
    });
    expect(registered.statusCode).toBe(201);
    expect((await login(email, password, address)).statusCode).toBe(200);
  });

  it("lifts the lock once the 15-minute window has passed", async () => {
    const user = await signUpUser(t);
    const address = randomClientAddress();
    await failFiveTimes(user.email, address);
    expect((await login(user.email, user.password, address)).statusCode).toBe(429);
    // Age every attempt by 16 minutes instead of waiting for them to age.
    await t.runtime.db.query("UPDATE login_attempts SET created_at = created_at - interval '16 minutes' WHERE user_id = $1", [
      user.user.id,
    ]);
    expect((await login(user.email, user.password, address)).statusCode).toBe(200);
  });

  it("counts only failures since the last successful login from that address", async () => {
    const user = await signUpUser(t);
    const address = randomClientAddress();
    for (let i = 0; i < 4; i++) await login(user.email, "Wrong-Password-1!", address);
    expect((await login(user.email, user.password, address)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) await login(user.email, "Wrong-Password-1!", address);
    expect((await login(user.email, user.password, address)).statusCode).toBe(200);
  });

  it("records every attempt and audits failures and the lockout", async () => {
    const user = await signUpUser(t);
    const address = randomClientAddress();
    await failFiveTimes(user.email, address);
    await login(user.email, user.password, address);
    await login(user.email, user.password, randomClientAddress());
    const attempts = await t.runtime.db.query<{ success: boolean; ip_address: string; email: string }>(
      "SELECT success, ip_address, email FROM login_attempts WHERE user_id = $1 ORDER BY id",
      [user.user.id],
    );
    expect(attempts.map((a) => a.success)).toEqual([false, false, false, false, false, false, true]);
    expect(attempts.slice(0, 6).every((a) => a.ip_address === address && a.email === user.email)).toBe(true);
    const events = await t.runtime.db.query<{ event: string; success: boolean }>(
      "SELECT event, success FROM audit_events WHERE user_id = $1 AND event LIKE 'auth.l%' ORDER BY id",
      [user.user.id],
    );
    expect(events.filter((e) => e.event === "auth.login_failed")).toHaveLength(6);
    expect(events.filter((e) => e.event === "auth.lockout")).toHaveLength(1);
    expect(events.at(-1)).toEqual({ event: "auth.login", success: true });
  });
});
