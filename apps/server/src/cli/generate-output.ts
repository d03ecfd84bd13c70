// Owns how `samokoder generate` talks to the terminal: one progress line per meaningful event, and questions.
import { createInterface } from "node:readline/promises";
import type { RunEvent } from "@samokoder/schema";

export function describeEvent(event: RunEvent): string | null {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case "stage.started":
      return `== ${String(d.stage)}${d.title ? `: ${String(d.title)}` : ""}`;
    case "tool.called": {
      const input = (d.input ?? {}) as Record<string, unknown>;
      const target = typeof input.path === "string" ? ` ${input.path}` : typeof input.command === "string" ? ` ${input.command}` : "";
      return `   ${d.ok ? "·" : "!"} ${String(d.tool)}${target}${d.ok ? "" : ` → ${String(d.result).split("\n")[0]}`}`;
    }
    case "verify.passed":
      return `   ✓ verified (${(d.checks as Array<{ name: string }>).map((c) => c.name).join(", ") || "no checks"})`;
    case "verify.failed":
      return `   ✗ ${String(d.check)} failed (attempt ${String(d.attempt)}, next: ${String(d.escalation)})`;
    case "task.completed":
      return `   task done: ${String(d.summary)}`;
    case "task.skipped":
      return `   task skipped: ${String(d.reason)}`;
    case "question.answered":
      return d.by === "auto" ? `   (answered automatically: ${String(d.answer)})` : null;
    case "run.completed":
      return `== completed: ${String(d.summary)}`;
    case "run.failed":
      return `== failed: ${String(d.error)}`;
    case "run.cancelled":
      return "== cancelled";
    default:
      return null;
  }
}

/** Asks on the terminal; an empty answer (or no terminal) takes the recommended option. */
export async function askInTerminal(question: string, options: string[], recommended: string | null): Promise<string> {
  const fallback = recommended ?? options[0] ?? "Use your best judgement.";
  if (!process.stdin.isTTY) {
    console.log(`? ${question}\n  (no terminal: answering "${fallback}")`);
    return fallback;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const hint = options.length ? ` [${options.join(" / ")}]` : "";
    const answer = (await prompt.question(`? ${question}${hint} (Enter = ${fallback}) `)).trim();
    return answer || fallback;
  } finally {
    prompt.close();
  }
}
