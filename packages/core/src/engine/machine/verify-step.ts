// Owns the verify step: runs the project's checks in the sandbox after complete_task and either completes
// the task (green checkpoint) or sends the exact failure back to the coder, escalating on repeated failures.
import { createHash } from "node:crypto";
import { access } from "node:fs/promises";
import { join } from "node:path";
import type { Workspace } from "../../workspace/types";
import { detectChecks } from "../../workspace/checks";
import { ESCALATION_GUIDANCE } from "../agents/prompts";
import { newConversation, type Conversation } from "../runs/state";
import { decideEscalation, errorSignature } from "../verify/loop-control";
import { runChecks } from "../verify/run-checks";
import { kickoff } from "./context-sections";
import { insertQuestion, makeQuestion, questionEvents } from "./questions";
import { newOutcome, remember, type StepEnv, type StepOutcome } from "./step-env";
import { setTaskStatus } from "./tasks";
import { resultPart } from "./tools-step";

export async function manifestHash(workspace: Workspace): Promise<string> {
  const hash = createHash("sha256");
  for (const file of ["package.json", "package-lock.json"]) hash.update(await workspace.readFile(file).catch(() => ""));
  return hash.digest("hex");
}

async function hasDependencies(dir: string): Promise<boolean> {
  return access(join(dir, "node_modules")).then(
    () => true,
    () => false,
  );
}

export const ESCALATION_OPTIONS = ["Try again", "Skip this task"];

export async function verifyStep(env: StepEnv, taskTitle: string): Promise<StepOutcome> {
  const { deps, run, workspace } = env;
  const outcome = newOutcome("verify", run);
  const state = outcome.state;
  const task = state.task;
  const convo = state.conversation as Conversation;
  if (!task) throw new Error("verify step without a task");
  state.checks ??= await detectChecks(workspace.dir);
  const started = performance.now();
  const manifests = await manifestHash(workspace);
  const skipInstall = state.installedHash === manifests && (await hasDependencies(workspace.dir));
  const report = state.checks
    ? await runChecks({
        sandbox: deps.sandbox(),
        projectDir: workspace.dir,
        ownerId: run.ownerId,
        checks: state.checks,
        timeoutSeconds: deps.settings.commandTimeoutSeconds,
        skipInstall,
        signal: env.signal,
        onOutput: (check, stream, data) => env.stream.commandOutput(check, stream, data),
      })
    : { ok: true, outcomes: [], failed: null };
  outcome.commandMs = performance.now() - started;
  outcome.result = { checks: report.outcomes.map((o) => ({ name: o.name, ok: o.ok, durationMs: o.durationMs })) };
  const install = report.outcomes.find((o) => o.name === "install");
  if (install?.ok) state.installedHash = await manifestHash(workspace);
  const deferred = { toolCallId: convo.deferredCallId ?? "", toolName: convo.deferredToolName ?? "complete_task" };

  if (report.ok) {
    const sha = await workspace.commit({ runId: run.id, taskId: task.id, step: "verified", summary: `Verified: ${taskTitle}` });
    if (sha !== state.lastCheckpoint) {
      outcome.events.push({ type: "checkpoint.created", data: { sha, step: "verified", taskId: task.id } });
      outcome.checkpoint = sha;
    }
    state.lastCheckpoint = sha;
    state.lastGreenCheckpoint = sha;
    const summary = task.completionSummary ?? "done";
    outcome.events.push({
      type: "verify.passed",
      data: { taskId: task.id, checks: report.outcomes.map((o) => ({ name: o.name, ok: o.ok })) },
    });
    outcome.events.push({ type: "task.completed", data: { taskId: task.id, summary } });
    outcome.applies.push(setTaskStatus(task.id, "done", { summary, attempts: task.attempts, costUsd: task.costUsd }));
    remember(state, `Task "${taskTitle}" completed and verified: ${summary}`);
    state.conversation = null;
    state.phase = "review";
    return outcome;
  }

  const failed = report.failed ?? { name: "test", output: "verification failed", ok: false, durationMs: 0 };
  task.attempts += 1;
  const signature = errorSignature(failed.name, failed.output);
  const decision = decideEscalation(task, signature, {
    attempts: deps.settings.taskAttemptBudget,
    costUsd: deps.settings.taskCostBudgetUsd,
  });
  task.signatures.push(signature);
  task.escalation = decision.escalation;
  outcome.result.escalation = decision;
  outcome.events.push({
    type: "verify.failed",
    data: { taskId: task.id, check: failed.name, output: failed.output, attempt: task.attempts, escalation: decision.escalation },
  });
  outcome.applies.push(setTaskStatus(task.id, "in_progress", { attempts: task.attempts, costUsd: task.costUsd }));
  remember(
    state,
    `Verification of "${taskTitle}" failed at ${failed.name} (attempt ${task.attempts}${decision.loopDetected ? ", repeated failure" : ""})`,
  );
  const failure = `Verification failed at the ${failed.name} check (attempt ${task.attempts}).\n\n${failed.output}`;
  state.phase = "task";

  switch (decision.escalation) {
    case "fix":
    case "diagnose":
    case "rethink":
      convo.messages.push({
        role: "tool",
        content: [resultPart(deferred, { ok: false, output: `${failure}\n\n${ESCALATION_GUIDANCE[decision.escalation]}` })],
      });
      break;
    case "rollback": {
      const target = state.lastGreenCheckpoint;
      if (target) {
        const sha = await workspace.restore(target, {
          runId: run.id,
          taskId: task.id,
          step: "rollback",
          summary: `Roll back to ${target.slice(0, 12)}`,
        });
        outcome.events.push({ type: "checkpoint.restored", data: { sha, from: target } });
        outcome.checkpoint = sha;
        state.lastCheckpoint = sha;
        remember(state, `Rolled back to the last green checkpoint ${target.slice(0, 12)}`);
      }
      // A fresh conversation: the failed attempts' context is what led astray.
      const fresh = newConversation("coder");
      fresh.messages.push({
        role: "user",
        content: `${kickoff("coder", run, null)}\n\n${ESCALATION_GUIDANCE.rollback}\n\nThe last failure was:\n${failure}`,
      });
      state.conversation = fresh;
      break;
    }
    case "ask_user": {
      const question = makeQuestion(
        "task",
        task.id,
        `Task "${taskTitle}" still fails verification (${decision.reason}). Last failure: the ${failed.name} check. Reply "Try again" (optionally with a hint), or "Skip this task".`,
        ESCALATION_OPTIONS,
      );
      if (run.autonomy === "auto") {
        // Unattended runs do not loop forever: the task is marked failed and the run moves on.
        outcome.applies.push(insertQuestion(run.id, question, "Skip this task"));
        outcome.events.push(...questionEvents(question, "Skip this task"));
        outcome.applies.push(setTaskStatus(task.id, "failed", { attempts: task.attempts, costUsd: task.costUsd }));
        outcome.events.push({ type: "task.skipped", data: { taskId: task.id, reason: `verification kept failing (${decision.reason})` } });
        remember(state, `Task "${taskTitle}" given up: ${decision.reason}`);
        state.conversation = null;
        state.task = null;
        break;
      }
      outcome.applies.push(insertQuestion(run.id, question, null));
      outcome.events.push(...questionEvents(question, null));
      outcome.events.push({ type: "run.paused", data: { reason: "question", questionId: question.id } });
      state.waiting = { questionId: question.id, purpose: "escalation" };
      state.phase = "verify";
      outcome.status = "paused";
      break;
    }
  }
  return outcome;
}
