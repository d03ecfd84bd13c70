// Owns budgets and quotas: counters per month/project/run checked and reserved atomically before a call,
// settled with the real usage after it, so concurrent callers cannot overspend by more than one call each.
import type { DatabaseHandle, SqlRunner } from "@samokoder/db";
import { quotaExceeded } from "../errors/index";

export type BudgetScope = "user_month" | "project" | "run";

export interface BudgetLimit {
  scope: BudgetScope;
  scopeId: string;
  /** Undefined: counted but not limited. */
  maxTokens?: number | undefined;
  maxCostUsd?: number | undefined;
}

export interface Amount {
  tokens: number;
  costUsd: number;
}

export interface Reservation {
  limits: BudgetLimit[];
  estimate: Amount;
}

interface CounterRow {
  scope: BudgetScope;
  scope_id: string;
  used_tokens: number;
  used_cost_usd: number;
  reserved_tokens: number;
  reserved_cost_usd: number;
}

const SCOPE_NAMES: Record<BudgetScope, string> = {
  user_month: "Monthly token quota",
  project: "Project budget",
  run: "Run budget",
};

/** The month counter's id: one row per user per calendar month (UTC). */
export function monthScopeId(userId: string, now: Date): string {
  return `${userId}:${now.toISOString().slice(0, 7)}`;
}

async function lockCounters(tx: SqlRunner, limits: BudgetLimit[]): Promise<Map<string, CounterRow>> {
  for (const limit of limits) {
    await tx.query("INSERT INTO llm_budget_counters (scope, scope_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      limit.scope,
      limit.scopeId,
    ]);
  }
  // One statement, sorted by key, so two transactions always lock in the same order (no deadlock).
  const rows = await tx.query<CounterRow>(
    `SELECT scope, scope_id, used_tokens::float8 AS used_tokens, used_cost_usd::float8 AS used_cost_usd,
       reserved_tokens::float8 AS reserved_tokens, reserved_cost_usd::float8 AS reserved_cost_usd
     FROM llm_budget_counters WHERE (scope, scope_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY scope, scope_id FOR UPDATE`,
    [limits.map((l) => l.scope), limits.map((l) => l.scopeId)],
  );
  return new Map(rows.map((r) => [`${r.scope}:${r.scope_id}`, r]));
}

/** Refuses with 402 `quota_exceeded` when a limit would be passed; otherwise holds the estimate. */
export async function reserveBudget(db: DatabaseHandle, limits: BudgetLimit[], estimate: Amount): Promise<Reservation> {
  if (limits.length === 0) return { limits, estimate };
  await db.transaction(async (tx) => {
    const counters = await lockCounters(tx, limits);
    for (const limit of limits) {
      const row = counters.get(`${limit.scope}:${limit.scopeId}`);
      if (!row) continue;
      const tokens = Number(row.used_tokens) + Number(row.reserved_tokens);
      const cost = Number(row.used_cost_usd) + Number(row.reserved_cost_usd);
      if (limit.maxTokens !== undefined && tokens + estimate.tokens > limit.maxTokens) {
        throw quotaExceeded(`${SCOPE_NAMES[limit.scope]} exhausted: ${tokens} of ${limit.maxTokens} tokens used`, {
          used: tokens,
          limit: limit.maxTokens,
          unit: "tokens",
          scope: limit.scope,
        });
      }
      if (limit.maxCostUsd !== undefined && cost + estimate.costUsd > limit.maxCostUsd) {
        throw quotaExceeded(`${SCOPE_NAMES[limit.scope]} exhausted: $${cost.toFixed(4)} of $${limit.maxCostUsd} spent`, {
          used: Math.round(cost * 1_000_000) / 1_000_000,
          limit: limit.maxCostUsd,
          unit: "usd",
          scope: limit.scope,
        });
      }
    }
    for (const limit of limits) {
      await tx.query(
        `UPDATE llm_budget_counters SET reserved_tokens = reserved_tokens + $3, reserved_cost_usd = reserved_cost_usd + $4, updated_at = now()
         WHERE scope = $1 AND scope_id = $2`,
        [limit.scope, limit.scopeId, estimate.tokens, estimate.costUsd],
      );
    }
  });
  return { limits, estimate };
}

/** Releases the estimate and books the real usage (zero for a call that failed before using anything). */
export async function settleBudget(db: DatabaseHandle, reservation: Reservation, actual: Amount): Promise<void> {
  const sorted = [...reservation.limits].sort((a, b) => `${a.scope}:${a.scopeId}`.localeCompare(`${b.scope}:${b.scopeId}`));
  if (sorted.length === 0) return;
  await db.transaction(async (tx) => {
    for (const limit of sorted) {
      await tx.query(
        `UPDATE llm_budget_counters SET
           reserved_tokens = greatest(reserved_tokens - $3, 0), reserved_cost_usd = greatest(reserved_cost_usd - $4, 0),
           used_tokens = used_tokens + $5, used_cost_usd = used_cost_usd + $6, updated_at = now()
         WHERE scope = $1 AND scope_id = $2`,
        [limit.scope, limit.scopeId, reservation.estimate.tokens, reservation.estimate.costUsd, actual.tokens, actual.costUsd],
      );
    }
  });
}
