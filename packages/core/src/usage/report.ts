// Owns usage reports: ledger totals over a time window grouped by day, provider, model, project, agent or user.
import type { DatabaseHandle } from "@samokoder/db";
import type { UsageReport, UsageRow } from "@samokoder/schema";

export type UsageGroup = UsageReport["groupBy"];

// Fixed SQL per group: the group name is never interpolated from input.
const GROUP_SQL: Record<UsageGroup, string> = {
  day: "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
  provider: "provider",
  model: "provider || '/' || model",
  project: "coalesce(project_id::text, 'none')",
  agent: "agent_role",
  user: "user_id::text",
};

interface Aggregate {
  key: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  errors: number;
}

const toRow = (a: Aggregate): UsageRow => ({
  key: a.key,
  calls: Number(a.calls),
  inputTokens: Number(a.input_tokens),
  outputTokens: Number(a.output_tokens),
  cachedInputTokens: Number(a.cached_input_tokens),
  costUsd: Math.round(Number(a.cost_usd) * 1_000_000) / 1_000_000,
  errors: Number(a.errors),
});

export interface UsageWindow {
  from?: string | undefined;
  to?: string | undefined;
  groupBy: UsageGroup;
}

/** Totals for one user, or for everyone when `userId` is null (admins). */
export async function usageReport(db: DatabaseHandle, userId: string | null, window: UsageWindow, now: Date): Promise<UsageReport> {
  const to = window.to ? new Date(window.to) : now;
  const from = window.from ? new Date(window.from) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
  const rows = await db.query<Aggregate>(
    `SELECT ${GROUP_SQL[window.groupBy]} AS key, count(*)::int AS calls,
       coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens,
       coalesce(sum(cached_input_tokens), 0)::bigint AS cached_input_tokens, coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
       (count(*) FILTER (WHERE outcome <> 'ok'))::int AS errors
     FROM usage_ledger
     WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR user_id = $3::uuid)
     GROUP BY 1 ORDER BY 1`,
    [from.toISOString(), to.toISOString(), userId],
  );
  const items = rows.map(toRow);
  const sum = (pick: (r: UsageRow) => number) => items.reduce((n, r) => n + pick(r), 0);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    groupBy: window.groupBy,
    items,
    totals: {
      calls: sum((r) => r.calls),
      inputTokens: sum((r) => r.inputTokens),
      outputTokens: sum((r) => r.outputTokens),
      cachedInputTokens: sum((r) => r.cachedInputTokens),
      costUsd: Math.round(sum((r) => r.costUsd) * 1_000_000) / 1_000_000,
      errors: sum((r) => r.errors),
    },
  };
}
