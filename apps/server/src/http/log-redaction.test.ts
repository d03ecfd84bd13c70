import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "@samokoder/core";
import {
  cookiesFrom,
  createTestDatabase,
  randomClientAddress,
  sessionHeaders,
  TEST_APP_SECRET_KEY,
  TEST_SECRET_KEY,
  type TestDatabase,
} from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../app";
import { createLogger, createRuntime, type Runtime } from "../runtime";

describe("logs during the auth flows", () => {
  const lines: string[] = [];
  let database: TestDatabase;
  let runtime: Runtime;
  let app: App;
  const dataDir = mkdtempSync(join(tmpdir(), "samokoder-log-test-"));
  beforeAll(async () => {
    const result = loadConfig(
      {
        SAMOKODER_ENV: "test",
        SECRET_KEY: TEST_SECRET_KEY,
        APP_SECRET_KEY: TEST_APP_SECRET_KEY,
        LOG_LEVEL: "trace",
        SAMOKODER_DATA_DIR: dataDir,
      },
      { generateSecrets: false },
    );
    if (!result.ok) throw new Error(result.problems.join("; "));
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    database = await createTestDatabase("pglite");
    runtime = await createRuntime(result.config, { db: database.handle, logger: createLogger(result.config, sink), migrate: false });
    app = await buildApp(runtime);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("never contain passwords, cookies or tokens", async () => {
    const email = "logged@example.com";
    const password = "Log-Me-Not-Please-42";
    const newPassword = "Log-Me-Not-Either-43";
    const remoteAddress = randomClientAddress();
    const registered = await app.inject({ method: "POST", url: "/api/v1/auth/register", payload: { email, password }, remoteAddress });
    expect(registered.statusCode).toBe(201);
    const form = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ username: email, password }).toString(),
      remoteAddress,
    });
    expect(form.statusCode).toBe(200);
    const session = sessionHeaders(cookiesFrom(form.headers["set-cookie"]));
    const created = await app.inject({ method: "POST", url: "/api/v1/tokens", headers: session.cookieHeaders, payload: { name: "log" } });
    const secret: string = created.json().secret;
    expect((await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(
      200,
    );
    const refreshed = await app.inject({ method: "POST", url: "/api/v1/auth/refresh", headers: session.refreshHeaders, remoteAddress });
    expect(refreshed.statusCode).toBe(204);
    const rotated = sessionHeaders(cookiesFrom(refreshed.headers["set-cookie"]));
    const changed = await app.inject({
      method: "POST",
      url: "/api/v1/auth/password",
      headers: rotated.cookieHeaders,
      payload: { currentPassword: password, newPassword },
    });
    expect(changed.statusCode).toBe(204);
    await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password: "Wrong-Guess-1!" }, remoteAddress });

    const log = lines.join("");
    // The capture works (requests are logged at this level), so absence below means something.
    expect(log).toContain("/api/v1/auth/login");
    const values = [password, newPassword, "Wrong-Guess-1!", secret, ...Object.values(session.cookies), ...Object.values(rotated.cookies)];
    for (const value of values) {
      expect(value.length).toBeGreaterThan(8);
      expect(log).not.toContain(value);
      expect(log).not.toContain(encodeURIComponent(value));
    }
  });
});
