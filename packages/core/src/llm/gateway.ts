// Owns the LLM gateway: resolve the model chain for a role, check budgets, call with retries and fallback,
// meter every call into the ledger before returning, and report metrics.
import type { DatabaseHandle } from "@samokoder/db";
import type { LanguageModel } from "ai";
import type { Clock } from "../clock";
import type { Config } from "../config/index";
import { AppError } from "../errors/index";
import type { KeyStore } from "../keys/store";
import { type Reservation, recordUsage, reserveBudget, settleBudget } from "../usage/index";
import { budgetLimitsFor, estimateCall } from "./call-limits";
import { type AttemptResult, callModel } from "./call-model";
import { costOf, describeModel } from "./catalogue";
import { backoffMs, classifyFailure, type Failure } from "./failures";
import { createModelCache, providerKeyHeaders } from "./model-cache";
import { operatorCredentialsFor, type ProviderCredentials } from "./providers";
import { type ModelChoice, resolveCallPlan } from "./routing";
import type { LlmCallContext, LlmGateway, LlmStepRequest, LlmStepResult } from "./types";
import { createGuardedFetch, type UrlPolicy } from "./url-safety";

/** One finished (or failed) call, for metrics. */
export interface LlmCallEvent {
  provider: string;
  model: string;
  role: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  durationSeconds: number;
  ttftSeconds: number | null;
}

export interface GatewayLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

export interface LlmGatewayDeps {
  config: Config;
  db: DatabaseHandle;
  keys: KeyStore;
  clock: Clock;
  logger: GatewayLogger;
  urlPolicy: UrlPolicy;
  observe?: (event: LlmCallEvent) => void;
  /** Builds the local GGUF model; absent when node-llama-cpp is not installed. */
  localModel?: (path: string) => Promise<LanguageModel>;
  random?: () => number;
}

export interface LlmGatewayService extends LlmGateway {
  /** Operator-wide credentials for a provider, or undefined when the operator configured none. */
  operatorCredentials(provider: ModelChoice["provider"]): ProviderCredentials | undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function createLlmGateway(deps: LlmGatewayDeps): LlmGatewayService {
  const { config, db, keys, logger } = deps;
  const remoteModel = createModelCache(createGuardedFetch(deps.urlPolicy));
  // The longest one model attempt can take: every try timing out, plus the longest waits between them.
  const { timeoutMs, maxRetries, retryMaxMs } = config.llm;
  const leaseSeconds = Math.ceil((timeoutMs * (maxRetries + 1) + retryMaxMs * maxRetries) / 1000) + 60;

  const operatorCredentials = (provider: ModelChoice["provider"]) => operatorCredentialsFor(config, provider);

  async function modelFor(choice: ModelChoice, credentials: ProviderCredentials): Promise<LanguageModel> {
    if (choice.provider === "local") {
      const path = config.llm.localModelPath;
      if (!deps.localModel || !path) {
        throw new AppError(
          "capability_unsupported",
          422,
          "Local models need the optional node-llama-cpp package and SAMOKODER_LOCAL_MODEL_PATH",
        );
      }
      return deps.localModel(path);
    }
    return remoteModel(credentials, choice.model);
  }

  /** Calls one model with retries; returns the result or the last failure. */
  async function attemptModel(
    choice: ModelChoice,
    credentials: ProviderCredentials,
    context: LlmCallContext,
    request: LlmStepRequest,
  ): Promise<
    | { ok: true; result: AttemptResult; retries: number; latencyMs: number }
    | { ok: false; failure: Failure; retries: number; latencyMs: number }
  > {
    const label = `${choice.provider}/${choice.model}`;
    const started = performance.now();
    let retries = 0;
    for (;;) {
      const timeout = AbortSignal.timeout(config.llm.timeoutMs);
      const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
      try {
        const model = await modelFor(choice, credentials);
        const result = await callModel(model, request, signal, providerKeyHeaders(credentials.apiKey));
        return { ok: true, result, retries, latencyMs: performance.now() - started };
      } catch (error) {
        const reason = context.signal?.aborted ? "cancelled" : timeout.aborted ? "timeout" : null;
        const failure = classifyFailure(error, label, reason);
        if (!failure.retryable || retries >= config.llm.maxRetries) {
          return { ok: false, failure, retries, latencyMs: performance.now() - started };
        }
        const delay = backoffMs(retries, config.llm.retryBaseMs, config.llm.retryMaxMs, failure.retryAfterMs, deps.random);
        logger.warn(
          { provider: choice.provider, model: choice.model, outcome: failure.outcome, retry: retries + 1, delayMs: Math.round(delay) },
          "llm call failed; retrying",
        );
        retries++;
        try {
          await sleep(delay, context.signal);
        } catch {
          const cancelled = classifyFailure(error, label, "cancelled");
          return { ok: false, failure: cancelled, retries, latencyMs: performance.now() - started };
        }
      }
    }
  }

  async function step(context: LlmCallContext, request: LlmStepRequest): Promise<LlmStepResult> {
    const plan = await resolveCallPlan(db, config, context.userId, context.projectId, context.role);
    let lastError: AppError | undefined;
    for (const choice of plan.chain) {
      const entry = describeModel(choice.provider, choice.model);
      if (request.tools && Object.keys(request.tools).length > 0 && !entry.tools) {
        lastError = new AppError("capability_unsupported", 422, `${choice.provider}/${choice.model} does not support tool calls`, {
          details: { provider: choice.provider, model: choice.model, capability: "tools" },
        });
        continue;
      }
      if (request.output && !entry.structuredOutput) {
        lastError = new AppError("capability_unsupported", 422, `${choice.provider}/${choice.model} does not support structured output`, {
          details: { provider: choice.provider, model: choice.model, capability: "structuredOutput" },
        });
        continue;
      }
      const credentials =
        (choice.provider === "local" ? undefined : await keys.credentialsForProvider(context.userId, choice.provider)) ??
        operatorCredentials(choice.provider);
      if (!credentials) {
        lastError = new AppError(
          "provider_not_configured",
          400,
          `No key for ${choice.provider}: add one under Keys or ask the operator to configure it`,
          {
            details: { provider: choice.provider },
          },
        );
        continue;
      }
      const estimate = estimateCall(request, entry);
      const reservation: Reservation = await reserveBudget(
        db,
        budgetLimitsFor(config, deps.clock.now(), context, plan, credentials.source),
        estimate,
        leaseSeconds,
      ).catch((error: unknown) => {
        // Refused before any call: no ledger row (nothing was spent), but operators see refusals in the metrics.
        if (AppError.isInstance(error) && error.code === "quota_exceeded") {
          deps.observe?.({
            provider: choice.provider,
            model: choice.model,
            role: context.role,
            outcome: "quota_exceeded",
            inputTokens: 0,
            outputTokens: 0,
            cachedInputTokens: 0,
            costUsd: 0,
            durationSeconds: 0,
            ttftSeconds: null,
          });
        }
        throw error;
      });
      const attempt = await attemptModel(choice, credentials, context, request).catch(async (error: unknown) => {
        await settleBudget(db, reservation, { tokens: 0, costUsd: 0 });
        throw error;
      });
      const usage = attempt.ok ? attempt.result.usage : { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
      const costUsd = costOf(entry, usage);
      const outcome = attempt.ok ? "ok" : attempt.failure.outcome;
      const ttftMs = attempt.ok ? attempt.result.ttftMs : null;
      const ledgerId = await recordUsage(
        db,
        {
          userId: context.userId,
          projectId: context.projectId ?? null,
          runId: context.runId ?? null,
          role: context.role,
          provider: choice.provider,
          model: choice.model,
          keyId: credentials.keyId,
          keySource: credentials.source,
          ...usage,
          costUsd,
          latencyMs: attempt.latencyMs,
          ttftMs,
          outcome,
          retries: attempt.retries,
        },
        reservation,
      );
      deps.observe?.({
        provider: choice.provider,
        model: choice.model,
        role: context.role,
        outcome,
        ...usage,
        costUsd,
        durationSeconds: attempt.latencyMs / 1000,
        ttftSeconds: ttftMs === null ? null : ttftMs / 1000,
      });
      logger.info(
        {
          provider: choice.provider,
          model: choice.model,
          role: context.role,
          outcome,
          retries: attempt.retries,
          latencyMs: Math.round(attempt.latencyMs),
          ledgerId,
        },
        "llm call",
      );
      if (attempt.ok) {
        const { result } = attempt;
        return {
          text: result.text,
          toolCalls: result.toolCalls,
          finishReason: result.finishReason,
          usage,
          costUsd,
          provider: choice.provider,
          model: choice.model,
          responseMessages: result.responseMessages,
          ledgerId,
          ...(request.output ? { object: result.object } : {}),
        };
      }
      const { failure } = attempt;
      if (failure.outcome === "invalid_provider_key" && credentials.keyId) {
        await keys.setStatus(credentials.keyId, "invalid", `Rejected by the provider (HTTP ${failure.providerStatus}) during a call`);
      }
      if (failure.outcome === "cancelled") throw context.signal?.reason ?? failure.error;
      // A longer prompt will not fit a fallback model better by retrying blindly; the caller must shorten it.
      if (failure.outcome === "context_length_exceeded") throw failure.error;
      lastError = failure.error;
    }
    throw lastError ?? new AppError("provider_not_configured", 400, "No model is configured");
  }

  return { step, operatorCredentials };
}
