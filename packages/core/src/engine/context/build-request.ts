// Owns assembling one model request under the input-token budget: the agent's prompt, a fresh project
// context (spec, plan, rolling summary, file index, relevant files) and as much recent conversation as fits.
import type { ModelMessage } from "ai";
import type { Conversation } from "../runs/state";
import type { IndexedFile } from "./file-index";
import { selectRelevant } from "./file-index";
import { estimateTokens, messageTokens } from "./tokens";

export interface PlanLine {
  title: string;
  status: string;
  current: boolean;
}

export interface RequestContext {
  system: string;
  /** Sections shown before the conversation, most important first (spec, task, summary…). */
  sections: Array<{ title: string; body: string }>;
  plan: PlanLine[];
  files: IndexedFile[] | null;
  /** Text that decides which files are relevant (task, feedback, last failure). */
  focus: string;
  recentFiles: string[];
  conversation: Conversation;
  budget: number;
}

export interface BuiltRequest {
  system: string;
  messages: ModelMessage[];
  estimatedInputTokens: number;
  droppedMessages: number;
  shownFiles: string[];
}

/** Splits the conversation into the kickoff message and whole turns (assistant + its tool results). */
function turns(messages: ModelMessage[]): { head: ModelMessage[]; rest: ModelMessage[][] } {
  const head = messages.slice(0, 1);
  const rest: ModelMessage[][] = [];
  for (const message of messages.slice(1)) {
    const last = rest.at(-1);
    if (message.role === "assistant" || !last) rest.push([message]);
    else last.push(message);
  }
  return { head, rest };
}

export function buildRequest(context: RequestContext): BuiltRequest {
  const budget = context.budget;
  const systemTokens = estimateTokens(context.system) + 200; // plus tool schemas, roughly
  const { head, rest } = turns(context.conversation.messages);

  // Recent turns first: up to half of the budget goes to the conversation itself.
  const conversationBudget = Math.floor(budget * 0.5);
  let used = head.reduce((n, m) => n + messageTokens(m), 0);
  const kept: ModelMessage[][] = [];
  for (let i = rest.length - 1; i >= 0; i--) {
    const turn = rest[i] ?? [];
    const cost = turn.reduce((n, m) => n + messageTokens(m), 0);
    if (used + cost > conversationBudget && kept.length > 0) break;
    kept.unshift(turn);
    used += cost;
  }
  const dropped = rest.length - kept.length;

  const lines: string[] = [];
  for (const section of context.sections) if (section.body.trim()) lines.push(`## ${section.title}`, section.body.trim(), "");
  if (context.plan.length > 0) {
    lines.push("## Plan");
    context.plan.forEach((t, i) => {
      lines.push(`${i + 1}. [${t.status}] ${t.title}${t.current ? "  ← current task" : ""}`);
    });
    lines.push("");
  }
  if (dropped > 0) lines.push(`(${dropped} earlier exchanges of this conversation are summarised above and not shown.)`, "");
  let shownFiles: string[] = [];
  if (context.files) {
    lines.push("## Files (path: summary)");
    for (const f of context.files) lines.push(`- ${f.path}: ${f.summary}`);
    lines.push("");
    const remaining = budget - systemTokens - used - estimateTokens(lines.join("\n")) - 200;
    const relevant = selectRelevant(context.files, context.focus, context.recentFiles, Math.max(0, remaining));
    shownFiles = relevant.map((f) => f.path);
    if (relevant.length > 0) {
      lines.push("## Relevant files (current content)");
      for (const f of relevant) lines.push(`### ${f.path}`, "```", f.content ?? "", "```");
    }
  }
  const contextMessage: ModelMessage = { role: "user", content: `# Project context\n\n${lines.join("\n")}`.trim() };
  const messages = [contextMessage, ...head, ...kept.flat()];
  const estimatedInputTokens = systemTokens + messages.reduce((n, m) => n + messageTokens(m), 0);
  return { system: context.system, messages, estimatedInputTokens, droppedMessages: dropped, shownFiles };
}
