import { type FakeLlm, startFakeLlm } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/index";
import { assertUrlAllowed, createGuardedFetch, isPublicAddress, type UrlPolicy } from "./url-safety";

// Names under .test never resolve for real; this resolver plays DNS for them.
const fakeDns: Record<string, string[]> = {
  "api.provider.test": ["93.184.216.34"],
  "internal.provider.test": ["10.1.2.3"],
  "mixed.provider.test": ["93.184.216.34", "192.168.1.5"],
  "v6.provider.test": ["::ffff:127.0.0.1"],
};
const resolve = async (host: string) => {
  const found = fakeDns[host];
  if (!found) throw new Error("ENOTFOUND");
  return found;
};
const strict: UrlPolicy = { allowPrivate: false, allowedHttpHosts: [], resolve };

async function refusal(url: string, policy: UrlPolicy = strict): Promise<string | undefined> {
  try {
    await assertUrlAllowed(url, policy);
    return undefined;
  } catch (error) {
    if (!AppError.isInstance(error) || error.code !== "url_not_allowed") throw error;
    return (error.details as { reason: string }).reason;
  }
}

describe("provider URL safety (SSRF)", () => {
  it("accepts https to a public address", async () => {
    expect(await refusal("https://api.provider.test/v1")).toBeUndefined();
    expect(await refusal("https://93.184.216.34/v1")).toBeUndefined();
  });

  it("refuses loopback, private, link-local and cloud metadata addresses", async () => {
    for (const url of [
      "https://127.0.0.1/v1",
      "https://[::1]/v1",
      "https://10.0.0.8/v1",
      "https://172.16.3.4/v1",
      "https://192.168.0.10/v1",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/v1",
      "https://0.0.0.0/v1",
      "https://[fd00::1]/v1",
    ]) {
      expect(await refusal(url), url).toMatch(/private, loopback/);
    }
  });

  it("refuses DNS names that resolve to private addresses, even partly or through IPv4-mapped IPv6", async () => {
    expect(await refusal("https://internal.provider.test/v1")).toMatch(/private/);
    expect(await refusal("https://mixed.provider.test/v1")).toMatch(/private/);
    expect(await refusal("https://v6.provider.test/v1")).toMatch(/private/);
    expect(await refusal("https://nowhere.provider.test/v1")).toMatch(/does not resolve/);
  });

  it("allows plain http only to hosts the operator lists", async () => {
    expect(await refusal("http://api.provider.test/v1")).toMatch(/plain http/);
    expect(await refusal("http://api.provider.test/v1", { ...strict, allowedHttpHosts: ["api.provider.test"] })).toBeUndefined();
    expect(await refusal("http://ollama.lan:11434/v1", { ...strict, allowedHttpHosts: ["ollama.lan:11434"] })).toBeUndefined();
    expect(await refusal("ftp://api.provider.test/")).toMatch(/only https/);
    expect(await refusal("https://user:pass@api.provider.test/")).toMatch(/credentials/);
  });

  it("lets the operator open private networks (embedded mode), including plain http to them", async () => {
    const open = { ...strict, allowPrivate: true };
    expect(await refusal("http://127.0.0.1:11434/v1", open)).toBeUndefined();
    expect(await refusal("https://internal.provider.test/v1", open)).toBeUndefined();
    expect(await refusal("http://api.provider.test/v1", open)).toMatch(/plain http/);
  });

  it("classifies addresses", () => {
    expect(isPublicAddress("8.8.8.8")).toBe(true);
    expect(isPublicAddress("2606:4700::1111")).toBe(true);
    expect(isPublicAddress("169.254.169.254")).toBe(false);
    expect(isPublicAddress("not-an-ip")).toBe(false);
  });

  describe("redirects", () => {
    let llm: FakeLlm;
    beforeAll(async () => {
      llm = await startFakeLlm();
    });
    afterAll(async () => {
      await llm.close();
    });

    it("re-checks every redirect hop and refuses one that leads to loopback", async () => {
      // The operator trusts this host (e.g. a gateway on their network); it redirects somewhere nobody trusted.
      // Real DNS here: "localhost" resolves through the system resolver.
      const trusted: UrlPolicy = { allowPrivate: false, allowedHttpHosts: [new URL(llm.origin).host] };
      const guarded = createGuardedFetch(trusted);
      const direct = await guarded(`${llm.baseUrl}/models`);
      expect(direct.status).toBe(200);

      llm.redirectTo("https://localhost:1");
      const error = await guarded(`${llm.baseUrl}/models`).catch((e: unknown) => e);
      expect(AppError.isInstance(error) && error.code).toBe("url_not_allowed");
      expect((error as AppError).details).toMatchObject({
        url: "https://localhost:1/v1/models",
        reason: expect.stringMatching(/loopback/),
      });
      llm.redirectTo(undefined);
    });
  });
});
