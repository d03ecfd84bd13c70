import { describe, expect, it } from "vitest";
import { newTaskProgress } from "../runs/state";
import { decideEscalation, errorSignature } from "./loop-control";

describe("loop control", () => {
  it("gives the same signature to failures that differ only in numbers, durations, hashes and temp paths", () => {
    const a = errorSignature(
      "test",
      "FAIL src/a.test.ts > adds (12 ms)\nExpected 3, got 4 at /tmp/vitest-abc123/x.js:10:5 commit 1a2b3c4d5e",
    );
    const b = errorSignature(
      "test",
      "FAIL src/a.test.ts > adds (873 ms)\nExpected 7, got 9 at /tmp/vitest-zzz999/x.js:11:2 commit 9f8e7d6c5b",
    );
    expect(a).toBe(b);
    expect(errorSignature("build", "error TS2322")).not.toBe(errorSignature("build", "error: cannot find module"));
    expect(errorSignature("test", "same")).not.toBe(errorSignature("build", "same"));
  });

  it("escalates one level per repeated failure and asks the person when a budget is spent", () => {
    const task = newTaskProgress("t");
    task.attempts = 1;
    expect(decideEscalation(task, "s1", { attempts: 6, costUsd: 1 })).toMatchObject({ escalation: "fix", loopDetected: false });
    task.signatures.push("s1");
    task.attempts = 2;
    expect(decideEscalation(task, "s1", { attempts: 6, costUsd: 1 })).toMatchObject({ escalation: "diagnose", loopDetected: true });
    task.escalation = "diagnose";
    expect(decideEscalation(task, "s2", { attempts: 6, costUsd: 1 })).toMatchObject({ escalation: "diagnose", loopDetected: false });
    task.attempts = 6;
    expect(decideEscalation(task, "s3", { attempts: 6, costUsd: 1 }).escalation).toBe("ask_user");
    task.attempts = 2;
    task.costUsd = 1.5;
    expect(decideEscalation(task, "s3", { attempts: 6, costUsd: 1 })).toMatchObject({
      escalation: "ask_user",
      reason: expect.stringContaining("cost"),
    });
  });
});
