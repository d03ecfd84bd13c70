// Owns the state machine's dispatch: given a run between steps, performs exactly one step and returns it
// for commit. Transitions that need no model or command (start a task, review, finish) are steps too.
import { detectChecks } from "../../workspace/checks";
import { scaffold } from "../../workspace/templates";
import { newConversation, newTaskProgress, type AgentName, type Phase } from "../runs/state";
import { kickoff, projectInfo } from "./context-sections";
import { addDependencies } from "./dependencies";
import { answerStep, messagesStep } from "./interactions";
import { modelStep } from "./model-step";
import { insertQuestion, makeQuestion, questionEvents } from "./questions";
import { newOutcome, remember, type StepEnv, type StepOutcome } from "./step-env";
import { listTasks, setTaskStatus } from "./tasks";
import { toolsStep } from "./tools-step";
import { manifestHash, verifyStep } from "./verify-step";

const AGENT_OF: Partial<Record<Phase, AgentName>> = {
  spec: "spec",
  architecture: "architect",
  plan: "planner",
  task: "coder",
  document: "documenter",
};

export async function advance(env: StepEnv): Promise<StepOutcome> {
  const { run, deps } = env;
  const db = deps.db;

  if (run.cancelRequested) {
    const outcome = newOutcome("cancel", run);
    outcome.status = "cancelled";
    outcome.events.push({ type: "run.cancelled", data: {} });
    return outcome;
  }
  if (run.state.waiting) {
    const answered = await answerStep(env, db);
    if (answered) return answered;
    const outcome = newOutcome("wait", run);
    outcome.status = "paused";
    return outcome;
  }
  const messages = await messagesStep(env, db);
  if (messages) return messages;

  const state = run.state;
  const tasks = ["task", "verify", "review"].includes(state.phase) ? await listTasks(db, run.id) : [];
  const current = state.task ? tasks.find((t) => t.id === state.task?.id) : undefined;

  // The plan may have been edited (task skipped) while this task was in progress.
  if (state.task && current && current.status === "skipped" && state.phase !== "review") {
    const outcome = newOutcome("task.dropped", run);
    outcome.state.task = null;
    outcome.state.conversation = null;
    outcome.state.phase = "task";
    outcome.events.push({ type: "task.skipped", data: { taskId: current.id, reason: "removed from the plan" } });
    return outcome;
  }

  switch (state.phase) {
    case "scaffold":
      return scaffoldStep(env);
    case "verify":
      return verifyStep(env, current?.title ?? "task");
    case "review":
      return reviewStep(env, current?.title ?? "task");
    case "finish":
      return finishStep(env);
    case "task":
      if (!state.task) return startTaskStep(env, tasks);
      break;
  }
  const agent = AGENT_OF[state.phase];
  if (!agent) throw new Error(`no agent for phase ${state.phase}`);
  let started = false;
  if (!state.conversation) {
    // Starting a conversation needs no commit of its own: the model step persists it with its result.
    const convo = newConversation(agent);
    convo.messages.push({ role: "user", content: kickoff(agent, run, current ?? null) });
    state.conversation = convo;
    started = true;
  }
  if (state.conversation.pendingCalls) return toolsStep(env);
  const outcome = await modelStep(env);
  if (started && state.phase !== "task") {
    outcome.events.unshift({ type: "stage.started", data: { stage: state.phase as "spec" | "architecture" | "plan" | "document" } });
  }
  return outcome;
}

async function scaffoldStep(env: StepEnv): Promise<StepOutcome> {
  const { run, workspace } = env;
  const outcome = newOutcome("scaffold", run);
  const state = outcome.state;
  const existing = (await workspace.listFiles()).filter((f) => f.type === "file");
  const templateId = state.architecture?.templateId;
  if (existing.length === 0 && templateId) {
    const project = await projectInfo(env.deps.db, run.projectId);
    const { sha, template } = await scaffold(workspace, templateId, { projectName: project.name, runId: run.id });
    state.checks = template.checks;
    state.lastCheckpoint = sha;
    state.lastGreenCheckpoint = sha;
    outcome.checkpoint = sha;
    outcome.events.push({ type: "checkpoint.created", data: { sha, step: "scaffold", taskId: null } });
    remember(state, `Scaffolded the ${template.name} template`);
    const added = await addDependencies(env, outcome, state.architecture?.dependencies ?? []);
    if (added.length > 0) {
      const withDependencies = await workspace.commit({ runId: run.id, step: "dependencies", summary: `Add ${added.join(", ")}` });
      state.lastCheckpoint = withDependencies;
      state.lastGreenCheckpoint = withDependencies;
      state.installedHash = await manifestHash(workspace);
      outcome.checkpoint = withDependencies;
      outcome.events.push({ type: "checkpoint.created", data: { sha: withDependencies, step: "dependencies", taskId: null } });
      remember(state, `Added dependencies: ${added.join(", ")}`);
    }
  } else {
    state.checks = await detectChecks(workspace.dir);
    state.lastCheckpoint = await workspace.head();
    state.lastGreenCheckpoint = state.lastCheckpoint;
    remember(state, "Kept the existing project files instead of scaffolding a template");
  }
  state.phase = "plan";
  outcome.result = { ...outcome.result, templateId: templateId ?? null, checks: state.checks };
  return outcome;
}

async function startTaskStep(env: StepEnv, tasks: Awaited<ReturnType<typeof listTasks>>): Promise<StepOutcome> {
  const outcome = newOutcome("task.start", env.run);
  const state = outcome.state;
  const next = tasks.find((t) => t.status === "pending" || t.status === "in_progress");
  if (!next) {
    state.phase = "document";
    state.conversation = null;
    outcome.currentTaskId = null;
    outcome.events.push({ type: "stage.started", data: { stage: "document", taskId: null } });
    return outcome;
  }
  state.task = newTaskProgress(next.id);
  state.conversation = null;
  outcome.currentTaskId = next.id;
  outcome.applies.push(setTaskStatus(next.id, "in_progress"));
  outcome.events.push({ type: "stage.started", data: { stage: "task", taskId: next.id, title: next.title } });
  outcome.events.push({ type: "task.started", data: { taskId: next.id, title: next.title } });
  return outcome;
}

async function reviewStep(env: StepEnv, title: string): Promise<StepOutcome> {
  const { run } = env;
  const outcome = newOutcome("review", run);
  const state = outcome.state;
  if (run.autonomy === "auto") {
    remember(state, `Task "${title}" accepted automatically`);
    state.task = null;
    state.phase = "task";
    return outcome;
  }
  const question = makeQuestion(
    "review",
    state.task?.id ?? null,
    `Task "${title}" is implemented and verified. Try it in the preview, then accept it or describe what is wrong.`,
    ["Accept"],
  );
  outcome.applies.push(insertQuestion(run.id, question, null));
  outcome.events.push(...questionEvents(question, null));
  outcome.events.push({ type: "run.paused", data: { reason: "review", questionId: question.id } });
  state.waiting = { questionId: question.id, purpose: "review" };
  outcome.status = "paused";
  return outcome;
}

async function finishStep(env: StepEnv): Promise<StepOutcome> {
  const { run } = env;
  const outcome = newOutcome("finish", run);
  const tasks = await listTasks(env.deps.db, run.id);
  const done = tasks.filter((t) => t.status === "done").length;
  const summary = `${done} of ${tasks.length} tasks completed and verified`;
  outcome.status = "completed";
  outcome.currentTaskId = null;
  outcome.events.push({ type: "run.completed", data: { summary } });
  outcome.applies.push(async (tx) => {
    await tx.query("UPDATE projects SET status = 'ready', updated_at = now() WHERE id = $1", [run.projectId]);
  });
  outcome.result = { summary };
  return outcome;
}
