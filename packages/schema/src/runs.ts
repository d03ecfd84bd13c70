// Owns the wire contract of generation runs: start, inspect, answer, steer, edit the plan.
import { z } from "zod";
import { Timestamp } from "./common";

export const RunStatus = z.enum(["queued", "running", "paused", "completed", "failed", "cancelled"]);
export const Autonomy = z.enum(["ask", "auto"]).describe("auto takes the recommended option at every question");
export const TaskStatus = z.enum(["pending", "in_progress", "done", "skipped", "failed"]);

export const StartRunBody = z
  .object({
    instruction: z.string().trim().min(1).max(20_000).optional().describe("A change request; omit for the first build"),
    autonomy: Autonomy.default("ask"),
  })
  .meta({ id: "StartRunBody" });

export const RunTask = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    title: z.string(),
    description: z.string(),
    acceptance: z.array(z.string()),
    status: TaskStatus,
    summary: z.string().nullable(),
    attempts: z.number().int(),
    costUsd: z.number(),
  })
  .meta({ id: "RunTask" });

export const RunQuestion = z
  .object({
    id: z.uuid(),
    question: z.string(),
    options: z.array(z.string()),
    recommended: z.string().nullable(),
    stage: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: "RunQuestion" });

export const RunStep = z
  .object({
    seq: z.number().int(),
    stage: z.string(),
    kind: z.string(),
    taskId: z.string().nullable(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    durationMs: z.number().int(),
    checkpoint: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "RunStep" });

export const Run = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    kind: z.enum(["build", "change"]),
    instruction: z.string().nullable(),
    autonomy: Autonomy,
    status: RunStatus,
    stage: z.string(),
    currentTaskId: z.string().nullable(),
    spec: z.string().nullable(),
    error: z.string().nullable(),
    plan: z.array(RunTask),
    pendingQuestion: RunQuestion.nullable(),
    steps: z.array(RunStep),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: "Run" });
export type Run = z.infer<typeof Run>;

export const RunResponse = z.object({ run: Run }).meta({ id: "RunResponse" });
export const RunList = z.object({ items: z.array(Run.omit({ steps: true, plan: true })) }).meta({ id: "RunList" });

export const AnswerBody = z.object({ questionId: z.uuid(), answer: z.string().trim().min(1).max(10_000) }).meta({ id: "AnswerBody" });

export const RunMessageBody = z
  .object({ text: z.string().trim().min(1).max(10_000).describe('Free-form; "skip task" and "I\'m stuck" are understood') })
  .meta({ id: "RunMessageBody" });

export const PlanTaskInput = z.object({
  id: z.uuid().optional().describe("Existing task id; omit to add a task"),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5_000).default(""),
  acceptance: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
  skip: z.boolean().optional().describe("Mark the task skipped"),
});

export const UpdatePlanBody = z
  .object({ tasks: z.array(PlanTaskInput).min(1).max(50).describe("The whole plan in the new order; tasks left out are skipped") })
  .meta({ id: "UpdatePlanBody" });

export const UpdateSpecBody = z.object({ spec: z.string().trim().min(1).max(50_000) }).meta({ id: "UpdateSpecBody" });
