import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signUpUser, startTestApp, type TestApp, writeTinyGguf } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../errors/index";

// The local provider end to end: a random-weight GGUF the test writes, run by node-llama-cpp through the gateway.
describe("local GGUF model through the gateway", () => {
  let dir: string;
  let testApp: TestApp;
  let userId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "samokoder-gguf-"));
    writeTinyGguf(join(dir, "tiny.gguf"));
    writeFileSync(join(dir, "broken.gguf"), "not a model");
    testApp = await startTestApp("pglite", { SAMOKODER_LOCAL_MODEL_PATH: join(dir, "tiny.gguf"), SAMOKODER_DEFAULT_MODEL: "local/tiny" });
    userId = (await signUpUser(testApp)).user.id;
  });
  afterAll(async () => {
    await testApp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("streams generated text, counts tokens and meters the call as local and free", async () => {
    const deltas: string[] = [];
    const result = await testApp.runtime.services.llm.step(
      { userId, role: "coder" },
      {
        system: "You are terse.",
        messages: [{ role: "user", content: "hello world" }],
        maxOutputTokens: 6,
        onTextDelta: (d) => deltas.push(d),
      },
    );
    expect(result.provider).toBe("local");
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(deltas.join("")).toBe(result.text);
    expect(result.costUsd).toBe(0);
    const [row] = await testApp.runtime.db.query<{ key_source: string; outcome: string }>(
      "SELECT key_source, outcome FROM usage_ledger WHERE id = $1",
      [result.ledgerId],
    );
    expect(row).toEqual({ key_source: "local", outcome: "ok" });
  });

  it("refuses tools and structured output with capability_unsupported", async () => {
    const tools = { write_file: { description: "write", inputSchema: z.object({ path: z.string() }) } };
    const error = await testApp.runtime.services.llm
      .step({ userId, role: "coder" }, { system: "s", messages: [{ role: "user", content: "x" }], tools })
      .catch((e: unknown) => e);
    expect(AppError.isInstance(error) && error.code).toBe("capability_unsupported");
  });

  it("reports a file that is not a model as a provider error, without retrying", async () => {
    const broken = await startTestApp("pglite", {
      SAMOKODER_LOCAL_MODEL_PATH: join(dir, "broken.gguf"),
      SAMOKODER_DEFAULT_MODEL: "local/broken",
    });
    try {
      const owner = (await signUpUser(broken)).user.id;
      const error = await broken.runtime.services.llm
        .step({ userId: owner, role: "coder" }, { system: "s", messages: [{ role: "user", content: "x" }] })
        .catch((e: unknown) => e);
      expect(AppError.isInstance(error) && error.code).toBe("provider_error");
      const [row] = await broken.runtime.db.query<{ retries: number }>("SELECT retries FROM usage_ledger WHERE user_id = $1", [owner]);
      expect(row?.retries).toBe(0);
    } finally {
      await broken.close();
    }
  });
});
