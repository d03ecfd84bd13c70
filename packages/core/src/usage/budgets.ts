// Owns budgets and quotas: counters per month/project/run checked and reserved atomically before a call,
// settled with the real usage after it, so concurrent callers cannot overspend by more than one call each.
import type { DatabaseHandle, SqlRunner } from "@samokoder/db";
import { type AppError, quotaExceeded } from "../errors/index";

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

function refusal(limit: BudgetLimit, row: CounterRow | undefined, estimate: Amount): AppError | undefined {
  const tokens = Number(row?.used_tokens ?? 0) + Number(row?.reserved_tokens ?? 0);
  const cost = Number(row?.used_cost_usd ?? 0) + Number(row?.reserved_cost_usd ?? 0);
  if (limit.maxTokens !== undefined && tokens + estimate.tokens > limit.maxTokens) {
    return quotaExceeded(`${SCOPE_NAMES[limit.scope]} exhausted: ${tokens} of ${limit.maxTokens} tokens used`, {
      used: tokens,
      limit: limit.maxTokens,
      unit: "tokens",
      scope: limit.scope,
    });
  }
  if (limit.maxCostUsd !== undefined && cost + estimate.costUsd > limit.maxCostUsd) {
    return quotaExceeded(`${SCOPE_NAMES[limit.scope]} exhausted: $${cost.toFixed(4)} of $${limit.maxCostUsd} spent`, {
      used: Math.round(cost * 1_000_000) / 1_000_000,
      limit: limit.maxCostUsd,
      unit: "usd",
      scope: limit.scope,
    });
  }
  return undefined;
}

/**
 * One statement per counter: the upsert locks the row, and its WHERE sees the latest committed totals,
 * so the check and the reservation cannot be split by a concurrent caller. Returns no row when refused.
 */
async function reserveOne(runner: SqlRunner, limit: BudgetLimit, estimate: Amount, leaseSeconds: number): Promise<boolean> {
  // Reservations older than the lease belong to calls that can no longer be running: they count as zero.
  const rows = await runner.query(
    `INSERT INTO llm_budget_counters AS c (scope, scope_id, reserved_tokens, reserved_cost_usd, reserved_until)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $7))
     ON CONFLICT (scope, scope_id) DO UPDATE SET
       reserved_tokens = (CASE WHEN c.reserved_until <= now() THEN 0 ELSE c.reserved_tokens END) + excluded.reserved_tokens,
       reserved_cost_usd = (CASE WHEN c.reserved_until <= now() THEN 0 ELSE c.reserved_cost_usd END) + excluded.reserved_cost_usd,
       reserved_until = greatest(c.reserved_until, excluded.reserved_until),
       updated_at = now()
     WHERE ($5::float8 IS NULL
            OR c.used_tokens + (CASE WHEN c.reserved_until <= now() THEN 0 ELSE c.reserved_tokens END) + excluded.reserved_tokens <= $5::float8)
       AND ($6::float8 IS NULL
            OR c.used_cost_usd + (CASE WHEN c.reserved_until <= now() THEN 0 ELSE c.reserved_cost_usd END) + excluded.reserved_cost_usd <= $6::float8)
     RETURNING 1`,
    [limit.scope, limit.scopeId, estimate.tokens, estimate.costUsd, limit.maxTokens ?? null, limit.maxCostUsd ?? null, leaseSeconds],
  );
  return rows.length > 0;
}

async function refusalFor(db: SqlRunner, limit: BudgetLimit, estimate: Amount): Promise<AppError> {
  const [row] = await db.query<CounterRow>(
    `SELECT scope, scope_id, used_tokens::float8 AS used_tokens, used_cost_usd::float8 AS used_cost_usd,
       (CASE WHEN reserved_until <= now() THEN 0 ELSE reserved_tokens END)::float8 AS reserved_tokens,
       (CASE WHEN reserved_until <= now() THEN 0 ELSE reserved_cost_usd END)::float8 AS reserved_cost_usd
     FROM llm_budget_counters WHERE scope = $1 AND scope_id = $2`,
    [limit.scope, limit.scopeId],
  );
  return refusal(limit, row, estimate) ?? quotaExceeded(`${SCOPE_NAMES[limit.scope]} exhausted`, { used: 0, limit: 0, scope: limit.scope });
}

/** Refuses with 402 `quota_exceeded` when a limit would be passed; otherwise holds the estimate. */
export async function reserveBudget(
  db: DatabaseHandle,
  limits: BudgetLimit[],
  estimate: Amount,
  /** How long the call can possibly last (timeouts × attempts + backoff); the reservation lapses after it. */
  leaseSeconds = 3600,
): Promise<Reservation> {
  if (limits.length === 0) return { limits, estimate };
  // A call bigger than a whole limit can never fit, whatever has been used.
  for (const limit of limits) {
    const tooBig = refusal(limit, undefined, estimate);
    if (tooBig) throw tooBig;
  }
  const [only] = limits;
  if (limits.length === 1 && only) {
    if (!(await reserveOne(db, only, estimate, leaseSeconds))) throw await refusalFor(db, only, estimate);
    return { limits, estimate };
  }
  // Several counters must be reserved together or not at all. Sorted so transactions lock in one order.
  const sorted = [...limits].sort((a, b) => `${a.scope}:${a.scopeId}`.localeCompare(`${b.scope}:${b.scopeId}`));
  let refused: BudgetLimit | undefined;
  await db
    .transaction(async (tx) => {
      for (const limit of sorted) {
        if (!(await reserveOne(tx, limit, estimate, leaseSeconds))) {
          refused = limit;
          throw new Error("refused");
        }
      }
    })
    .catch((error: unknown) => {
      if (!refused) throw error;
    });
  if (refused) throw await refusalFor(db, refused, estimate);
  return { limits, estimate };
}

/** The parameters of `settleSql`, in order. */
export function settleParams(reservation: Reservation, actual: Amount): unknown[] {
  return [
    reservation.limits.map((l) => l.scope),
    reservation.limits.map((l) => l.scopeId),
    reservation.estimate.tokens,
    reservation.estimate.costUsd,
    actual.tokens,
    actual.costUsd,
  ];
}

/** Releases the estimate and books the actual amount; its parameters are numbered from `first` (for use in a CTE). */
export function settleSql(first = 1): string {
  const p = (i: number) => `$${first + i}`;
  return `UPDATE llm_budget_counters AS c SET
    reserved_tokens = greatest(c.reserved_tokens - ${p(2)}, 0), reserved_cost_usd = greatest(c.reserved_cost_usd - ${p(3)}, 0),
    used_tokens = c.used_tokens + ${p(4)}, used_cost_usd = c.used_cost_usd + ${p(5)}, updated_at = now()
  FROM unnest(${p(0)}::text[], ${p(1)}::text[]) AS w(scope, scope_id)
  WHERE c.scope = w.scope AND c.scope_id = w.scope_id
  RETURNING 1`;
}

/** Releases the estimate and books the real usage (zero for a call that failed before using anything). */
export async function settleBudget(db: SqlRunner, reservation: Reservation, actual: Amount): Promise<void> {
  if (reservation.limits.length === 0) return;
  await db.query(settleSql(), settleParams(reservation, actual));
}
