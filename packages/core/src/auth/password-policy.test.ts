import { dictionary } from "@zxcvbn-ts/language-common";
import { describe, expect, it } from "vitest";
import { canonicalEmail, normalizeEmail } from "./email";
import { generatePassword, isCommonPassword, unmetPasswordRules } from "./password-policy";

const rules = (password: string) => unmetPasswordRules(password).map((r) => r.rule);

describe("password policy", () => {
  it("accepts a password that meets every rule", () => {
    expect(rules("Correct-Horse-7-Battery")).toEqual([]);
  });

  it("reports every unmet rule at once", () => {
    expect(rules("")).toEqual(["length", "uppercase", "lowercase", "digit", "special"]);
    expect(rules("abc")).toEqual(["length", "uppercase", "digit", "special"]);
  });

  it("bounds the length to 8..128 characters", () => {
    expect(rules("Ab1!xyz")).toContain("length");
    expect(rules("Ab1!wxyz")).not.toContain("length");
    const long = `Ab1!${"xy".repeat(62)}`;
    expect(long).toHaveLength(128);
    expect(rules(long)).not.toContain("length");
    expect(rules(`${long}z`)).toContain("length");
  });

  it("refuses three identical characters in a row", () => {
    expect(rules("Zebra-111-Kite")).toEqual(["no_triple_repeat"]);
    expect(rules("Zebra-11-Kite1")).toEqual([]);
  });

  it("ships a common-password list of more than 10,000 entries and rejects Password123!", () => {
    expect(dictionary["passwords-common"].length).toBeGreaterThan(10_000);
    expect(isCommonPassword("password123")).toBe(true);
    expect(isCommonPassword("Password123!")).toBe(true);
    expect(rules("Password123!")).toEqual(["not_common"]);
    expect(isCommonPassword("Qwerty2024#")).toBe(true);
    expect(isCommonPassword("Correct-Horse-7-Battery")).toBe(false);
  });

  it("generates passwords that pass the policy", () => {
    for (let i = 0; i < 20; i++) expect(rules(generatePassword())).toEqual([]);
  });
});

describe("email normalisation", () => {
  it("trims, folds compatibility forms and lower-cases", () => {
    expect(canonicalEmail("  \uFF21lice@EXAMPLE.com\n")).toBe("alice@example.com");
    expect(normalizeEmail("Jos\u0065\u0301@example.org")).toBe("jos\u00e9@example.org");
  });

  it.each(["plain", "a@b@c.d", "a b@c.de", "@example.com", "x@", `${"a".repeat(320)}@example.com`])("rejects %s", (email) => {
    expect(() => normalizeEmail(email)).toThrow(expect.objectContaining({ code: "validation_failed", status: 422 }));
  });
});
