// Owns what a call is checked against before it is made: its estimated size and the budgets that apply to it.
import type { Config } from "../config/index";
import { type Amount, type BudgetLimit, monthScopeId } from "../usage/index";
import { type CatalogueEntry, costOf } from "./catalogue";
import type { ProviderCredentials } from "./providers";
import type { CallPlan } from "./routing";
import type { LlmCallContext, LlmStepRequest } from "./types";

const DEFAULT_OUTPUT_ESTIMATE = 1024;

/** About four characters per token for the prompt, plus the output the caller allows (or a typical answer). */
export function estimateCall(request: LlmStepRequest, entry: CatalogueEntry): Amount {
  const tools = request.tools ? Object.values(request.tools).reduce((n, t) => n + t.description.length + 200, 0) : 0;
  const input = Math.ceil((request.system.length + JSON.stringify(request.messages).length + tools) / 4);
  const output = request.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return { tokens: input + output, costUsd: costOf(entry, { inputTokens: input, outputTokens: output, cachedInputTokens: 0 }) };
}

/**
 * The counters a call is booked on: the tier's monthly quota when the operator pays, the project budget and
 * the run budget (project settings first, then the operator's defaults).
 */
export function budgetLimitsFor(
  config: Config,
  now: Date,
  context: LlmCallContext,
  plan: CallPlan,
  source: ProviderCredentials["source"],
): BudgetLimit[] {
  const limits: BudgetLimit[] = [];
  if (source === "operator") {
    const quota = config.llm.monthlyTokenQuota[plan.tier];
    limits.push({ scope: "user_month", scopeId: monthScopeId(context.userId, now), maxTokens: quota > 0 ? quota : undefined });
  }
  const budget = plan.projectBudget;
  if (context.projectId) {
    limits.push({ scope: "project", scopeId: context.projectId, maxTokens: budget.maxTokens, maxCostUsd: budget.maxCostUsd });
  }
  if (context.runId) {
    const runTokens = budget.runMaxTokens ?? (config.llm.runTokenBudget || undefined);
    const runCost = budget.runMaxCostUsd ?? (config.llm.runCostBudgetUsd || undefined);
    limits.push({ scope: "run", scopeId: context.runId, maxTokens: runTokens, maxCostUsd: runCost });
  }
  return limits;
}
