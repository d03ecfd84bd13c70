import { describe, expect, it } from "vitest";
import { confinePath } from "./paths";

describe("confinePath", () => {
  it("accepts relative paths inside the project and normalises them", () => {
    expect(confinePath("src/app.ts")).toEqual({ ok: true, path: "src/app.ts" });
    expect(confinePath("./src//lib/../app.ts")).toEqual({ ok: true, path: "src/app.ts" });
    expect(confinePath("src\\\\win\\\\style.ts")).toEqual({ ok: true, path: "src/win/style.ts" });
    expect(confinePath("")).toEqual({ ok: true, path: "." });
  });

  it("refuses paths that lead out, absolute paths, NUL bytes and the .git directory", () => {
    for (const bad of ["../x", "src/../../x", "/etc/passwd", "C:/Windows", "a\u0000b", ".git/config", ".git"]) {
      expect(confinePath(bad).ok, bad).toBe(false);
    }
  });
});
