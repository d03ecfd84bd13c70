// Owns writing the usage ledger: one row per provider call, written before the call's result is used.
import type { SqlRunner } from "@samokoder/db";
import { type Reservation, settleParams, settleSql } from "./budgets";

export interface LedgerEntry {
  userId: string;
  projectId: string | null;
  runId: string | null;
  role: string;
  provider: string;
  model: string;
  keyId: string | null;
  keySource: "user" | "operator" | "local";
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  /** "ok" or the error code the call ended with. */
  outcome: string;
  retries: number;
}

function ledgerParams(entry: LedgerEntry): unknown[] {
  return [
    entry.userId,
    entry.projectId,
    entry.runId,
    entry.role,
    entry.provider,
    entry.model,
    entry.keyId,
    entry.keySource,
    entry.inputTokens,
    entry.outputTokens,
    entry.cachedInputTokens,
    entry.costUsd,
    Math.round(entry.latencyMs),
    entry.ttftMs === null ? null : Math.round(entry.ttftMs),
    entry.outcome,
    entry.retries,
  ];
}

const INSERT_LEDGER = `INSERT INTO usage_ledger (user_id, project_id, run_id, agent_role, provider, model, key_id, key_source,
    input_tokens, output_tokens, cached_input_tokens, cost_usd, latency_ms, ttft_ms, outcome, retries)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`;

export async function writeLedgerEntry(db: SqlRunner, entry: LedgerEntry): Promise<string> {
  const [row] = await db.query<{ id: string }>(INSERT_LEDGER, ledgerParams(entry));
  if (!row) throw new Error("usage ledger insert returned no row");
  return row.id;
}

/**
 * Writes the ledger row and books the call on its budget counters in one statement, so the ledger and the
 * counters can never disagree, and the call costs one round trip to the database.
 */
export async function recordUsage(db: SqlRunner, entry: LedgerEntry, reservation: Reservation): Promise<string> {
  if (reservation.limits.length === 0) return writeLedgerEntry(db, entry);
  const [row] = await db.query<{ id: string }>(
    `WITH settled AS (${settleSql(17)})
     ${INSERT_LEDGER}`,
    [...ledgerParams(entry), ...settleParams(reservation, { tokens: entry.inputTokens + entry.outputTokens, costUsd: entry.costUsd })],
  );
  if (!row) throw new Error("usage ledger insert returned no row");
  return row.id;
}
