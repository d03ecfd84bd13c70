// Owns what each agent is told about the project: the sections of its context and its opening instruction.
import type { SqlRunner } from "@samokoder/db";
import { listTemplates } from "../../workspace/templates";
import type { RunRecord } from "../runs/run-store";
import type { AgentName, RunState } from "../runs/state";
import type { TaskRow } from "./tasks";

export interface ProjectInfo {
  name: string;
  description: string;
}

export async function projectInfo(db: SqlRunner, projectId: string): Promise<ProjectInfo> {
  const [row] = await db.query<ProjectInfo>("SELECT name, description FROM projects WHERE id = $1", [projectId]);
  return row ?? { name: "app", description: "" };
}

export function currentTask(tasks: TaskRow[], state: RunState): TaskRow | null {
  return state.task ? (tasks.find((t) => t.id === state.task?.id) ?? null) : null;
}

export function sectionsFor(
  agent: AgentName,
  run: RunRecord,
  project: ProjectInfo,
  tasks: TaskRow[],
): Array<{ title: string; body: string }> {
  const { state } = run;
  const sections: Array<{ title: string; body: string }> = [];
  if (agent === "spec") {
    sections.push({ title: "Project name", body: project.name });
    sections.push({ title: "What the person asked for", body: project.description || "(no description given)" });
    if (run.instruction) sections.push({ title: "Additional instruction", body: run.instruction });
    return sections;
  }
  if (state.spec) sections.push({ title: "Specification", body: state.spec });
  if (run.kind === "change" && run.instruction) sections.push({ title: "Change request", body: run.instruction });
  if (agent === "architect") {
    const templates = listTemplates().map((t) => `- ${t.id}: ${t.name}. ${t.description} (stack: ${t.stack.join(", ")})`);
    sections.push({ title: "Available templates", body: templates.join("\n") });
  }
  if (state.architecture?.notes) sections.push({ title: "Architecture notes", body: state.architecture.notes });
  if (state.summary.length > 0) sections.push({ title: "Earlier work (summary)", body: state.summary.map((l) => `- ${l}`).join("\n") });
  const task = currentTask(tasks, state);
  if (agent === "coder" && task) {
    const acceptance = task.acceptance.map((a) => `- ${a}`).join("\n");
    sections.push({ title: "Current task", body: `${task.title}\n\n${task.description}\n\nAcceptance criteria:\n${acceptance}` });
    if (state.task?.feedback) sections.push({ title: "The person reported a problem", body: state.task.feedback });
  }
  if (state.checks) {
    const c = state.checks;
    const lines = [
      `install: ${c.install}`,
      c.typecheck ? `typecheck: ${c.typecheck}` : null,
      c.build ? `build: ${c.build}` : null,
      c.test ? `test: ${c.test}` : null,
      c.start ? `start: ${c.start} (must listen on $${c.portEnv}; ${c.healthPath} must answer)` : null,
    ].filter((l): l is string => l !== null);
    sections.push({ title: "Verification commands (run by the platform after complete_task)", body: lines.join("\n") });
  }
  return sections;
}

export function kickoff(agent: AgentName, run: RunRecord, task: TaskRow | null): string {
  switch (agent) {
    case "spec":
      return "Write the specification of this app. Ask only where the request is genuinely ambiguous, then call submit_spec.";
    case "architect":
      return "Choose the starter template and the extra dependencies for this specification, then call submit_architecture.";
    case "planner":
      return run.kind === "change"
        ? `Plan this change request against the existing code, then call submit_plan:\n\n${run.instruction ?? ""}`
        : "Plan the implementation of the specification on top of the scaffolded template, then call submit_plan.";
    case "coder":
      return `Implement the current task${task ? ` "${task.title}"` : ""}. When it meets its acceptance criteria, call complete_task.`;
    case "documenter":
      return "Write or update README.md for this app, then call complete_task.";
  }
}

/** Text that decides which files are relevant to the coming request. */
export function focusText(run: RunRecord, task: TaskRow | null, lastFailure: string | null): string {
  return [
    run.instruction ?? "",
    task?.title ?? "",
    task?.description ?? "",
    ...(task?.acceptance ?? []),
    run.state.task?.feedback ?? "",
    lastFailure ?? "",
  ].join("\n");
}
