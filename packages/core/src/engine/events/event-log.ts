// Owns the append-only run event log: per-run monotonic ids allocated under the run's row lock, and the
// NOTIFY that tells every API process (or this one, on PGlite) that new events are committed.
import type { SqlRunner } from "@samokoder/db";
import type { NewRunEvent, RunEvent } from "@samokoder/schema";

export const RUN_EVENTS_CHANNEL = "samokoder_run_events";

/**
 * Appends events inside the caller's transaction. The counter update takes the run's row lock, so ids are
 * gapless and commit in order: a reader that has seen id N never later finds a smaller id appear.
 */
export async function appendEvents(tx: SqlRunner, runId: string, events: NewRunEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const [row] = await tx.query<{ event_seq: string | number }>(
    "UPDATE runs SET event_seq = event_seq + $2, updated_at = now() WHERE id = $1 RETURNING event_seq",
    [runId, events.length],
  );
  if (!row) throw new Error(`run ${runId} does not exist`);
  const last = Number(row.event_seq);
  const first = last - events.length + 1;
  const values: unknown[] = [runId];
  const tuples = events.map((event, index) => {
    values.push(first + index, event.type, JSON.stringify(event.data));
    const base = values.length - 3;
    return `($1, $${base + 1}, $${base + 2}, $${base + 3}::jsonb, clock_timestamp())`;
  });
  // clock_timestamp(), not now(): an event's time is when it was written, not when its transaction began.
  await tx.query(`INSERT INTO run_events (run_id, seq, type, data, created_at) VALUES ${tuples.join(", ")}`, values);
  // Delivered at commit, to listeners in every process connected to this database.
  await tx.query("SELECT pg_notify($1, $2)", [RUN_EVENTS_CHANNEL, `${runId}:${last}`]);
  return last;
}

interface EventRow {
  seq: string | number;
  run_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date | string;
}

export async function readEvents(db: SqlRunner, runId: string, afterId: number, limit = 500): Promise<RunEvent[]> {
  const rows = await db.query<EventRow>(
    "SELECT seq, run_id, type, data, created_at FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    [runId, afterId, limit],
  );
  return rows.map((row) => ({
    id: Number(row.seq),
    runId: row.run_id,
    type: row.type as RunEvent["type"],
    data: row.data,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}
