// Owns reading the configuration once at start-up and reporting every problem with how to fix it.
import { resolve } from "node:path";
import { EnvSchema, type Env } from "./schema";
import { loadOrCreateSecrets, SECRET_NAMES, secretProblems } from "./secrets";
import type { SandboxLimits } from "../sandbox/types";

export { EnvSchema, type Env } from "./schema";
export { GENERATE_HINT, loadOrCreateSecrets, secretProblems } from "./secrets";

export type Tier = "free" | "starter" | "pro" | "team";

export interface Config {
  env: Env["SAMOKODER_ENV"];
  /** Server mode: production settings, secrets must be supplied, not generated. */
  production: boolean;
  dataDir: string;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  secretKey: string;
  appSecretKey: string;
  previousAppSecretKeys: string[];
  logLevel: Env["LOG_LEVEL"];
  publicUrl: string | undefined;
  corsOrigins: string[];
  trustProxy: boolean | number | string[];
  bodyLimitBytes: number;
  redisUrl: string | undefined;
  rateLimits: {
    registerPerMinute: number;
    loginPerMinute: number;
    refreshPerMinute: number;
    anonymousPerMinute: number;
    userPerMinute: number;
    redisPrefix: string;
  };
  lockout: { maxFailures: number; windowMinutes: number };
  tokens: { accessTtlSeconds: number; refreshTtlSeconds: number };
  projectQuota: Record<Tier, number>;
  metricsToken: string | undefined;
  sandbox: Env["SAMOKODER_SANDBOX"];
  sandboxSettings: SandboxLimits & {
    registryHosts: string[];
    maxConcurrentPerUser: number;
    projectDiskBytes: number;
  };
  preview: { maxPerUser: number; idleMinutes: number; domain: string };
  engine: {
    inputTokenBudget: number;
    leaseSeconds: number;
    taskAttemptBudget: number;
    taskCostBudgetUsd: number;
    commandTimeoutSeconds: number;
    concurrency: number;
  };
  llm: {
    allowPrivateProviderUrls: boolean;
    allowedHttpProviderHosts: string[];
    defaultModel: string | undefined;
    openaiApiKey: string | undefined;
    anthropicApiKey: string | undefined;
    groqApiKey: string | undefined;
    openrouterApiKey: string | undefined;
    openaiCompatibleBaseUrl: string | undefined;
    openaiCompatibleApiKey: string | undefined;
    openaiCompatibleModels: string[];
    localModelPath: string | undefined;
    fallbackModels: string[];
    timeoutMs: number;
    keyTestsPerMinute: number;
    maxRetries: number;
    retryBaseMs: number;
    retryMaxMs: number;
    runTokenBudget: number;
    runCostBudgetUsd: number;
    monthlyTokenQuota: Record<Tier, number>;
  };
  /** True when the secrets were generated during this load (first embedded start). */
  secretsGenerated: boolean;
}

export type ConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; problems: string[] };

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(",").map((s) => s.trim());
}

/**
 * Validates the environment. In server mode (production) secrets must be given and strong;
 * otherwise missing secrets are generated once into the data dir and reused.
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  options: { generateSecrets?: boolean } = {},
): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
    };
  }
  const env = parsed.data;
  const production = env.SAMOKODER_ENV === "production";
  const dataDir = resolve(env.SAMOKODER_DATA_DIR);
  const problems: string[] = [];
  const warnings: string[] = [];

  let secretKey = env.SECRET_KEY;
  let appSecretKey = env.APP_SECRET_KEY;
  let secretsGenerated = false;
  if (production) {
    for (const name of SECRET_NAMES) problems.push(...secretProblems(name, env[name]));
  } else if ((!secretKey || !appSecretKey) && options.generateSecrets !== false) {
    const stored = loadOrCreateSecrets(dataDir);
    secretKey ??= stored.SECRET_KEY;
    appSecretKey ??= stored.APP_SECRET_KEY;
    secretsGenerated = stored.created;
  }
  if (!production) {
    for (const name of SECRET_NAMES) {
      const value = name === "SECRET_KEY" ? secretKey : appSecretKey;
      if (value !== undefined) for (const p of secretProblems(name, value)) warnings.push(p);
    }
  }
  if (secretKey && appSecretKey && secretKey === appSecretKey) {
    (production ? problems : warnings).push("SECRET_KEY and APP_SECRET_KEY must differ: each has its own purpose");
  }
  if (production && env.SAMOKODER_SANDBOX === "unsafe-host") {
    problems.push(
      "SAMOKODER_SANDBOX=unsafe-host is for single-user development only and is refused in server mode; install bubblewrap (apt-get install bubblewrap)",
    );
  }
  if (problems.length > 0 || !secretKey || !appSecretKey) {
    return { ok: false, problems: problems.length ? problems : ["secrets could not be loaded"] };
  }

  return {
    ok: true,
    warnings,
    config: {
      env: env.SAMOKODER_ENV,
      production,
      dataDir,
      host: env.HOST,
      port: env.PORT,
      databaseUrl: env.DATABASE_URL,
      databasePoolSize: env.DATABASE_POOL_SIZE,
      secretKey,
      appSecretKey,
      previousAppSecretKeys: env.APP_SECRET_KEY_PREVIOUS,
      logLevel: env.LOG_LEVEL,
      publicUrl: env.PUBLIC_URL,
      corsOrigins: env.CORS_ORIGINS,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      redisUrl: env.REDIS_URL,
      rateLimits: {
        registerPerMinute: env.RATE_LIMIT_REGISTER_PER_MINUTE,
        loginPerMinute: env.RATE_LIMIT_LOGIN_PER_MINUTE,
        refreshPerMinute: env.RATE_LIMIT_REFRESH_PER_MINUTE,
        anonymousPerMinute: env.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
        userPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
        redisPrefix: env.RATE_LIMIT_REDIS_PREFIX,
      },
      lockout: { maxFailures: env.LOCKOUT_MAX_FAILURES, windowMinutes: env.LOCKOUT_WINDOW_MINUTES },
      tokens: { accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS, refreshTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS },
      projectQuota: {
        free: env.PROJECT_QUOTA_FREE,
        starter: env.PROJECT_QUOTA_STARTER,
        pro: env.PROJECT_QUOTA_PRO,
        team: env.PROJECT_QUOTA_TEAM,
      },
      metricsToken: env.SAMOKODER_METRICS_TOKEN,
      sandbox: env.SAMOKODER_SANDBOX,
      sandboxSettings: {
        cpuSeconds: env.SAMOKODER_SANDBOX_CPU_SECONDS,
        memoryBytes: env.SAMOKODER_SANDBOX_MEMORY_MB * 1024 * 1024,
        processes: env.SAMOKODER_SANDBOX_MAX_PROCESSES,
        openFiles: env.SAMOKODER_SANDBOX_OPEN_FILES,
        outputBytes: env.SAMOKODER_SANDBOX_OUTPUT_MB * 1024 * 1024,
        wallClockMs: env.SAMOKODER_SANDBOX_TIMEOUT_SECONDS * 1000,
        registryHosts: env.SAMOKODER_SANDBOX_REGISTRY_HOSTS.length ? env.SAMOKODER_SANDBOX_REGISTRY_HOSTS : ["registry.npmjs.org"],
        maxConcurrentPerUser: env.SAMOKODER_SANDBOX_MAX_PER_USER,
        projectDiskBytes: env.SAMOKODER_PROJECT_DISK_MB * 1024 * 1024,
      },
      preview: {
        maxPerUser: env.SAMOKODER_PREVIEW_MAX_PER_USER,
        idleMinutes: env.SAMOKODER_PREVIEW_IDLE_MINUTES,
        domain: env.SAMOKODER_PREVIEW_DOMAIN.toLowerCase(),
      },
      engine: {
        inputTokenBudget: env.SAMOKODER_ENGINE_INPUT_TOKEN_BUDGET,
        leaseSeconds: env.SAMOKODER_ENGINE_LEASE_SECONDS,
        taskAttemptBudget: env.SAMOKODER_ENGINE_TASK_ATTEMPTS,
        taskCostBudgetUsd: env.SAMOKODER_ENGINE_TASK_COST_USD,
        commandTimeoutSeconds: env.SAMOKODER_ENGINE_COMMAND_TIMEOUT_SECONDS,
        concurrency: env.SAMOKODER_ENGINE_CONCURRENCY,
      },
      llm: {
        allowPrivateProviderUrls: env.SAMOKODER_ALLOW_PRIVATE_PROVIDER_URLS ?? !production,
        allowedHttpProviderHosts: env.SAMOKODER_ALLOWED_HTTP_PROVIDER_HOSTS,
        defaultModel: env.SAMOKODER_DEFAULT_MODEL,
        openaiApiKey: env.OPENAI_API_KEY,
        anthropicApiKey: env.ANTHROPIC_API_KEY,
        groqApiKey: env.GROQ_API_KEY,
        openrouterApiKey: env.OPENROUTER_API_KEY,
        openaiCompatibleBaseUrl: env.OPENAI_COMPATIBLE_BASE_URL,
        openaiCompatibleApiKey: env.OPENAI_COMPATIBLE_API_KEY,
        openaiCompatibleModels: env.OPENAI_COMPATIBLE_MODELS,
        localModelPath: env.SAMOKODER_LOCAL_MODEL_PATH,
        fallbackModels: env.SAMOKODER_FALLBACK_MODELS,
        timeoutMs: env.SAMOKODER_LLM_TIMEOUT_SECONDS * 1000,
        keyTestsPerMinute: env.RATE_LIMIT_PROVIDER_KEY_TESTS_PER_MINUTE,
        maxRetries: env.SAMOKODER_LLM_MAX_RETRIES,
        retryBaseMs: env.SAMOKODER_LLM_RETRY_BASE_MS,
        retryMaxMs: env.SAMOKODER_LLM_RETRY_MAX_MS,
        runTokenBudget: env.SAMOKODER_RUN_TOKEN_BUDGET,
        runCostBudgetUsd: env.SAMOKODER_RUN_COST_BUDGET_USD,
        monthlyTokenQuota: {
          free: env.LLM_TOKEN_QUOTA_FREE,
          starter: env.LLM_TOKEN_QUOTA_STARTER,
          pro: env.LLM_TOKEN_QUOTA_PRO,
          team: env.LLM_TOKEN_QUOTA_TEAM,
        },
      },
      secretsGenerated,
    },
  };
}

/** Human-readable report, as printed by `samokoder config check` and on a refused start. */
export function formatConfigReport(result: ConfigResult): string {
  if (result.ok) {
    const lines = ["Configuration OK", `  mode: ${result.config.production ? "server (production)" : result.config.env}`];
    lines.push(`  database: ${result.config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${result.config.dataDir}`}`);
    for (const w of result.warnings) lines.push(`  warning: ${w}`);
    return lines.join("\n");
  }
  return ["Configuration has problems:", ...result.problems.map((p) => `  - ${p}`)].join("\n");
}
