// Owns the model step: one metered model turn for the current agent, under the input budget. The turn's
// tool calls are stored unexecuted (the next step runs them), so a crash never re-asks a paid question.
import type { ModelMessage } from "ai";
import type { AgentRole, LlmToolSpec } from "../../llm/types";
import { SYSTEM_PROMPTS } from "../agents/prompts";
import { buildRequest } from "../context/build-request";
import { indexFiles } from "../context/file-index";
import type { Conversation } from "../runs/state";
import { AGENT_TOOLS } from "../tools/index";
import { currentTask, focusText, projectInfo, sectionsFor } from "./context-sections";
import { newOutcome, type StepEnv, type StepOutcome } from "./step-env";
import { listTasks } from "./tasks";

const REASK =
  "Your reply contained no tool call. This platform acts only through tool calls: reply again with the appropriate tool call (for example the submit or complete tool for this stage).";

function roleOf(conversation: Conversation, attempts: number): AgentRole {
  switch (conversation.agent) {
    case "spec":
      return "spec";
    case "architect":
      return "architect";
    case "planner":
      return "planner";
    case "documenter":
      return "documenter";
    case "coder":
      return attempts > 0 ? "debugger" : "coder";
  }
}

/** The last failed verification output sent to the model, used to focus file selection. */
function lastFailure(messages: ModelMessage[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== "tool") continue;
    for (const part of message.content) {
      if (part.type === "tool-result" && part.toolName === "complete_task" && part.output.type === "error-text") return part.output.value;
    }
  }
  return null;
}

export async function modelStep(env: StepEnv): Promise<StepOutcome> {
  const { deps, run } = env;
  const outcome = newOutcome("model", run);
  const state = outcome.state;
  const convo = state.conversation;
  if (!convo) throw new Error("model step without a conversation");
  const tasks = await listTasks(deps.db, run.id);
  const task = currentTask(tasks, state);
  const project = await projectInfo(deps.db, run.projectId);
  const wantsFiles = convo.agent !== "spec" || run.kind === "change";
  const files = wantsFiles ? await indexFiles(env.workspace) : null;
  const tools = AGENT_TOOLS[convo.agent];
  const request = buildRequest({
    system: SYSTEM_PROMPTS[convo.agent],
    sections: sectionsFor(convo.agent, run, project, tasks),
    plan: tasks.map((t) => ({ title: t.title, status: t.status, current: t.id === task?.id })),
    files,
    focus: focusText(run, task, lastFailure(convo.messages)),
    recentFiles: state.recentFiles,
    conversation: convo,
    budget: deps.settings.inputTokenBudget,
  });
  const toolSpecs: Record<string, LlmToolSpec> = {};
  for (const tool of tools) toolSpecs[tool.name] = { description: tool.description, inputSchema: tool.input };

  const started = performance.now();
  const result = await deps.llm().step(
    { userId: run.ownerId, projectId: run.projectId, runId: run.id, role: roleOf(convo, state.task?.attempts ?? 0), signal: env.signal },
    {
      system: request.system,
      messages: request.messages,
      tools: toolSpecs,
      toolChoice: "required",
      onTextDelta: (delta) => env.stream.llmDelta(convo.agent, delta),
    },
  );
  outcome.modelMs = performance.now() - started;
  outcome.usage = { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, costUsd: result.costUsd };
  if (state.task) state.task.costUsd += result.costUsd;
  outcome.events.push({
    type: "llm.completed",
    data: { agent: convo.agent, model: `${result.provider}/${result.model}`, ...outcome.usage },
  });
  outcome.result = {
    agent: convo.agent,
    estimatedInputTokens: request.estimatedInputTokens,
    droppedMessages: request.droppedMessages,
    shownFiles: request.shownFiles,
    toolCalls: result.toolCalls.map((c) => c.toolName),
    ledgerId: result.ledgerId,
  };

  convo.messages.push(...result.responseMessages);
  convo.turns += 1;
  if (result.toolCalls.length === 0) {
    if (convo.reasks >= 1) {
      outcome.status = "failed";
      outcome.error = `The ${convo.agent} agent answered in prose twice where a tool call was required`;
      outcome.events.push({ type: "run.failed", data: { error: outcome.error } });
    } else {
      convo.reasks += 1;
      convo.messages.push({ role: "user", content: REASK });
    }
  } else {
    convo.reasks = 0;
    convo.pendingCalls = result.toolCalls;
  }
  if (outcome.status === "running" && convo.turns > deps.settings.maxTurnsPerConversation) {
    outcome.status = "failed";
    outcome.error = `The ${convo.agent} agent used more than ${deps.settings.maxTurnsPerConversation} turns without finishing`;
    outcome.events.push({ type: "run.failed", data: { error: outcome.error } });
  }
  state.conversation = convo;
  return outcome;
}
