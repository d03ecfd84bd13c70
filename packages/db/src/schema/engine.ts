// Owns the tables of the generation engine: runs (state machine + lease), steps, events, questions, tasks, messages.
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { projects } from "./projects";

export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["build", "change"] }).notNull(),
    instruction: text("instruction"),
    autonomy: text("autonomy", { enum: ["ask", "auto"] })
      .notNull()
      .default("ask"),
    model: text("model"),
    status: text("status", { enum: ["queued", "running", "paused", "completed", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    stage: text("stage").notNull().default("spec"),
    stepSeq: integer("step_seq").notNull().default(0),
    eventSeq: bigint("event_seq", { mode: "number" }).notNull().default(0),
    state: jsonb("state").$type<Record<string, unknown>>().notNull().default({}),
    currentTaskId: uuid("current_task_id"),
    error: text("error"),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("ix_runs_project_created").on(t.projectId, t.createdAt), index("ix_runs_lease").on(t.status, t.leaseExpiresAt)],
);

export const runSteps = pgTable(
  "run_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    stage: text("stage").notNull(),
    kind: text("kind").notNull(),
    taskId: uuid("task_id"),
    result: jsonb("result").$type<Record<string, unknown>>().notNull().default({}),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    durationMs: integer("duration_ms").notNull().default(0),
    modelMs: integer("model_ms").notNull().default(0),
    commandMs: integer("command_ms").notNull().default(0),
    checkpoint: text("checkpoint"),
    worker: text("worker"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("uq_run_steps_run_seq").on(t.runId, t.seq)],
);

export const runEvents = pgTable(
  "run_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("uq_run_events_run_seq").on(t.runId, t.seq)],
);

export const runQuestions = pgTable(
  "run_questions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stage: text("stage").notNull(),
    taskId: uuid("task_id"),
    question: text("question").notNull(),
    options: jsonb("options").$type<string[]>().notNull().default([]),
    recommended: text("recommended"),
    answer: text("answer"),
    answeredBy: text("answered_by", { enum: ["user", "auto"] }),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ix_run_questions_run").on(t.runId, t.createdAt)],
);

export const runTasks = pgTable(
  "run_tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    acceptance: jsonb("acceptance").$type<string[]>().notNull().default([]),
    status: text("status", { enum: ["pending", "in_progress", "done", "skipped", "failed"] })
      .notNull()
      .default("pending"),
    summary: text("summary"),
    attempts: integer("attempts").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ix_run_tasks_run_position").on(t.runId, t.position)],
);

export const runMessages = pgTable(
  "run_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["message", "spec"] })
      .notNull()
      .default("message"),
    text: text("text").notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ix_run_messages_run").on(t.runId, t.id)],
);

export type RunRow = typeof runs.$inferSelect;
