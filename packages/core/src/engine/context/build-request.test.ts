import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { newConversation } from "../runs/state";
import { buildRequest } from "./build-request";
import type { IndexedFile } from "./file-index";
import { estimateTokens } from "./tokens";

function bigProject(): IndexedFile[] {
  return Array.from({ length: 30 }, (_, i) => {
    const content = `// Module ${i}: helpers for invoices and payments.\n${"export const value = 1; // filler line for size\n".repeat(80)}`;
    return { path: `src/module-${i}.ts`, size: content.length, summary: `Module ${i}: helpers for invoices and payments.`, content };
  });
}

function longConversation(turns: number): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: "user", content: "Implement the current task." }];
  for (let i = 0; i < turns; i++) {
    messages.push({
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: `c${i}`, toolName: "read_file", input: { path: `src/module-${i % 30}.ts` } }],
    });
    messages.push({
      role: "tool",
      content: [{ type: "tool-result", toolCallId: `c${i}`, toolName: "read_file", output: { type: "text", value: "x".repeat(6_000) } }],
    });
  }
  return messages;
}

describe("buildRequest (context control)", () => {
  it("keeps a 30-file project with a long conversation under the input budget", () => {
    const conversation = newConversation("coder");
    conversation.messages = longConversation(40);
    const built = buildRequest({
      system: "You are a developer.",
      sections: [{ title: "Current task", body: "Add invoice totals to module 7" }],
      plan: [{ title: "Invoice totals", status: "in_progress", current: true }],
      files: bigProject(),
      focus: "invoice totals module-7",
      recentFiles: ["src/module-7.ts"],
      conversation,
      budget: 24_000,
    });
    const total = estimateTokens(JSON.stringify([built.system, built.messages]));
    expect(total).toBeLessThan(24_000);
    expect(built.estimatedInputTokens).toBeLessThanOrEqual(24_000);
    expect(built.droppedMessages).toBeGreaterThan(0);
    // Every file is still named in the index; the recently touched one is shown in full.
    const context = JSON.stringify(built.messages[0]);
    for (let i = 0; i < 30; i++) expect(context).toContain(`src/module-${i}.ts`);
    expect(built.shownFiles[0]).toBe("src/module-7.ts");
    expect(built.shownFiles.length).toBeLessThan(30);
    // Turns are dropped whole: the first kept message after the kickoff is an assistant turn.
    expect(built.messages[2]?.role).toBe("assistant");
  });
});
