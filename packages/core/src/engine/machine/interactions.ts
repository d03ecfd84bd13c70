// Owns what the person says to a run: answers to waiting questions and free-form messages ("skip task",
// "I'm stuck", spec edits, anything else), applied at a step boundary so the state machine stays consistent.
import type { SqlRunner } from "@samokoder/db";
import { newConversation, newTaskProgress, type Conversation, type RunState } from "../runs/state";
import { kickoff } from "./context-sections";
import { answerOf } from "./questions";
import { newOutcome, remember, type StepEnv, type StepOutcome } from "./step-env";
import { setTaskStatus } from "./tasks";
import { resultPart } from "./tools-step";

const SKIP = /^\s*(skip( this)?( task)?|skip it)\s*[.!]?\s*$/i;
const STUCK = /\b(i'?m|i am) stuck\b/i;
const ACCEPT = /^\s*(accept(ed)?|yes|ok(ay)?|works|it works|looks good|lgtm|done)\b/i;

export const isSkip = (text: string) => SKIP.test(text) || /^skip this task$/i.test(text.trim());

function skipCurrentTask(outcome: StepOutcome, state: RunState, reason: string): void {
  if (!state.task) return;
  outcome.applies.push(setTaskStatus(state.task.id, "skipped"));
  outcome.events.push({ type: "task.skipped", data: { taskId: state.task.id, reason } });
  remember(state, `Task skipped: ${reason}`);
  state.task = null;
  state.conversation = null;
  state.waiting = null;
  state.phase = "task";
}

/** Applies the answer to the question the run was waiting for. */
export async function answerStep(env: StepEnv, db: SqlRunner): Promise<StepOutcome | null> {
  const outcome = newOutcome("answer", env.run);
  const state = outcome.state;
  const waiting = state.waiting;
  if (!waiting) return null;
  const answer = await answerOf(db, waiting.questionId);
  if (answer === null) return null;
  state.waiting = null;
  outcome.events.push({ type: "run.resumed", data: {} });
  const convo = state.conversation as Conversation | null;
  const deferred = { toolCallId: convo?.deferredCallId ?? "", toolName: convo?.deferredToolName ?? "ask_user" };
  const clearDeferred = () => {
    if (convo) {
      convo.deferredCallId = null;
      convo.deferredToolName = null;
    }
  };

  if (waiting.purpose === "spec" || waiting.purpose === "plan") {
    // Anything but an approval is a note the following agents must take into account.
    if (!ACCEPT.test(answer) && !/^\s*approve/i.test(answer)) {
      if (waiting.purpose === "spec") state.spec = `${state.spec ?? ""}\n\n## Notes from the person\n${answer}`;
      remember(state, `The person commented on the ${waiting.purpose}: ${answer}`);
    } else remember(state, `The person approved the ${waiting.purpose}`);
  } else if (waiting.purpose === "ask_user" && isSkip(answer) && state.task) {
    skipCurrentTask(outcome, state, "the person asked to skip it");
  } else if (waiting.purpose === "ask_user") {
    convo?.messages.push({ role: "tool", content: [resultPart(deferred, { ok: true, output: `The person answered: ${answer}` })] });
    clearDeferred();
    remember(state, `The person answered: ${answer}`);
  } else if (waiting.purpose === "escalation") {
    if (isSkip(answer)) skipCurrentTask(outcome, state, "the person chose to skip it after repeated failures");
    else if (state.task) {
      state.task.attempts = 0;
      state.task.signatures = [];
      state.task.escalation = "fix";
      convo?.messages.push({
        role: "tool",
        content: [
          resultPart(deferred, {
            ok: false,
            output: `Verification kept failing. The person says: ${answer}\nTry again with that in mind.`,
          }),
        ],
      });
      clearDeferred();
      state.phase = "task";
    }
  } else if (waiting.purpose === "review") {
    if (ACCEPT.test(answer) || isSkip(answer)) {
      remember(state, "The person accepted the task");
      state.task = null;
      state.phase = "task";
    } else if (state.task) {
      // A debugging iteration on the same task, driven by what the person saw.
      const task = newTaskProgress(state.task.id);
      task.feedback = answer;
      state.task = task;
      const fresh = newConversation("coder");
      fresh.messages.push({ role: "user", content: `${kickoff("coder", env.run, null)}\n\nThe person tried it and reports:\n${answer}` });
      state.conversation = fresh;
      outcome.applies.push(setTaskStatus(task.id, "in_progress"));
      remember(state, `The person reported a problem: ${answer}`);
      state.phase = "task";
    }
  }
  return outcome;
}

interface MessageRow {
  id: string | number;
  text: string;
  kind: string;
}

/** Consumes the person's unread messages; null when there are none. */
export async function messagesStep(env: StepEnv, db: SqlRunner): Promise<StepOutcome | null> {
  const rows = await db.query<MessageRow>("SELECT id, text, kind FROM run_messages WHERE run_id = $1 AND consumed_at IS NULL ORDER BY id", [
    env.run.id,
  ]);
  if (rows.length === 0) return null;
  const outcome = newOutcome("messages", env.run);
  const state = outcome.state;
  const ids = rows.map((r) => Number(r.id));
  outcome.applies.push(async (tx) => {
    await tx.query("UPDATE run_messages SET consumed_at = now() WHERE id = ANY($1::bigint[])", [ids]);
  });
  for (const row of rows) {
    const convo = state.conversation;
    if (row.kind === "spec") {
      state.spec = row.text;
      remember(state, "The person edited the specification");
    } else if (isSkip(row.text)) {
      skipCurrentTask(outcome, state, "the person asked to skip it");
    } else if (STUCK.test(row.text)) {
      if (state.task) state.task.escalation = "rethink";
      const note = "The person says things are stuck. Step back, explain to yourself what is going wrong, and take a different approach.";
      if (convo && !convo.pendingCalls && !convo.deferredCallId) convo.messages.push({ role: "user", content: note });
      remember(state, "The person said they are stuck");
    } else {
      if (convo && !convo.pendingCalls && !convo.deferredCallId)
        convo.messages.push({ role: "user", content: `Message from the person: ${row.text}` });
      remember(state, `The person said: ${row.text}`);
    }
  }
  return outcome;
}
