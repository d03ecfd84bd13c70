// Owns the model catalogue a user sees: the catalogue file, the operator's models, and models discovered live
// from OpenAI-compatible endpoints (theirs and the operator's).
import type { CatalogueModel } from "@samokoder/schema";
import type { KeyStore } from "../keys/store";
import { catalogue, describeModel, type ProviderId } from "./catalogue";
import { baseUrlOf, type ProviderCredentials, REMOTE_PROVIDERS } from "./providers";

const DISCOVERY_TIMEOUT_MS = 3000;
const DISCOVERY_TTL_MS = 60_000;

interface ModelListDeps {
  keys: KeyStore;
  operatorCredentials(provider: ProviderId): ProviderCredentials | undefined;
  operatorModels: string[];
  guardedFetch: typeof fetch;
}

function present(provider: ProviderId, model: string, source: CatalogueModel["source"], available: boolean): CatalogueModel {
  const entry = describeModel(provider, model);
  const known = source === "catalogue";
  return {
    id: `${provider}/${model}`,
    provider,
    model,
    contextWindow: known ? entry.contextWindow : null,
    inputPricePerMillion: known ? entry.input : null,
    outputPricePerMillion: known ? entry.output : null,
    capabilities: { tools: entry.tools, structuredOutput: entry.structuredOutput, vision: entry.vision },
    source,
    available,
  };
}

export function createModelLister(deps: ModelListDeps) {
  const cache = new Map<string, { at: number; models: string[] }>();

  async function discover(credentials: ProviderCredentials): Promise<string[]> {
    const base = baseUrlOf(credentials);
    const cacheKey = `${credentials.keyId ?? "operator"}|${base}`;
    const hit = cache.get(cacheKey);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.models;
    const fetchImpl = credentials.source === "user" ? deps.guardedFetch : fetch;
    try {
      const response = await fetchImpl(`${base}/models`, {
        headers: REMOTE_PROVIDERS["openai-compatible"].listModelsHeaders(credentials.apiKey),
        signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return [];
      }
      const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
      const models = (body.data ?? [])
        .map((m) => m.id)
        .filter((id): id is string => typeof id === "string" && id.length > 0 && id.length < 200);
      cache.set(cacheKey, { at: Date.now(), models });
      return models;
    } catch {
      // Discovery is best effort: an endpoint that is down simply contributes no models.
      return [];
    }
  }

  return async function listModels(userId: string): Promise<CatalogueModel[]> {
    const userKeys = await deps.keys.list(userId);
    const available = (provider: ProviderId) =>
      userKeys.some((k) => k.provider === provider && k.status !== "invalid") || deps.operatorCredentials(provider) !== undefined;
    const items = new Map<string, CatalogueModel>();
    for (const entry of catalogue()) {
      if (entry.provider === "local" && !deps.operatorCredentials("local")) continue;
      items.set(`${entry.provider}/${entry.model}`, present(entry.provider, entry.model, "catalogue", available(entry.provider)));
    }
    const operator = deps.operatorCredentials("openai-compatible");
    for (const model of deps.operatorModels) {
      if (!items.has(`openai-compatible/${model}`))
        items.set(`openai-compatible/${model}`, present("openai-compatible", model, "operator", operator !== undefined));
    }
    const sources: ProviderCredentials[] = operator ? [operator] : [];
    for (const key of userKeys.filter((k) => k.provider === "openai-compatible" && k.status !== "invalid")) {
      sources.push(await deps.keys.credentials(userId, key.id));
    }
    const discovered = await Promise.all(sources.map((credentials) => discover(credentials)));
    for (const model of discovered.flat()) {
      if (!items.has(`openai-compatible/${model}`))
        items.set(`openai-compatible/${model}`, present("openai-compatible", model, "discovered", true));
    }
    return [...items.values()];
  };
}
