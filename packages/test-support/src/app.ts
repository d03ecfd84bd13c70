// Owns starting the real HTTP application for a test, on a throwaway database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "@samokoder/core";
import { type App, buildApp, createLogger, createRuntime, type Runtime } from "@samokoder/server";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./database";

export interface TestApp {
  app: App;
  runtime: Runtime;
  config: Config;
  database: TestDatabase;
  dataDir: string;
  close(): Promise<void>;
}

export const TEST_SECRET_KEY = "test-secret-key-for-samokoder-0123456789abcdef";
export const TEST_APP_SECRET_KEY = "test-app-secret-key-for-samokoder-0123456789abcdef";

/** Builds the real app with test-friendly defaults; `env` overrides any variable. */
export async function startTestApp(kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "samokoder-test-"));
  const result = loadConfig(
    {
      SAMOKODER_ENV: "test",
      SAMOKODER_DATA_DIR: dataDir,
      SECRET_KEY: TEST_SECRET_KEY,
      APP_SECRET_KEY: TEST_APP_SECRET_KEY,
      LOG_LEVEL: "silent",
      ...env,
    },
    { generateSecrets: false },
  );
  if (!result.ok) throw new Error(`test config invalid: ${result.problems.join("; ")}`);
  const database = await createTestDatabase(kind);
  const runtime = await createRuntime(result.config, { db: database.handle, logger: createLogger(result.config), migrate: false });
  const app = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    config: result.config,
    database,
    dataDir,
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
