// Owns the vocabulary of run events: every event a run emits, declared once, shared by server, web and CLI.
import { z } from "zod";

const stage = z.enum(["spec", "architecture", "plan", "task", "document", "done"]);
const usage = z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() });

/** Payload schema of each event type, keyed by `<noun>.<verb>` name. */
export const RunEventPayloads = {
  "run.started": z.object({ kind: z.enum(["build", "change"]), instruction: z.string().nullable(), autonomy: z.enum(["ask", "auto"]) }),
  "stage.started": z.object({ stage, taskId: z.string().nullable().optional(), title: z.string().optional() }),
  "question.asked": z.object({
    questionId: z.string(),
    question: z.string(),
    options: z.array(z.string()),
    recommended: z.string().nullable(),
  }),
  "question.answered": z.object({ questionId: z.string(), answer: z.string(), by: z.enum(["user", "auto"]) }),
  "message.received": z.object({ text: z.string() }),
  "llm.delta": z.object({ agent: z.string(), text: z.string() }),
  "llm.completed": z.object({ agent: z.string(), model: z.string(), ...usage.shape }),
  "tool.called": z.object({ tool: z.string(), input: z.unknown(), ok: z.boolean(), result: z.string() }),
  "file.written": z.object({ path: z.string(), action: z.enum(["write", "edit", "delete"]) }),
  "command.output": z.object({ command: z.string(), stream: z.enum(["stdout", "stderr"]), data: z.string() }),
  "plan.updated": z.object({ tasks: z.array(z.object({ id: z.string(), title: z.string(), status: z.string() })) }),
  "verify.passed": z.object({ taskId: z.string().nullable(), checks: z.array(z.object({ name: z.string(), ok: z.boolean() })) }),
  "verify.failed": z.object({
    taskId: z.string().nullable(),
    check: z.string(),
    output: z.string(),
    attempt: z.number(),
    escalation: z.string(),
  }),
  "task.started": z.object({ taskId: z.string(), title: z.string() }),
  "task.completed": z.object({ taskId: z.string(), summary: z.string() }),
  "task.skipped": z.object({ taskId: z.string(), reason: z.string() }),
  "checkpoint.created": z.object({ sha: z.string(), step: z.string(), taskId: z.string().nullable() }),
  "checkpoint.restored": z.object({ sha: z.string(), from: z.string() }),
  "run.paused": z.object({ reason: z.string(), questionId: z.string().nullable() }),
  "run.resumed": z.object({}),
  "run.completed": z.object({ summary: z.string() }),
  "run.failed": z.object({ error: z.string() }),
  "run.cancelled": z.object({}),
} as const;

export type RunEventType = keyof typeof RunEventPayloads;
export const RUN_EVENT_TYPES = Object.keys(RunEventPayloads) as RunEventType[];
export type RunEventPayload<T extends RunEventType> = z.infer<(typeof RunEventPayloads)[T]>;

/** One event as stored and streamed: `id` is monotonic per run (the SSE id, used with Last-Event-ID). */
export const RunEvent = z
  .object({
    id: z.number().int().describe("Monotonic per run, starting at 1"),
    runId: z.string(),
    type: z.enum(RUN_EVENT_TYPES as [RunEventType, ...RunEventType[]]),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "RunEvent" });
export type RunEvent = z.infer<typeof RunEvent>;

/** A new event before it gets its id, typed by name. */
export type NewRunEvent = { [T in RunEventType]: { type: T; data: RunEventPayload<T> } }[RunEventType];

export function runEvent<T extends RunEventType>(type: T, data: RunEventPayload<T>): NewRunEvent {
  return { type, data } as NewRunEvent;
}
