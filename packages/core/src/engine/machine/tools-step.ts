// Owns the tools step: executes the tool calls of the last model turn, feeds results back, commits file
// changes as a checkpoint, and turns flow tools (spec, plan, questions, completion) into state transitions.
import { randomUUID } from "node:crypto";
import type { ModelMessage } from "ai";
import type { LlmToolCall } from "../../llm/types";
import { listTemplates } from "../../workspace/templates";
import type { Conversation } from "../runs/state";
import { newTaskProgress } from "../runs/state";
import type { ToolContext, ToolResult } from "../tools/define-tool";
import { AGENT_TOOLS } from "../tools/index";
import { AUTO_ANSWER_WITHOUT_OPTIONS, insertQuestion, makeQuestion, questionEvents } from "./questions";
import { newOutcome, remember, type StepEnv, type StepOutcome, touch } from "./step-env";
import { insertTasks } from "./tasks";

type ToolResultPart = Extract<Extract<ModelMessage, { role: "tool" }>["content"][number], { type: "tool-result" }>;

export function resultPart(call: Pick<LlmToolCall, "toolCallId" | "toolName">, result: ToolResult): ToolResultPart {
  return {
    type: "tool-result",
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    output: result.ok ? { type: "text", value: result.output } : { type: "error-text", value: result.output },
  };
}

const preview = (value: unknown): unknown => {
  const text = JSON.stringify(value) ?? "";
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : value;
};

/** With autonomy "ask", the person approves the spec and the plan before the run builds on them. */
function askApproval(outcome: StepOutcome, purpose: "spec" | "plan", text: string): void {
  if (outcome.autonomy === "auto") return;
  const question = makeQuestion(purpose, null, text, ["Approve"]);
  outcome.applies.push(insertQuestion(outcome.runId, question, null));
  outcome.events.push(...questionEvents(question, null));
  outcome.events.push({ type: "run.paused", data: { reason: `${purpose} approval`, questionId: question.id } });
  outcome.state.waiting = { questionId: question.id, purpose };
  outcome.status = "paused";
}

export async function toolsStep(env: StepEnv): Promise<StepOutcome> {
  const { deps, run, workspace } = env;
  const outcome = newOutcome("tools", run);
  const state = outcome.state;
  const convo = state.conversation as Conversation;
  const calls = convo.pendingCalls ?? [];
  const allowed = new Map(AGENT_TOOLS[convo.agent].map((t) => [t.name, t]));
  const parts: ToolResultPart[] = [];
  const changed: string[] = [];
  let conversationOver = false;

  const ctx: ToolContext = {
    run: { runId: run.id, ownerId: run.ownerId, projectId: run.projectId, taskId: state.task?.id ?? null, autonomy: run.autonomy },
    workspace,
    sandbox: deps.sandbox(),
    signal: env.signal,
    checks: state.checks,
    commandTimeoutSeconds: deps.settings.commandTimeoutSeconds,
    onCommandOutput: (command, stream, data) => env.stream.commandOutput(command, stream, data),
    onFileChanged: (path, action) => {
      changed.push(path);
      touch(state, path);
      outcome.events.push({ type: "file.written", data: { path, action } });
      remember(state, `${action} ${path}`);
    },
    addCommandTime: (ms) => {
      outcome.commandMs += ms;
    },
  };

  for (const call of calls) {
    if (conversationOver) break;
    const tool = allowed.get(call.toolName);
    let result: ToolResult;
    if (!tool) {
      result = { ok: false, output: `There is no tool "${call.toolName}" at this stage. Available: ${[...allowed.keys()].join(", ")}.` };
    } else if (call.inputError) {
      result = {
        ok: false,
        output: `The arguments of ${call.toolName} were not valid JSON (${call.inputError}). Call it again with valid JSON.`,
      };
    } else {
      result = await tool.execute(call.input, ctx);
    }
    outcome.events.push({
      type: "tool.called",
      data: { tool: call.toolName, input: preview(call.input), ok: result.ok, result: result.output.slice(0, 2_000) },
    });

    const signal = result.ok ? result.signal : undefined;
    if (!signal) {
      parts.push(resultPart(call, result));
      continue;
    }
    switch (signal.kind) {
      case "ask_user": {
        if (convo.deferredCallId) {
          parts.push(resultPart(call, { ok: false, output: "Ask one question at a time; wait for the answer to the previous one." }));
          break;
        }
        const question = makeQuestion(state.phase, state.task?.id ?? null, signal.question, signal.options);
        const auto = run.autonomy === "auto" ? (question.recommended ?? AUTO_ANSWER_WITHOUT_OPTIONS) : null;
        outcome.applies.push(insertQuestion(run.id, question, auto));
        outcome.events.push(...questionEvents(question, auto));
        if (auto !== null) {
          parts.push(resultPart(call, { ok: true, output: `The person answered: ${auto}` }));
          remember(state, `Asked "${signal.question}", answered "${auto}" (automatically)`);
        } else {
          convo.deferredCallId = call.toolCallId;
          convo.deferredToolName = call.toolName;
          state.waiting = { questionId: question.id, purpose: "ask_user" };
          outcome.status = "paused";
          outcome.events.push({ type: "run.paused", data: { reason: "question", questionId: question.id } });
        }
        break;
      }
      case "submit_spec":
        state.spec = signal.spec;
        remember(state, "Specification written");
        state.phase = run.kind === "build" ? "architecture" : "plan";
        conversationOver = true;
        askApproval(
          outcome,
          "spec",
          "The specification is written. Read it (and edit it with PUT /spec if needed), then approve it or say what to change.",
        );
        break;
      case "submit_architecture": {
        if (!listTemplates().some((t) => t.id === signal.templateId)) {
          const ids = listTemplates().map((t) => t.id);
          parts.push(
            resultPart(call, { ok: false, output: `There is no template "${signal.templateId}". Choose one of: ${ids.join(", ")}.` }),
          );
          break;
        }
        state.architecture = { templateId: signal.templateId, dependencies: signal.dependencies, notes: signal.notes };
        remember(
          state,
          `Architecture: template ${signal.templateId}${signal.dependencies.length ? `, dependencies ${signal.dependencies.join(", ")}` : ""}`,
        );
        state.phase = "scaffold";
        conversationOver = true;
        break;
      }
      case "submit_plan": {
        const tasks = signal.tasks.map((t) => ({ id: randomUUID(), ...t }));
        outcome.applies.push(insertTasks(run.id, tasks));
        outcome.events.push({ type: "plan.updated", data: { tasks: tasks.map((t) => ({ id: t.id, title: t.title, status: "pending" })) } });
        remember(state, `Plan: ${tasks.map((t) => t.title).join("; ")}`);
        state.phase = "task";
        state.task = null;
        conversationOver = true;
        askApproval(
          outcome,
          "plan",
          `The plan has ${tasks.length} tasks. Edit, reorder, add or skip tasks (PUT /plan) if needed, then approve it.`,
        );
        break;
      }
      case "complete_task":
        if (convo.agent === "documenter") {
          remember(state, "README written");
          state.phase = "finish";
          conversationOver = true;
        } else {
          convo.deferredCallId = call.toolCallId;
          convo.deferredToolName = call.toolName;
          state.task ??= newTaskProgress(run.currentTaskId ?? "unknown");
          state.task.completionSummary = signal.summary;
          state.phase = "verify";
        }
        break;
    }
    if (state.phase === "verify" || outcome.status === "paused") {
      // Later calls of the same turn are not run: the task is being verified or a person must answer first.
      for (const rest of calls.slice(calls.indexOf(call) + 1)) {
        parts.push(resultPart(rest, { ok: false, output: "Not executed: an earlier call in the same reply ended the turn." }));
      }
      break;
    }
  }

  convo.pendingCalls = null;
  if (conversationOver) state.conversation = null;
  else if (parts.length > 0) convo.messages.push({ role: "tool", content: parts });

  if (changed.length > 0) {
    const sha = await workspace.commit({
      runId: run.id,
      taskId: state.task?.id ?? null,
      step: `step-${run.stepSeq + 1}`,
      summary: `${convo.agent}: ${[...new Set(changed)].slice(0, 5).join(", ")}`,
    });
    if (sha !== state.lastCheckpoint) {
      state.lastCheckpoint = sha;
      outcome.checkpoint = sha;
      outcome.events.push({ type: "checkpoint.created", data: { sha, step: `step-${run.stepSeq + 1}`, taskId: state.task?.id ?? null } });
    }
  }
  outcome.result = { calls: calls.map((c) => c.toolName), changed };
  return outcome;
}
