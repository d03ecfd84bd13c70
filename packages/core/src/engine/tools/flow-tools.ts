// Owns the tools that move a run forward: ask the person, submit the spec, the architecture and the plan, complete a task.
import { z } from "zod";
import { defineTool, ok } from "./define-tool";

export const askUser = defineTool("ask_user", {
  description:
    "Ask the person a question when their intent is genuinely ambiguous and a wrong guess would be costly. Offer options when there are clear choices; put the one you recommend first.",
  input: z.object({
    question: z.string().min(1).max(2_000),
    options: z.array(z.string().min(1).max(200)).max(8).optional().describe("Choices, recommended first"),
  }),
  result: "The person's answer as text (with autonomy `auto`, the first option, or a note to use your judgement).",
  async execute(input) {
    return ok("Question recorded.", { kind: "ask_user", question: input.question, options: input.options ?? [] });
  },
});

export const submitSpec = defineTool("submit_spec", {
  description: "Submit the written specification of the app: what it does, for whom, its features, data and constraints.",
  input: z.object({
    title: z.string().min(1).max(200),
    summary: z.string().min(1).max(5_000).describe("What the app is and who it is for"),
    features: z.array(z.string().min(1).max(1_000)).min(1).max(50),
    constraints: z.array(z.string().max(1_000)).max(50).optional().describe("Technical or product constraints"),
  }),
  result: "`Specification saved`.",
  async execute(input) {
    const lines = [`# ${input.title}`, "", input.summary, "", "## Features", ...input.features.map((f) => `- ${f}`)];
    if (input.constraints?.length) lines.push("", "## Constraints", ...input.constraints.map((c) => `- ${c}`));
    return ok("Specification saved", { kind: "submit_spec", spec: lines.join("\n") });
  },
});

export const submitArchitecture = defineTool("submit_architecture", {
  description: "Choose the starter template and list the extra npm packages the app needs. The platform scaffolds the template.",
  input: z.object({
    templateId: z.string().min(1).max(100).describe("Id of one of the listed templates"),
    dependencies: z.array(z.string().min(1).max(214)).max(30).optional().describe("Extra npm package names"),
    notes: z.string().max(5_000).optional().describe("Architecture decisions worth remembering"),
  }),
  result: "`Architecture saved`, or an error when the template does not exist.",
  async execute(input) {
    return ok("Architecture saved", {
      kind: "submit_architecture",
      templateId: input.templateId,
      dependencies: input.dependencies ?? [],
      notes: input.notes ?? "",
    });
  },
});

export const submitPlan = defineTool("submit_plan", {
  description:
    "Submit the implementation plan: small, ordered tasks, each independently verifiable, each with acceptance criteria that tests can check.",
  input: z.object({
    tasks: z
      .array(
        z.object({
          title: z.string().min(1).max(200),
          description: z.string().max(5_000),
          acceptance: z.array(z.string().min(1).max(500)).min(1).max(20),
        }),
      )
      .min(1)
      .max(30),
  }),
  result: "`Plan saved with N tasks`.",
  async execute(input) {
    return ok(`Plan saved with ${input.tasks.length} tasks`, { kind: "submit_plan", tasks: input.tasks });
  },
});

export const completeTask = defineTool("complete_task", {
  description:
    "Declare the current task done. The platform then installs dependencies, builds, runs the tests and starts the app in the sandbox; the task is complete only if all of that passes, otherwise you get the failing output.",
  input: z.object({ summary: z.string().min(1).max(5_000).describe("What was changed and how it meets the acceptance criteria") }),
  result: "`Verified: …` when every check passed, or an error result with the failing check and its trimmed output.",
  async execute(input) {
    return ok("Verification requested", { kind: "complete_task", summary: input.summary });
  },
});
