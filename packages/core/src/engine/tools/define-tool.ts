// Owns the tool abstraction: a zod-typed input, a model-facing description and an execute function.
import type { z } from "zod";
import type { Sandbox } from "../../sandbox/types";
import type { Workspace } from "../../workspace/types";
import type { ProjectChecks } from "../../workspace/checks";

export interface ToolRunInfo {
  runId: string;
  ownerId: string;
  projectId: string;
  taskId: string | null;
  autonomy: "ask" | "auto";
}

/** What a tool may touch: the run, its workspace, the sandbox, and a signal that cancels it. */
export interface ToolContext {
  run: ToolRunInfo;
  workspace: Workspace;
  sandbox: Sandbox;
  signal: AbortSignal;
  checks: ProjectChecks | null;
  commandTimeoutSeconds: number;
  /** Streams command output to the run's events (batched by the caller). */
  onCommandOutput(command: string, stream: "stdout" | "stderr", data: string): void;
  /** Records a file change for events, the rolling summary and relevance. */
  onFileChanged(path: string, action: "write" | "edit" | "delete"): void;
  /** Milliseconds spent running commands during this step (the benchmark subtracts them). */
  addCommandTime(ms: number): void;
}

/** A tool outcome: text for the model; `ok: false` marks an error result (the model should react). */
export interface ToolResult {
  ok: boolean;
  output: string;
  /** Flow tools hand structured data to the state machine (the spec, the plan, a question...). */
  signal?: ToolSignal;
}

export type ToolSignal =
  | { kind: "ask_user"; question: string; options: string[] }
  | { kind: "submit_spec"; spec: string }
  | { kind: "submit_architecture"; templateId: string | null; dependencies: string[]; notes: string }
  | { kind: "submit_plan"; tasks: Array<{ title: string; description: string; acceptance: string[] }> }
  | { kind: "complete_task"; summary: string };

export interface ToolDefinition {
  name: string;
  description: string;
  input: z.ZodType;
  /** Shape of the result, for the generated documentation. */
  resultDescription: string;
  /** Validates the model's raw arguments; invalid ones become an error result, never an exception. */
  execute(rawInput: unknown, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<Schema extends z.ZodType>(
  name: string,
  spec: {
    description: string;
    input: Schema;
    result: string;
    execute(input: z.infer<Schema>, ctx: ToolContext): Promise<ToolResult>;
  },
): ToolDefinition {
  return {
    name,
    description: spec.description.trim(),
    input: spec.input,
    resultDescription: spec.result,
    async execute(rawInput, ctx) {
      const parsed = spec.input.safeParse(rawInput);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ");
        return fail(`Invalid arguments for ${name}: ${problems}. Call the tool again with arguments matching its schema.`);
      }
      return spec.execute(parsed.data, ctx);
    },
  };
}

export const ok = (output: string, signal?: ToolSignal): ToolResult => (signal ? { ok: true, output, signal } : { ok: true, output });
export const fail = (output: string): ToolResult => ({ ok: false, output });
