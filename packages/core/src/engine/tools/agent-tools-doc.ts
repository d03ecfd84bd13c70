// Owns docs/agent-tools.md: the tool reference generated from the zod schemas (a test keeps it current).
import { readFileSync } from "node:fs";
import { z } from "zod";
import { AGENT_TOOLS, ALL_TOOLS } from "./index";

export const AGENT_TOOLS_DOC_PATH = "docs/agent-tools.md";

export function renderAgentToolsDoc(): string {
  const intro = readFileSync(new URL("./agent-tools-intro.md", import.meta.url), "utf8").trimEnd();
  const lines = [intro, "", "| agent | tools |", "|---|---|"];
  for (const [agent, tools] of Object.entries(AGENT_TOOLS)) lines.push(`| ${agent} | ${tools.map((t) => `\`${t.name}\``).join(", ")} |`);
  lines.push("", "<!-- Generated from the zod schemas by `npm run docs:tools`; do not edit below by hand. -->");
  for (const tool of ALL_TOOLS) {
    const schema = z.toJSONSchema(tool.input, { target: "draft-2020-12" }) as Record<string, unknown>;
    delete schema.$schema;
    lines.push(
      "",
      `## \`${tool.name}\``,
      "",
      tool.description,
      "",
      "**Input** (JSON Schema):",
      "",
      "```json",
      JSON.stringify(schema, null, 2),
      "```",
      "",
      `**Result:** ${tool.resultDescription}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
