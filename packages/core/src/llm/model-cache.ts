// Owns reusing AI SDK model instances across calls (building one compiles its response schemas, which costs
// milliseconds) while keeping API keys out of them: models hold a placeholder, and each call carries its key in
// a private header that the fetch wrapper swaps into place (and strips) just before the request leaves.
import type { LanguageModel } from "ai";
import { type ProviderCredentials, REMOTE_PROVIDERS } from "./providers";

const KEY_PLACEHOLDER = "samokoder-provider-key-placeholder";
const KEY_HEADER = "x-samokoder-provider-key";
const MAX_MODELS = 500;

/** Call-option headers that make one call use `apiKey`. */
export function providerKeyHeaders(apiKey: string): Record<string, string> {
  return { [KEY_HEADER]: apiKey };
}

function keyInjecting(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    const key = headers.get(KEY_HEADER) ?? "";
    headers.delete(KEY_HEADER);
    for (const [name, value] of [...headers]) {
      if (!value.includes(KEY_PLACEHOLDER)) continue;
      // No key (a local server without auth): send no credential header at all.
      if (key) headers.set(name, value.replace(KEY_PLACEHOLDER, key));
      else headers.delete(name);
    }
    return inner(input, { ...init, headers });
  };
}

export function createModelCache(guardedFetch: typeof fetch) {
  const models = new Map<string, LanguageModel>();
  const fetchers = { user: keyInjecting(guardedFetch), trusted: keyInjecting((input, init) => fetch(input, init)) };

  return function modelFor(credentials: ProviderCredentials, modelId: string): LanguageModel {
    if (credentials.provider === "local") throw new Error("local models are not remote");
    // Only user-supplied URLs go through the SSRF guard; the operator's own configuration is trusted.
    const trust = credentials.source === "user" ? "user" : "trusted";
    const cacheKey = `${credentials.provider}|${credentials.baseUrl ?? ""}|${trust}|${modelId}`;
    const hit = models.get(cacheKey);
    if (hit) return hit;
    const model = REMOTE_PROVIDERS[credentials.provider].create({ ...credentials, apiKey: KEY_PLACEHOLDER }, fetchers[trust], modelId);
    if (models.size >= MAX_MODELS) {
      const oldest = models.keys().next().value;
      if (oldest !== undefined) models.delete(oldest);
    }
    models.set(cacheKey, model);
    return model;
  };
}
