// Owns producing the committed OpenAPI document deterministically (in-memory database, fixed secrets).
import { loadConfig } from "@samokoder/core";
import { buildApp } from "./app";
import { createLogger, createRuntime } from "./runtime";

export async function buildOpenApiDocument(): Promise<string> {
  const result = loadConfig(
    {
      SAMOKODER_ENV: "test",
      SAMOKODER_DATA_DIR: "/nonexistent-samokoder-openapi",
      SECRET_KEY: "openapi-document-secret-key-0123456789abcdef",
      APP_SECRET_KEY: "openapi-document-app-secret-0123456789abcdef",
      LOG_LEVEL: "silent",
    },
    { generateSecrets: false },
  );
  if (!result.ok) throw new Error(result.problems.join("; "));
  const { openDatabase } = await import("@samokoder/db");
  const db = await openDatabase({ dataDir: "memory://" });
  const runtime = await createRuntime(result.config, { db, logger: createLogger(result.config) });
  const app = await buildApp(runtime);
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await runtime.close();
    await db.close();
  }
}
