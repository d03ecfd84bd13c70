// Owns the provider registry: `provider/model` → an AI SDK language model, plus each provider's quirks
// (default base URL, how its model list is fetched and authenticated).
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGroq } from "@ai-sdk/groq";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import type { LanguageModel } from "ai";
import type { Config } from "../config/index";
import type { ProviderId } from "./catalogue";

/** Everything needed to reach one provider account. The key is plaintext only for the duration of a call. */
export interface ProviderCredentials {
  provider: ProviderId;
  apiKey: string;
  baseUrl: string | undefined;
  /** provider_keys.id for a user's key; null for operator-wide credentials. */
  keyId: string | null;
  source: "user" | "operator" | "local";
}

interface RemoteProvider {
  label: string;
  defaultBaseUrl: string | undefined;
  create(credentials: ProviderCredentials, fetchImpl: typeof fetch, modelId: string): LanguageModel;
  /** Headers for the cheap "list models" call used to test a key. */
  listModelsHeaders(apiKey: string): Record<string, string>;
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

export const REMOTE_PROVIDERS: Record<Exclude<ProviderId, "local">, RemoteProvider> = {
  openai: {
    label: "OpenAI",
    defaultBaseUrl: "https://api.openai.com/v1",
    // Chat completions rather than the Responses API: it is what every OpenAI-compatible server speaks too.
    create: (c, f, model) => createOpenAI({ apiKey: c.apiKey, baseURL: c.baseUrl, fetch: f }).chat(model),
    listModelsHeaders: bearer,
  },
  anthropic: {
    label: "Anthropic",
    defaultBaseUrl: "https://api.anthropic.com/v1",
    create: (c, f, model) => createAnthropic({ apiKey: c.apiKey, baseURL: c.baseUrl, fetch: f })(model),
    listModelsHeaders: (apiKey) => ({ "x-api-key": apiKey, "anthropic-version": "2023-06-01" }),
  },
  groq: {
    label: "Groq",
    defaultBaseUrl: "https://api.groq.com/openai/v1",
    create: (c, f, model) => createGroq({ apiKey: c.apiKey, baseURL: c.baseUrl, fetch: f })(model),
    listModelsHeaders: bearer,
  },
  openrouter: {
    label: "OpenRouter",
    defaultBaseUrl: "https://openrouter.ai/api/v1",
    create: (c, f, model) => createOpenRouter({ apiKey: c.apiKey, baseURL: c.baseUrl, fetch: f }).chat(model),
    listModelsHeaders: bearer,
  },
  "openai-compatible": {
    label: "OpenAI-compatible endpoint",
    defaultBaseUrl: undefined,
    create: (c, f, model) =>
      createOpenAICompatible({
        name: "openai-compatible",
        baseURL: c.baseUrl ?? "",
        apiKey: c.apiKey,
        fetch: f,
        includeUsage: true,
      })(model),
    listModelsHeaders: (apiKey) => (apiKey ? bearer(apiKey) : {}),
  },
};

export function baseUrlOf(credentials: ProviderCredentials): string {
  if (credentials.provider === "local") return "";
  return (credentials.baseUrl ?? REMOTE_PROVIDERS[credentials.provider].defaultBaseUrl ?? "").replace(/\/+$/, "");
}

/** Operator-wide credentials for a provider, from the environment; undefined when the operator configured none. */
export function operatorCredentialsFor(config: Config, provider: ProviderId): ProviderCredentials | undefined {
  const llm = config.llm;
  const make = (apiKey: string | undefined, baseUrl?: string): ProviderCredentials | undefined =>
    apiKey === undefined ? undefined : { provider, apiKey, baseUrl, keyId: null, source: "operator" };
  switch (provider) {
    case "openai":
      return make(llm.openaiApiKey);
    case "anthropic":
      return make(llm.anthropicApiKey);
    case "groq":
      return make(llm.groqApiKey);
    case "openrouter":
      return make(llm.openrouterApiKey);
    case "openai-compatible":
      return llm.openaiCompatibleBaseUrl ? make(llm.openaiCompatibleApiKey ?? "", llm.openaiCompatibleBaseUrl) : undefined;
    case "local":
      return llm.localModelPath ? { provider, apiKey: "", baseUrl: undefined, keyId: null, source: "local" } : undefined;
  }
}
