// Owns presenting a run for the API: status, stage, plan, pending question, and tokens and cost per step.
import type { SqlRunner } from "@samokoder/db";
import type { Run } from "@samokoder/schema";
import { listTasks } from "../machine/tasks";
import type { RunRecord } from "./run-store";

interface QuestionRow {
  id: string;
  question: string;
  options: string[];
  recommended: string | null;
  stage: string;
  created_at: Date | string;
}

interface StepRow {
  seq: number;
  stage: string;
  kind: string;
  task_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  duration_ms: number;
  checkpoint: string | null;
  created_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function runSummary(run: RunRecord): Omit<Run, "plan" | "steps"> {
  return {
    id: run.id,
    projectId: run.projectId,
    kind: run.kind,
    instruction: run.instruction,
    autonomy: run.autonomy,
    status: run.status,
    stage: run.stage,
    currentTaskId: run.currentTaskId,
    spec: run.state.spec ?? null,
    error: run.error,
    pendingQuestion: null,
    usage: { inputTokens: run.inputTokens, outputTokens: run.outputTokens, costUsd: run.costUsd },
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    finishedAt: run.finishedAt ? iso(run.finishedAt) : null,
  };
}

export async function presentRun(db: SqlRunner, run: RunRecord): Promise<Run> {
  const tasks = await listTasks(db, run.id);
  const waiting = run.state.waiting;
  let pendingQuestion: Run["pendingQuestion"] = null;
  if (waiting) {
    const [q] = await db.query<QuestionRow>(
      "SELECT id, question, options, recommended, stage, created_at FROM run_questions WHERE id = $1 AND answer IS NULL",
      [waiting.questionId],
    );
    if (q)
      pendingQuestion = {
        id: q.id,
        question: q.question,
        options: q.options,
        recommended: q.recommended,
        stage: q.stage,
        createdAt: iso(q.created_at),
      };
  }
  const steps = await db.query<StepRow>(
    "SELECT seq, stage, kind, task_id, input_tokens, output_tokens, cost_usd, duration_ms, checkpoint, created_at FROM run_steps WHERE run_id = $1 ORDER BY seq",
    [run.id],
  );
  return {
    ...runSummary(run),
    pendingQuestion,
    plan: tasks.map((t) => ({
      id: t.id,
      position: t.position,
      title: t.title,
      description: t.description,
      acceptance: t.acceptance,
      status: t.status,
      summary: t.summary,
      attempts: t.attempts,
      costUsd: t.cost_usd,
    })),
    steps: steps.map((s) => ({
      seq: Number(s.seq),
      stage: s.stage,
      kind: s.kind,
      taskId: s.task_id,
      inputTokens: Number(s.input_tokens),
      outputTokens: Number(s.output_tokens),
      costUsd: Number(s.cost_usd),
      durationMs: Number(s.duration_ms),
      checkpoint: s.checkpoint,
      createdAt: iso(s.created_at),
    })),
  };
}
