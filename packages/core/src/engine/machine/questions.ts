// Owns questions to the person: recording them, answering them automatically under autonomy "auto".
import { randomUUID } from "node:crypto";
import type { SqlRunner } from "@samokoder/db";
import type { NewRunEvent } from "@samokoder/schema";

export interface NewQuestion {
  id: string;
  stage: string;
  taskId: string | null;
  question: string;
  options: string[];
  recommended: string | null;
}

export const AUTO_ANSWER_WITHOUT_OPTIONS = "No preference: decide yourself, choosing the simplest reasonable option.";

export function makeQuestion(stage: string, taskId: string | null, question: string, options: string[]): NewQuestion {
  return { id: randomUUID(), stage, taskId, question, options, recommended: options[0] ?? null };
}

export function insertQuestion(runId: string, q: NewQuestion, autoAnswer: string | null) {
  return async (tx: SqlRunner) => {
    await tx.query(
      `INSERT INTO run_questions (id, run_id, stage, task_id, question, options, recommended, answer, answered_by, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, CASE WHEN $8::text IS NULL THEN NULL ELSE now() END)`,
      [
        q.id,
        runId,
        q.stage,
        q.taskId,
        q.question,
        JSON.stringify(q.options),
        q.recommended,
        autoAnswer,
        autoAnswer === null ? null : "auto",
      ],
    );
  };
}

export function questionEvents(q: NewQuestion, autoAnswer: string | null): NewRunEvent[] {
  const events: NewRunEvent[] = [
    { type: "question.asked", data: { questionId: q.id, question: q.question, options: q.options, recommended: q.recommended } },
  ];
  if (autoAnswer !== null) events.push({ type: "question.answered", data: { questionId: q.id, answer: autoAnswer, by: "auto" } });
  return events;
}

export async function answerOf(db: SqlRunner, questionId: string): Promise<string | null> {
  const [row] = await db.query<{ answer: string | null }>("SELECT answer FROM run_questions WHERE id = $1", [questionId]);
  return row?.answer ?? null;
}
