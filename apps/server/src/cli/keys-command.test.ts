import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyRing, generatePassword } from "@samokoder/core";
import {
  cookieHeader,
  cookiesFrom,
  createPostgresDatabase,
  type FakeLlm,
  runCli,
  type ServerProcess,
  startFakeLlm,
  startServerProcess,
} from "@samokoder/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const OLD_SECRET = "old-app-secret-key-for-rotation-test-0123456789";
const NEW_SECRET = "new-app-secret-key-for-rotation-test-9876543210";
const PROVIDER_KEY = "sk-proj-NEVER-LOG-ME-4f1c9a7e2b";

// The real server process and the real CLI on one PostgreSQL database: keys survive a secret rotation done
// while the server runs, and the key never appears in the server's logs (trace level) or its responses.
describe("provider keys across processes: rotation and logs", () => {
  let llm: FakeLlm;
  let database: { url: string; drop(): Promise<void> };
  let dataDir: string;
  const servers: ServerProcess[] = [];

  const env = (secret: string, previous?: string) => ({
    SAMOKODER_ENV: "test",
    DATABASE_URL: database.url,
    SAMOKODER_DATA_DIR: dataDir,
    SECRET_KEY: "test-secret-key-for-rotation-test-0123456789abcdef",
    APP_SECRET_KEY: secret,
    APP_SECRET_KEY_PREVIOUS: previous,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "trace",
    SAMOKODER_ALLOW_PRIVATE_PROVIDER_URLS: "true",
  });
  const start = async (secret: string, previous?: string) => {
    const server = await startServerProcess(["--role=api"], env(secret, previous));
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKeys: [PROVIDER_KEY] });
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "samokoder-keys-cli-"));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await database?.drop();
    await llm?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("re-encrypts every key under the new secret without losing any, and never logs a key", async () => {
    const first = await start(OLD_SECRET);
    const registered = await fetch(`${first.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "rotation@example.test", password: generatePassword() }),
    });
    expect(registered.status).toBe(201);
    const cookies = cookiesFrom(registered.headers.getSetCookie());
    const headers = {
      cookie: cookieHeader({ access_token: cookies.access_token ?? "", csrf_token: cookies.csrf_token ?? "" }),
      "x-csrf-token": cookies.csrf_token ?? "",
    };
    const call = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      expect(text).not.toContain(PROVIDER_KEY);
      return { status: response.status, json: () => JSON.parse(text) as Record<string, unknown> };
    };

    const ids: string[] = [];
    for (const label of ["one", "two"]) {
      const added = await call(first, "POST", "/api/v1/keys", {
        provider: "openai-compatible",
        apiKey: PROVIDER_KEY,
        baseUrl: llm.baseUrl,
        label,
      });
      expect(added.status).toBe(201);
      ids.push(String(added.json().id));
    }
    // A rejected request carrying the key must not echo it either.
    expect((await call(first, "POST", "/api/v1/keys", { provider: "nope", apiKey: PROVIDER_KEY })).status).toBe(422);
    expect((await call(first, "POST", `/api/v1/keys/${ids[0]}/test`)).json()).toMatchObject({ status: "ok" });
    await first.stop();

    // The operator switches to the new secret, keeping the old one as previous: old ciphertexts still open.
    const second = await start(NEW_SECRET, OLD_SECRET);
    expect((await call(second, "POST", `/api/v1/keys/${ids[1]}/test`)).json()).toMatchObject({ status: "ok" });
    const rotated = await runCli(["keys", "rotate"], env(NEW_SECRET, OLD_SECRET));
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain("Re-encrypted 2 key(s)");
    // The running server keeps working through the rotation.
    expect((await call(second, "POST", `/api/v1/keys/${ids[0]}/test`)).json()).toMatchObject({ status: "ok" });
    await second.stop();

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const rows = (await client.query<{ encryption_key_id: string }>("SELECT encryption_key_id FROM provider_keys")).rows;
    await client.end();
    expect(rows.map((r) => r.encryption_key_id)).toEqual([createKeyRing(NEW_SECRET).currentId, createKeyRing(NEW_SECRET).currentId]);

    // With the old secret gone entirely, every key still decrypts and works.
    const status = await runCli(["keys", "status"], env(NEW_SECRET));
    expect(status.stdout).toMatch(/2 key\(s\)\s+current/);
    const third = await start(NEW_SECRET);
    for (const id of ids) expect((await call(third, "POST", `/api/v1/keys/${id}/test`)).json()).toMatchObject({ status: "ok" });
    await third.stop();

    const logs = servers.map((s) => s.output()).join("\n") + rotated.stdout + rotated.stderr + status.stdout;
    expect(logs).toContain("/api/v1/keys");
    expect(logs).not.toContain(PROVIDER_KEY);
    expect(logs).not.toContain(OLD_SECRET);
    expect(logs).not.toContain(NEW_SECRET);
  });
});
