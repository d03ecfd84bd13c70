// Owns the configuration schema: every environment variable the platform reads, validated once.
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const list = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .default([]);

/** Raw environment shape. Values marked `browser` may be shown to a browser; nothing else may. */
export const EnvSchema = z.object({
  SAMOKODER_ENV: z.enum(["development", "test", "production"]).default("development"),
  SAMOKODER_DATA_DIR: z.string().min(1).default("./data"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(8000).pipe(z.number().max(65535)),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: int(10, 1),
  SECRET_KEY: z.string().optional(),
  APP_SECRET_KEY: z.string().optional(),
  /** Earlier APP_SECRET_KEY values, comma-separated, still accepted for decryption during a rotation. */
  APP_SECRET_KEY_PREVIOUS: list,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** browser */ PUBLIC_URL: z.url().optional(),
  CORS_ORIGINS: list,
  TRUST_PROXY: z.string().optional().describe("true, a hop count, or comma-separated proxy addresses"),
  BODY_LIMIT_BYTES: int(1024 * 1024, 1024),
  REDIS_URL: z.string().optional(),
  RATE_LIMIT_REGISTER_PER_MINUTE: int(10, 1),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(10, 1),
  RATE_LIMIT_REFRESH_PER_MINUTE: int(10, 1),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: int(300, 1),
  RATE_LIMIT_USER_PER_MINUTE: int(1200, 1),
  /** Key prefix of the rate-limit counters in Redis (when REDIS_URL is set). */
  RATE_LIMIT_REDIS_PREFIX: z.string().min(1).max(100).default("samokoder:rate-limit:"),
  LOCKOUT_MAX_FAILURES: int(5, 1),
  LOCKOUT_WINDOW_MINUTES: int(15, 1),
  ACCESS_TOKEN_TTL_SECONDS: int(15 * 60, 10),
  REFRESH_TOKEN_TTL_SECONDS: int(7 * 24 * 3600, 60),
  PROJECT_QUOTA_FREE: int(3),
  PROJECT_QUOTA_STARTER: int(10),
  PROJECT_QUOTA_PRO: int(50),
  PROJECT_QUOTA_TEAM: int(200),
  SAMOKODER_METRICS_TOKEN: z.string().min(16).optional(),
  SAMOKODER_SANDBOX: z.enum(["bwrap", "unsafe-host"]).default("bwrap"),
  SAMOKODER_SANDBOX_CPU_SECONDS: int(300, 1),
  SAMOKODER_SANDBOX_MEMORY_MB: int(4096, 256),
  SAMOKODER_SANDBOX_MAX_PROCESSES: int(256, 8),
  SAMOKODER_SANDBOX_OPEN_FILES: int(4096, 64),
  SAMOKODER_SANDBOX_OUTPUT_MB: int(16, 1),
  SAMOKODER_SANDBOX_TIMEOUT_SECONDS: int(600, 1),
  /** Hosts a dependency install may reach (HTTPS only), comma-separated. */
  SAMOKODER_SANDBOX_REGISTRY_HOSTS: list,
  SAMOKODER_SANDBOX_MAX_PER_USER: int(4, 1),
  SAMOKODER_PROJECT_DISK_MB: int(2048, 1),
  SAMOKODER_PREVIEW_MAX_PER_USER: int(2, 1),
  SAMOKODER_PREVIEW_IDLE_MINUTES: int(30, 1),
  /** Previews are served from <projectId>.<this domain>: a separate site from the platform, so cookies stay apart. */
  SAMOKODER_PREVIEW_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, "must be a domain, e.g. preview.example.com")
    .default("preview.localhost"),
  /** Generation engine: input tokens per model request, worker lease, per-task budgets, parallel runs per worker. */
  SAMOKODER_ENGINE_INPUT_TOKEN_BUDGET: int(24_000, 2_000),
  SAMOKODER_ENGINE_LEASE_SECONDS: int(30, 2),
  SAMOKODER_ENGINE_TASK_ATTEMPTS: int(6, 1),
  SAMOKODER_ENGINE_TASK_COST_USD: z.coerce.number().min(0).default(2),
  SAMOKODER_ENGINE_COMMAND_TIMEOUT_SECONDS: int(300, 5),
  SAMOKODER_ENGINE_CONCURRENCY: int(4, 1),
  SAMOKODER_ALLOW_PRIVATE_PROVIDER_URLS: bool.optional(),
  SAMOKODER_ALLOWED_HTTP_PROVIDER_HOSTS: list,
  SAMOKODER_DEFAULT_MODEL: z
    .string()
    .regex(/^[a-z-]+\/.+$/, "must be provider/model, e.g. openai/gpt-4o-mini")
    .optional(),
  OPENAI_API_KEY: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  GROQ_API_KEY: z.string().optional(),
  OPENROUTER_API_KEY: z.string().optional(),
  OPENAI_COMPATIBLE_BASE_URL: z.url().optional(),
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  OPENAI_COMPATIBLE_MODELS: list,
  SAMOKODER_LOCAL_MODEL_PATH: z.string().optional(),
  /** LLM gateway: fallback chain after the default model, per-call timeout and retries, budgets and monthly token quotas (0 = unlimited). */
  SAMOKODER_FALLBACK_MODELS: list,
  SAMOKODER_LLM_TIMEOUT_SECONDS: int(300, 1),
  /** Each key test is an outbound call to a provider: limited per user. */
  RATE_LIMIT_PROVIDER_KEY_TESTS_PER_MINUTE: int(20, 1),
  SAMOKODER_LLM_MAX_RETRIES: int(3),
  SAMOKODER_LLM_RETRY_BASE_MS: int(500, 1),
  SAMOKODER_LLM_RETRY_MAX_MS: int(30_000, 1),
  SAMOKODER_RUN_TOKEN_BUDGET: int(0),
  SAMOKODER_RUN_COST_BUDGET_USD: z.coerce.number().min(0).default(0),
  LLM_TOKEN_QUOTA_FREE: int(2_000_000),
  LLM_TOKEN_QUOTA_STARTER: int(20_000_000),
  LLM_TOKEN_QUOTA_PRO: int(100_000_000),
  LLM_TOKEN_QUOTA_TEAM: int(500_000_000),
});

export type Env = z.infer<typeof EnvSchema>;
