// Owns reading and updating the plan's tasks (run_tasks) from the state machine.
import type { SqlRunner } from "@samokoder/db";

export interface TaskRow {
  id: string;
  position: number;
  title: string;
  description: string;
  acceptance: string[];
  status: "pending" | "in_progress" | "done" | "skipped" | "failed";
  summary: string | null;
  attempts: number;
  cost_usd: number;
}

export async function listTasks(db: SqlRunner, runId: string): Promise<TaskRow[]> {
  const rows = await db.query<TaskRow>(
    "SELECT id, position, title, description, acceptance, status, summary, attempts, cost_usd FROM run_tasks WHERE run_id = $1 ORDER BY position, created_at",
    [runId],
  );
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts), cost_usd: Number(r.cost_usd), position: Number(r.position) }));
}

export function setTaskStatus(
  taskId: string,
  status: TaskRow["status"],
  extra: { summary?: string; attempts?: number; costUsd?: number } = {},
) {
  return async (tx: SqlRunner) => {
    await tx.query(
      `UPDATE run_tasks SET status = $2, summary = COALESCE($3, summary), attempts = COALESCE($4, attempts),
       cost_usd = COALESCE($5, cost_usd), updated_at = now() WHERE id = $1`,
      [taskId, status, extra.summary ?? null, extra.attempts ?? null, extra.costUsd ?? null],
    );
  };
}

export function insertTasks(runId: string, tasks: Array<{ id: string; title: string; description: string; acceptance: string[] }>) {
  return async (tx: SqlRunner) => {
    const [row] = await tx.query<{ max: number | null }>("SELECT max(position) AS max FROM run_tasks WHERE run_id = $1", [runId]);
    let position = Number(row?.max ?? 0);
    for (const task of tasks) {
      position += 1;
      await tx.query(
        "INSERT INTO run_tasks (id, run_id, position, title, description, acceptance) VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
        [task.id, runId, position, task.title, task.description, JSON.stringify(task.acceptance)],
      );
    }
  };
}
