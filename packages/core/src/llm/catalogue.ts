// Owns the model catalogue: prices, context windows and capabilities read from catalogue.json, and cost arithmetic.
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { LlmUsage } from "./types";

export const PROVIDER_IDS = ["openai", "anthropic", "groq", "openrouter", "openai-compatible", "local"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

const CatalogueEntry = z.object({
  provider: z.enum(PROVIDER_IDS),
  model: z.string().min(1),
  contextWindow: z.number().int().positive(),
  /** USD per million input tokens. */
  input: z.number().min(0),
  /** USD per million cached input tokens; the input price when absent. */
  cachedInput: z.number().min(0).optional(),
  output: z.number().min(0),
  tools: z.boolean(),
  structuredOutput: z.boolean(),
  vision: z.boolean(),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

const CatalogueFile = z.object({ models: z.array(CatalogueEntry) });

let cached: CatalogueEntry[] | undefined;

export function catalogue(): CatalogueEntry[] {
  cached ??= CatalogueFile.parse(JSON.parse(readFileSync(new URL("./catalogue.json", import.meta.url), "utf8"))).models;
  return cached;
}

export function findModel(provider: string, model: string): CatalogueEntry | undefined {
  return catalogue().find((entry) => entry.provider === provider && entry.model === model);
}

/**
 * What we assume about a model the catalogue does not list (discovered or self-hosted): free, tool-capable,
 * since OpenAI-compatible servers mostly accept tools; the provider's own error tells otherwise.
 */
export function describeModel(provider: ProviderId, model: string): CatalogueEntry {
  return (
    findModel(provider, model) ?? {
      provider,
      model,
      contextWindow: provider === "local" ? 4096 : 32768,
      input: 0,
      output: 0,
      tools: provider !== "local",
      structuredOutput: provider !== "local",
      vision: false,
    }
  );
}

export function costOf(entry: CatalogueEntry, usage: LlmUsage): number {
  const cachedTokens = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const freshInput = usage.inputTokens - cachedTokens;
  const usd =
    (freshInput * entry.input + cachedTokens * (entry.cachedInput ?? entry.input) + usage.outputTokens * entry.output) / 1_000_000;
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/** `provider/model` → parts; the model part may itself contain slashes (openrouter/anthropic/claude…). */
export function parseModelRef(ref: string): { provider: ProviderId; model: string } | undefined {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  const provider = ref.slice(0, slash);
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) return undefined;
  return { provider: provider as ProviderId, model: ref.slice(slash + 1) };
}
