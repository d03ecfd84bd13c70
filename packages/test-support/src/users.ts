// Owns signing up users through the real HTTP API for tests, with ready-made cookie and bearer headers.
import { randomBytes } from "node:crypto";
import { generatePassword } from "@samokoder/core";
import type { TestApp } from "./app";

export interface SignedUpUser {
  user: { id: string; email: string };
  email: string;
  password: string;
  /** `cookie` (access + csrf cookies) and `x-csrf-token`, ready for app.inject headers. */
  cookieHeaders: Record<string, string>;
  /** `authorization: Bearer <personal access token>`. */
  bearerHeaders: Record<string, string>;
}

/** A random private address, so sign-ups in one test file do not share the per-address register limit. */
export function randomClientAddress(): string {
  const [a = 0, b = 0, c = 1] = randomBytes(3);
  return `10.${a}.${b}.${Math.max(1, c % 255)}`;
}

/** Parses `set-cookie` headers from an inject response into name → value (attributes dropped). */
export function cookiesFrom(setCookie: string | string[] | undefined): Record<string, string> {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  const cookies: Record<string, string> = {};
  for (const line of list) {
    const pair = line.split(";")[0] ?? "";
    const at = pair.indexOf("=");
    if (at > 0) cookies[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return cookies;
}

export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join("; ");
}

/**
 * Registers a user through POST /api/v1/auth/register (and makes them admin when asked, directly in the
 * database, as `samokoder user create-admin` would), then creates a personal access token for bearer use.
 */
export async function signUpUser(
  testApp: TestApp,
  overrides: { email?: string; password?: string; role?: "user" | "admin" } = {},
): Promise<SignedUpUser> {
  const email = overrides.email ?? `user-${randomBytes(6).toString("hex")}@example.test`;
  const password = overrides.password ?? generatePassword();
  const registered = await testApp.app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { email, password },
    remoteAddress: randomClientAddress(),
  });
  if (registered.statusCode !== 201) throw new Error(`sign-up failed (${registered.statusCode}): ${registered.body}`);
  const user = (registered.json() as { user: { id: string; email: string } }).user;
  if (overrides.role === "admin") {
    await testApp.runtime.db.query("UPDATE users SET role = 'admin' WHERE id = $1", [user.id]);
  }
  const cookies = cookiesFrom(registered.headers["set-cookie"]);
  const access = cookies.access_token;
  const csrf = cookies.csrf_token;
  if (!access || !csrf) throw new Error("sign-up did not set the session cookies");
  const cookieHeaders = { cookie: cookieHeader({ access_token: access, csrf_token: csrf }), "x-csrf-token": csrf };
  const created = await testApp.app.inject({
    method: "POST",
    url: "/api/v1/tokens",
    headers: cookieHeaders,
    payload: { name: "test-support" },
  });
  if (created.statusCode !== 201) throw new Error(`token creation failed (${created.statusCode}): ${created.body}`);
  const secret = (created.json() as { secret: string }).secret;
  return { user, email: user.email, password, cookieHeaders, bearerHeaders: { authorization: `Bearer ${secret}` } };
}

export interface SignedIn {
  cookies: Record<string, string>;
  /** access + csrf cookies and the x-csrf-token header. */
  cookieHeaders: Record<string, string>;
  /** refresh cookie (path-scoped to /api/v1/auth) and the x-csrf-token header, for /refresh and /logout. */
  refreshHeaders: Record<string, string>;
}

/** Signs in through POST /api/v1/auth/login and returns headers for each kind of follow-up request. */
export async function signIn(testApp: TestApp, email: string, password: string, remoteAddress = randomClientAddress()): Promise<SignedIn> {
  const response = await testApp.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password }, remoteAddress });
  if (response.statusCode !== 200) throw new Error(`sign-in failed (${response.statusCode}): ${response.body}`);
  return sessionHeaders(cookiesFrom(response.headers["set-cookie"]));
}

export function sessionHeaders(cookies: Record<string, string>): SignedIn {
  const { access_token: access = "", csrf_token: csrf = "", refresh_token: refresh = "" } = cookies;
  return {
    cookies,
    cookieHeaders: { cookie: cookieHeader({ access_token: access, csrf_token: csrf }), "x-csrf-token": csrf },
    refreshHeaders: { cookie: cookieHeader({ refresh_token: refresh, csrf_token: csrf }), "x-csrf-token": csrf },
  };
}
