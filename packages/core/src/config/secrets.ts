// Owns platform secrets: strength checks, and generation into the data dir in embedded mode.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const SECRET_NAMES = ["SECRET_KEY", "APP_SECRET_KEY"] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const PLACEHOLDERS = new Set(
  [
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "your-secret-key",
    "your-secret-key-here",
    "your_secret_key",
    "your-app-secret-key",
    "replace-me",
    "replace-with-a-random-value",
    "supersecret",
    "dev-secret",
    "development-secret",
    "test-secret",
    "please-change-this-secret-key-before-production",
  ].map((v) => v.toLowerCase()),
);

export const GENERATE_HINT = "generate one with: node -e \"console.log(require('node:crypto').randomBytes(48).toString('base64url'))\"";

/** Lists what is wrong with one secret value, empty when it is acceptable. */
export function secretProblems(name: SecretName, value: string | undefined): string[] {
  if (value === undefined || value.trim() === "") return [`${name} is missing; ${GENERATE_HINT}`];
  const problems: string[] = [];
  const lowered = value.trim().toLowerCase();
  if (PLACEHOLDERS.has(lowered) || /^(x+|0+|a+|change.?me.*|your.?secret.*)$/.test(lowered)) {
    problems.push(`${name} is a known placeholder value; ${GENERATE_HINT}`);
  }
  if (Buffer.byteLength(value, "utf8") < 32) {
    problems.push(`${name} is shorter than 32 bytes (${Buffer.byteLength(value, "utf8")}); ${GENERATE_HINT}`);
  }
  return problems;
}

const SecretsFile = z.object({ SECRET_KEY: z.string().min(32), APP_SECRET_KEY: z.string().min(32) });

/** Reads the data dir's secrets file, creating it (mode 0600) with fresh random secrets the first time. */
export function loadOrCreateSecrets(dataDir: string): { SECRET_KEY: string; APP_SECRET_KEY: string; created: boolean } {
  const file = join(dataDir, "secrets.json");
  if (existsSync(file)) {
    const parsed = SecretsFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file} is not a valid secrets file; move it away to generate a new one`);
    return { ...parsed.data, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    SECRET_KEY: randomBytes(48).toString("base64url"),
    APP_SECRET_KEY: randomBytes(48).toString("base64url"),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { ...secrets, created: true };
}
