import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveInside, resolveInsideSync } from "./confine";

const base = mkdtempSync(join(tmpdir(), "samokoder-confine-"));
const root = join(base, "project");
mkdirSync(join(root, "src"), { recursive: true });
writeFileSync(join(root, "src", "a.ts"), "x");
writeFileSync(join(base, "secret.txt"), "secret");
symlinkSync("/", join(root, "escape"));
symlinkSync(join(base, "secret.txt"), join(root, "secret-link"));
symlinkSync(join(base, "not-there"), join(root, "dangling"));
symlinkSync("src", join(root, "inner-link"));

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("resolveInside", () => {
  it("resolves ordinary and not-yet-existing paths inside the root", async () => {
    expect(await resolveInside(root, "src/a.ts")).toMatch(/project\/src\/a\.ts$/);
    expect(await resolveInside(root, "src/new/deeper/file.ts")).toMatch(/project\/src\/new\/deeper\/file\.ts$/);
    expect(resolveInsideSync(root, "inner-link/a.ts")).toMatch(/project\/src\/a\.ts$/);
    expect(resolveInsideSync(root, ".")).toMatch(/project$/);
  });

  it("refuses .. traversal, absolute paths and NUL bytes", async () => {
    await expect(resolveInside(root, "../secret.txt")).rejects.toMatchObject({ code: "bad_request" });
    await expect(resolveInside(root, "src/../../secret.txt")).rejects.toMatchObject({ code: "bad_request" });
    await expect(resolveInside(root, "/etc/passwd")).rejects.toMatchObject({ code: "bad_request" });
    await expect(resolveInside(root, "a\0b")).rejects.toMatchObject({ code: "bad_request" });
  });

  it("does not let a symlink planted in the project pointing to / escape", async () => {
    await expect(resolveInside(root, "escape/etc/shadow")).rejects.toMatchObject({ code: "bad_request" });
    await expect(resolveInside(root, "escape")).rejects.toMatchObject({ code: "bad_request" });
    await expect(resolveInside(root, "escape/new-file-outside")).rejects.toMatchObject({ code: "bad_request" });
    expect(() => resolveInsideSync(root, "secret-link")).toThrow(/outside/);
  });

  it("refuses a dangling symlink, which a write would follow out of the project", async () => {
    await expect(resolveInside(root, "dangling")).rejects.toMatchObject({ code: "bad_request" });
  });
});
