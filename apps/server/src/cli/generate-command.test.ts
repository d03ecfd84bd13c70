// `samokoder generate` as a real child process: --from an existing tree with one change request, then a
// second call on the same --out that continues the same project and picks up the person's local edit.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlm, reply, requestText, runCli, scriptAgents, startFakeLlm } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("samokoder generate", () => {
  let llm: FakeLlm;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    llm = await startFakeLlm();
    root = mkdtempSync(join(tmpdir(), "samokoder-generate-"));
    env = { OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl, SAMOKODER_DEFAULT_MODEL: "openai-compatible/fake-coder", LOG_LEVEL: "warn" };
  });

  afterAll(async () => {
    await llm?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("applies a change request to an imported tree, verifies it, and continues the same project on the next call", async () => {
    const from = join(root, "existing");
    mkdirSync(from);
    writeFileSync(join(from, "package.json"), JSON.stringify({ name: "calc", scripts: { test: "node --test" } }));
    writeFileSync(join(from, "calc.js"), "exports.add = (a, b) => a + b;\n");
    const out = join(root, "app");
    const script = scriptAgents(llm);
    script.add(
      "planner",
      reply().toolCall("submit_plan", { tasks: [{ title: "Subtract", description: "Add sub()", acceptance: ["sub(3, 1) is 2"] }] }),
    );
    script.add(
      "coder",
      reply()
        .toolCall("edit_file", {
          path: "calc.js",
          search: "exports.add = (a, b) => a + b;",
          replace: "exports.add = (a, b) => a + b;\nexports.sub = (a, b) => a - b;",
        })
        .toolCall("write_file", {
          path: "calc.test.js",
          content:
            'const test = require("node:test");\nconst assert = require("node:assert");\nconst { sub } = require("./calc");\ntest("sub", () => assert.strictEqual(sub(3, 1), 2));\n',
        })
        .toolCall("complete_task", { summary: "sub() with a test" }),
    );
    script.add(
      "documenter",
      reply().toolCall("write_file", { path: "README.md", content: "# calc\n\nadd and sub\n" }),
      reply().toolCall("complete_task", { summary: "README" }),
    );

    const first = await runCli(["generate", "--from", from, "--out", out, "--instruction", "Add subtraction", "--yes"], env);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(first.stdout).toContain("imported 2 files");
    expect(first.stdout).toContain("✓ verified");
    expect(first.stdout).toContain("1/1 tasks verified");
    expect(readFileSync(join(out, "calc.js"), "utf8")).toContain("exports.sub");
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("add and sub");
    const link = JSON.parse(readFileSync(join(out, ".samokoder", "project.json"), "utf8")) as { projectId: string };

    // The person edits a file by hand; the next call sees it and continues the same project.
    writeFileSync(join(out, "calc.js"), `${readFileSync(join(out, "calc.js"), "utf8")}// edited by hand\n`);
    script.add("planner", (request) => {
      expect(requestText(request)).toContain("Add multiplication");
      return reply().toolCall("submit_plan", { tasks: [{ title: "Multiply", description: "Add mul()", acceptance: ["mul(2, 3) is 6"] }] });
    });
    script.add("coder", (request) => {
      expect(requestText(request)).toContain("// edited by hand");
      return reply()
        .toolCall("edit_file", { path: "calc.js", search: "// edited by hand", replace: "exports.mul = (a, b) => a * b;" })
        .toolCall("complete_task", { summary: "mul()" });
    });
    script.add("documenter", reply().toolCall("complete_task", { summary: "README unchanged" }));
    // Without --yes the questions (plan approval, review) go to the terminal; without one, the recommended option is taken.
    const second = await runCli(["generate", "--out", out, "--instruction", "Add multiplication"], env);
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(second.stdout).toContain('(no terminal: answering "Approve")');
    expect(second.stdout).toContain('(no terminal: answering "Accept")');
    expect(second.stdout).toContain("picked up 1 local edits");
    expect(JSON.parse(readFileSync(join(out, ".samokoder", "project.json"), "utf8"))).toMatchObject({ projectId: link.projectId });
    expect(readFileSync(join(out, "calc.js"), "utf8")).toContain("exports.mul");
    expect(script.errors).toEqual([]);
  }, 240_000);
});
