// Owns the checkpoint commit message: a subject plus Samokoder-* trailers naming run, task and step, and parsing them back.
import { AppError } from "../errors/index";
import type { Checkpoint, CommitMeta } from "./types";

export const TRAILER_RUN = "Samokoder-Run";
export const TRAILER_TASK = "Samokoder-Task";
export const TRAILER_STEP = "Samokoder-Step";
export const TRAILER_RESTORED_FROM = "Samokoder-Restored-From";

const TRAILER_VALUE = /^[A-Za-z0-9._:@/-]{1,200}$/;

function trailerValue(name: string, value: string): string {
  if (!TRAILER_VALUE.test(value)) {
    throw new AppError("validation_failed", 422, `${name} must be 1–200 characters of letters, digits and ._:@/-`);
  }
  return value;
}

/** One line, no control characters, bounded: the subject is shown in lists. */
function subjectLine(summary: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: newlines and control characters would break the format
  const line = summary.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return (line || "Checkpoint").slice(0, 200);
}

export function formatCommitMessage(meta: CommitMeta, extra: Record<string, string> = {}): string {
  const trailers: string[] = [];
  if (meta.runId) trailers.push(`${TRAILER_RUN}: ${trailerValue(TRAILER_RUN, meta.runId)}`);
  if (meta.taskId) trailers.push(`${TRAILER_TASK}: ${trailerValue(TRAILER_TASK, meta.taskId)}`);
  trailers.push(`${TRAILER_STEP}: ${trailerValue(TRAILER_STEP, meta.step)}`);
  for (const [name, value] of Object.entries(extra)) trailers.push(`${name}: ${trailerValue(name, value)}`);
  return `${subjectLine(meta.summary)}\n\n${trailers.join("\n")}\n`;
}

/** Reads trailers from the last paragraph of a commit message; foreign commits simply have none. */
export function parseCommitMessage(body: string): Pick<Checkpoint, "message" | "runId" | "taskId" | "step"> {
  const text = body.replace(/\s+$/, "");
  const message = text.split("\n", 1)[0] ?? "";
  const paragraphs = text.split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? "") : "";
  const trailers = new Map<string, string>();
  for (const line of last.split("\n")) {
    const match = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(line.trim());
    if (match?.[1] && match[2]) trailers.set(match[1].toLowerCase(), match[2].trim());
  }
  return {
    message,
    runId: trailers.get(TRAILER_RUN.toLowerCase()) ?? null,
    taskId: trailers.get(TRAILER_TASK.toLowerCase()) ?? null,
    step: trailers.get(TRAILER_STEP.toLowerCase()) ?? null,
  };
}
