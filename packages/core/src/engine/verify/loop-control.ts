// Owns fix-loop control: a normalised signature per failure (so the "same" error matches across attempts)
// and the escalation ladder fix → diagnose → rethink → rollback → ask the person.
import { createHash } from "node:crypto";
import { ESCALATION_ORDER, type Escalation, type TaskProgress } from "../runs/state";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/** Strips what varies between identical failures: numbers, durations, hex ids, paths of temp dirs, whitespace. */
export function errorSignature(check: string, output: string): string {
  const normalised = output
    .toLowerCase()
    .replace(ANSI_COLOUR, "")
    .replace(/\/tmp\/[^\s:'"]+/g, "<tmp>")
    .replace(/\b[0-9a-f]{7,}\b/g, "<hex>")
    .replace(/\d+(\.\d+)?\s*(ms|s|m)\b/g, "<time>")
    .replace(/\d+/g, "<n>")
    .replace(/\s+/g, " ")
    .trim();
  return createHash("sha256").update(`${check}\n${normalised}`).digest("hex").slice(0, 16);
}

export interface LoopDecision {
  escalation: Escalation;
  loopDetected: boolean;
  reason: string;
}

const next = (level: Escalation): Escalation =>
  ESCALATION_ORDER[Math.min(ESCALATION_ORDER.indexOf(level) + 1, ESCALATION_ORDER.length - 1)] ?? "ask_user";

/**
 * Decides the escalation after a failed verification. A repeated signature (the same failure twice in a row)
 * moves one level up; running out of attempts or money goes straight to asking the person.
 */
export function decideEscalation(task: TaskProgress, signature: string, budgets: { attempts: number; costUsd: number }): LoopDecision {
  const previous = task.signatures.at(-1);
  const loopDetected = previous === signature;
  if (task.attempts >= budgets.attempts) {
    return { escalation: "ask_user", loopDetected, reason: `the attempt budget (${budgets.attempts}) is used up` };
  }
  if (task.costUsd >= budgets.costUsd) {
    return { escalation: "ask_user", loopDetected, reason: `the cost budget ($${budgets.costUsd}) is used up` };
  }
  if (loopDetected) return { escalation: next(task.escalation), loopDetected, reason: "the same failure repeated" };
  return { escalation: task.escalation, loopDetected, reason: "a new failure" };
}
