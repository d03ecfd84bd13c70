// Owns loading the agents' system prompts from the .md files beside this module.
import { readFileSync } from "node:fs";
import type { AgentName, Escalation } from "../runs/state";

const read = (name: string) => readFileSync(new URL(`./${name}.md`, import.meta.url), "utf8").trim();

export const SYSTEM_PROMPTS: Record<AgentName, string> = {
  spec: read("spec"),
  architect: read("architect"),
  planner: read("planner"),
  coder: read("coder"),
  documenter: read("documenter"),
};

/** Guidance per escalation level, parsed from escalation.md (`# level` headings). */
export const ESCALATION_GUIDANCE: Record<Exclude<Escalation, "ask_user">, string> = (() => {
  const sections: Record<string, string> = {};
  let current: string | null = null;
  for (const line of read("escalation").split("\n")) {
    const heading = /^# (\w+)$/.exec(line);
    if (heading?.[1]) {
      current = heading[1];
      sections[current] = "";
    } else if (current) sections[current] = `${sections[current] ?? ""}${line}\n`;
  }
  const get = (key: string) => (sections[key] ?? "").trim();
  return { fix: get("fix"), diagnose: get("diagnose"), rethink: get("rethink"), rollback: get("rollback") };
})();
