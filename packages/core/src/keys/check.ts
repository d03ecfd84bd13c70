// Owns testing a provider key with a cheap real call (list models) and recording what the provider said.
import type { ProviderKeyTestResult } from "@samokoder/schema";
import { AppError } from "../errors/index";
import { baseUrlOf, type ProviderCredentials, REMOTE_PROVIDERS } from "../llm/providers";

const TEST_TIMEOUT_MS = 10_000;

/** Lists the provider's models with `credentials`; never throws for provider failures, only for refused URLs. */
export async function testCredentials(credentials: ProviderCredentials, fetchImpl: typeof fetch): Promise<ProviderKeyTestResult> {
  if (credentials.provider === "local") return { status: "ok", providerStatus: null, message: "Local model", models: 1 };
  const provider = REMOTE_PROVIDERS[credentials.provider];
  const base = baseUrlOf(credentials);
  if (!base) return { status: "unreachable", providerStatus: null, message: "No base URL configured", models: null };
  let response: Response;
  try {
    response = await fetchImpl(`${base}/models`, {
      headers: { accept: "application/json", ...provider.listModelsHeaders(credentials.apiKey) },
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
  } catch (error) {
    if (AppError.isInstance(error)) throw error;
    const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "could not connect";
    return { status: "unreachable", providerStatus: null, message: `${provider.label} ${reason}`, models: null };
  }
  const status = response.status;
  if (status === 401 || status === 403) {
    await response.body?.cancel();
    return { status: "invalid", providerStatus: status, message: `${provider.label} rejected the key`, models: null };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { status: "unreachable", providerStatus: status, message: `${provider.label} answered HTTP ${status}`, models: null };
  }
  const body = (await response.json().catch(() => null)) as { data?: unknown } | null;
  const models = Array.isArray(body?.data) ? body.data.length : null;
  return { status: "ok", providerStatus: status, message: `${provider.label} accepted the key`, models };
}
