// Owns scripting the fake LLM per engine agent: each request is routed to the agent whose tools it offers,
// and answered from that agent's queue of replies (or a function of the request).
import type { FakeLlm, RecordedRequest } from "./fake-llm/index";
import { type ReplyBuilder, reply } from "./fake-llm/index";

export type EngineAgent = "spec" | "architect" | "planner" | "coder" | "documenter";
export type ScriptedReply = ReplyBuilder | ((request: RecordedRequest) => ReplyBuilder);

/** Which agent sent a request, recognised by the tools it offers. */
export function agentOf(request: RecordedRequest): EngineAgent | null {
  const names = new Set(request.tools.map((t) => t.name));
  if (names.has("submit_spec")) return "spec";
  if (names.has("submit_architecture")) return "architect";
  if (names.has("submit_plan")) return "planner";
  if (names.has("run_command")) return "coder";
  if (names.has("complete_task")) return "documenter";
  return null;
}

/** Text of the tool results after the newest assistant message (e.g. the verification output after complete_task). */
export function lastToolResult(request: RecordedRequest): string {
  const results: string[] = [];
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i] as { role?: string; content?: unknown };
    if (message.role === "assistant") break;
    if (message.role === "tool") results.unshift(typeof message.content === "string" ? message.content : JSON.stringify(message.content));
  }
  return results.join("\n");
}

/** All text the request sends (system + messages), for assertions about context. */
export function requestText(request: RecordedRequest): string {
  return JSON.stringify([request.system, request.messages]);
}

export interface AgentScript {
  /** Requests seen per agent. */
  seen: Record<EngineAgent, RecordedRequest[]>;
  /** Assertion failures thrown inside scripted reply functions (the reply then becomes prose). */
  errors: string[];
  /** Appends replies for an agent. */
  add(agent: EngineAgent, ...replies: ScriptedReply[]): void;
}

export function scriptAgents(llm: FakeLlm, initial: Partial<Record<EngineAgent, ScriptedReply[]>> = {}): AgentScript {
  const queues: Record<EngineAgent, ScriptedReply[]> = { spec: [], architect: [], planner: [], coder: [], documenter: [] };
  const seen: Record<EngineAgent, RecordedRequest[]> = { spec: [], architect: [], planner: [], coder: [], documenter: [] };
  const errors: string[] = [];
  for (const [agent, replies] of Object.entries(initial)) queues[agent as EngineAgent].push(...(replies ?? []));
  llm.onRequest((request) => {
    const agent = agentOf(request);
    if (!agent) return reply().text("(engine-script: request from no known agent)");
    seen[agent].push(request);
    const next = queues[agent].shift();
    if (!next) return reply().text(`(engine-script: nothing scripted for ${agent})`);
    if (typeof next !== "function") return next;
    try {
      return next(request);
    } catch (error) {
      errors.push(`${agent}: ${error instanceof Error ? error.message : String(error)}`);
      return reply().text(`(engine-script: scripted ${agent} reply failed)`);
    }
  });
  return {
    seen,
    errors,
    add(agent, ...replies) {
      queues[agent].push(...replies);
    },
  };
}
