// Public surface of the agent tools: every tool, and the tool set each agent may use.
import type { ToolDefinition } from "./define-tool";
import { runCommand } from "./command-tool";
import { deleteFile, editFile, listFiles, readFile, writeFile } from "./file-tools";
import { askUser, completeTask, submitArchitecture, submitPlan, submitSpec } from "./flow-tools";

export { defineTool, type ToolContext, type ToolDefinition, type ToolResult, type ToolSignal } from "./define-tool";
export { confinePath } from "./paths";
export { trimOutput } from "./trim-output";

export const ALL_TOOLS: ToolDefinition[] = [
  listFiles,
  readFile,
  writeFile,
  editFile,
  deleteFile,
  runCommand,
  askUser,
  submitSpec,
  submitArchitecture,
  submitPlan,
  completeTask,
];

const byName = (names: string[]): ToolDefinition[] => ALL_TOOLS.filter((t) => names.includes(t.name));

export const AGENT_TOOLS = {
  spec: byName(["list_files", "read_file", "ask_user", "submit_spec"]),
  architect: byName(["list_files", "read_file", "ask_user", "submit_architecture"]),
  planner: byName(["list_files", "read_file", "ask_user", "submit_plan"]),
  coder: byName(["list_files", "read_file", "write_file", "edit_file", "delete_file", "run_command", "ask_user", "complete_task"]),
  documenter: byName(["list_files", "read_file", "write_file", "edit_file", "complete_task"]),
} as const;
