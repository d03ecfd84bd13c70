// Owns the LLM gateway tables: provider keys, per-user model routing, the usage ledger and budget counters.
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";

export const providerKeys = pgTable(
  "provider_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: ["openai", "anthropic", "groq", "openrouter", "openai-compatible"] }).notNull(),
    label: text("label"),
    baseUrl: text("base_url"),
    encryptionKeyId: text("encryption_key_id").notNull(),
    ciphertext: text("ciphertext").notNull(),
    last4: text("last4").notNull(),
    status: text("status", { enum: ["unchecked", "ok", "invalid", "unreachable"] })
      .notNull()
      .default("unchecked"),
    statusDetail: text("status_detail"),
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("ix_provider_keys_user_provider").on(t.userId, t.provider, t.createdAt),
    index("ix_provider_keys_encryption_key").on(t.encryptionKeyId),
  ],
);

export const userModelSettings = pgTable("user_model_settings", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const usageLedger = pgTable(
  "usage_ledger",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    projectId: uuid("project_id"),
    runId: uuid("run_id"),
    agentRole: text("agent_role").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    keyId: uuid("key_id"),
    keySource: text("key_source", { enum: ["user", "operator", "local"] }).notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cachedInputTokens: integer("cached_input_tokens").notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 14, scale: 6 }).notNull().default("0"),
    latencyMs: integer("latency_ms").notNull().default(0),
    ttftMs: integer("ttft_ms"),
    outcome: text("outcome").notNull(),
    retries: integer("retries").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("ix_usage_ledger_user_time").on(t.userId, t.createdAt),
    index("ix_usage_ledger_time").on(t.createdAt),
    index("ix_usage_ledger_project").on(t.projectId, t.createdAt),
  ],
);

export const llmBudgetCounters = pgTable(
  "llm_budget_counters",
  {
    scope: text("scope", { enum: ["user_month", "project", "run"] }).notNull(),
    scopeId: text("scope_id").notNull(),
    usedTokens: bigint("used_tokens", { mode: "number" }).notNull().default(0),
    usedCostUsd: numeric("used_cost_usd", { precision: 14, scale: 6 }).notNull().default("0"),
    reservedTokens: bigint("reserved_tokens", { mode: "number" }).notNull().default(0),
    reservedCostUsd: numeric("reserved_cost_usd", { precision: 14, scale: 6 }).notNull().default("0"),
    reservedUntil: timestamp("reserved_until", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeId] })],
);

export type ProviderKeyRow = typeof providerKeys.$inferSelect;
export type UsageLedgerRow = typeof usageLedger.$inferSelect;
