import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@samokoder/test-support";
import { describe, expect, it } from "vitest";
import { AGENT_TOOLS_DOC_PATH, renderAgentToolsDoc } from "./agent-tools-doc";
import { ALL_TOOLS } from "./index";

describe("docs/agent-tools.md", () => {
  it("is generated from the current tool schemas (run `npm run docs:tools` after changing a tool)", () => {
    expect(readFileSync(join(REPO_ROOT, AGENT_TOOLS_DOC_PATH), "utf8")).toBe(renderAgentToolsDoc());
  });

  it("documents every tool the issue names, with its input schema and result", () => {
    const doc = renderAgentToolsDoc();
    const required = [
      "list_files",
      "read_file",
      "write_file",
      "edit_file",
      "delete_file",
      "run_command",
      "ask_user",
      "submit_spec",
      "submit_plan",
      "complete_task",
    ];
    for (const name of required) expect(doc).toContain(`## \`${name}\``);
    expect(ALL_TOOLS.map((t) => t.name)).toEqual(expect.arrayContaining(required));
    expect(doc).toContain('"search"');
    expect(doc).toContain('"acceptance"');
  });
});
