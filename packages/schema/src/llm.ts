// Owns the wire contract of the LLM gateway: provider keys, model catalogue, model routing settings and usage reports.
import { z } from "zod";
import { Timestamp } from "./common";

export const ProviderId = z.enum(["openai", "anthropic", "groq", "openrouter", "openai-compatible", "local"]);
export type ProviderId = z.infer<typeof ProviderId>;
/** Providers a user may store a key for (the local model has no key). */
export const KeyProviderId = z.enum(["openai", "anthropic", "groq", "openrouter", "openai-compatible"]);

export const ModelRef = z
  .string()
  .regex(/^(openai|anthropic|groq|openrouter|openai-compatible|local)\/.+$/, "must be provider/model, e.g. openai/gpt-4o-mini")
  .max(200)
  .describe("provider/model");

export const AddProviderKeyBody = z
  .object({
    provider: KeyProviderId,
    apiKey: z.string().trim().min(1).max(500),
    baseUrl: z.url().max(500).optional().describe("Required for openai-compatible; optional override for the others"),
    label: z.string().trim().min(1).max(100).optional(),
  })
  .refine((v) => v.provider !== "openai-compatible" || v.baseUrl !== undefined, {
    message: "baseUrl is required for openai-compatible keys",
    path: ["baseUrl"],
  })
  .meta({ id: "AddProviderKeyBody" });
export type AddProviderKeyBody = z.infer<typeof AddProviderKeyBody>;

export const ProviderKeyStatus = z.enum(["unchecked", "ok", "invalid", "unreachable"]);

export const ProviderKey = z
  .object({
    id: z.uuid(),
    provider: KeyProviderId,
    label: z.string().nullable(),
    baseUrl: z.string().nullable(),
    last4: z.string().describe("The last four characters of the key; the key itself is never returned"),
    status: ProviderKeyStatus,
    statusDetail: z.string().nullable(),
    checkedAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "ProviderKey" });
export type ProviderKey = z.infer<typeof ProviderKey>;

export const ProviderKeyList = z.object({ items: z.array(ProviderKey) }).meta({ id: "ProviderKeyList" });

export const ProviderKeyTestResult = z
  .object({
    status: z.enum(["ok", "invalid", "unreachable"]),
    providerStatus: z.number().int().nullable().describe("HTTP status the provider answered with, if it answered"),
    message: z.string(),
    models: z.number().int().nullable().describe("How many models the key can see"),
  })
  .meta({ id: "ProviderKeyTestResult" });
export type ProviderKeyTestResult = z.infer<typeof ProviderKeyTestResult>;

export const CatalogueModel = z
  .object({
    id: ModelRef,
    provider: ProviderId,
    model: z.string(),
    contextWindow: z.number().int().nullable(),
    inputPricePerMillion: z.number().nullable(),
    outputPricePerMillion: z.number().nullable(),
    capabilities: z.object({ tools: z.boolean(), structuredOutput: z.boolean(), vision: z.boolean() }),
    source: z.enum(["catalogue", "discovered", "operator"]),
    available: z.boolean().describe("A key (yours or the operator's) exists for this provider"),
  })
  .meta({ id: "CatalogueModel" });
export type CatalogueModel = z.infer<typeof CatalogueModel>;

export const ModelCatalogue = z
  .object({ items: z.array(CatalogueModel), defaultModel: ModelRef.nullable() })
  .meta({ id: "ModelCatalogue" });

export const RoleRoute = z.object({ model: ModelRef, fallbacks: z.array(ModelRef).max(5).default([]) }).meta({ id: "RoleRoute" });
export type RoleRoute = z.infer<typeof RoleRoute>;

export const ModelSettings = z
  .object({
    default: RoleRoute.optional().describe("Used for every role without its own route"),
    roles: z
      .record(z.string().regex(/^[a-z_]+$/), RoleRoute)
      .default({})
      .describe("Per agent role: spec, architect, planner, coder, reviewer, debugger, summariser, documenter"),
  })
  .meta({ id: "ModelSettings" });
export type ModelSettings = z.infer<typeof ModelSettings>;

export const ProjectBudget = z
  .object({
    maxTokens: z.number().int().positive().optional(),
    maxCostUsd: z.number().positive().optional(),
    runMaxTokens: z.number().int().positive().optional(),
    runMaxCostUsd: z.number().positive().optional(),
  })
  .meta({ id: "ProjectBudget" });
export type ProjectBudget = z.infer<typeof ProjectBudget>;

export const ProjectModelSettings = z
  .object({
    default: RoleRoute.optional(),
    roles: ModelSettings.shape.roles,
    budget: ProjectBudget.default({}),
  })
  .meta({ id: "ProjectModelSettings" });
export type ProjectModelSettings = z.infer<typeof ProjectModelSettings>;

export const UsageGroupBy = z.enum(["day", "provider", "model", "project", "agent"]);
export const AdminUsageGroupBy = z.enum(["day", "provider", "model", "project", "agent", "user"]);

export const UsageQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe("Inclusive start (default: 30 days ago)"),
  to: z.iso.datetime({ offset: true }).optional().describe("Exclusive end (default: now)"),
  groupBy: UsageGroupBy.default("day"),
});
export const AdminUsageQuery = UsageQuery.extend({ groupBy: AdminUsageGroupBy.default("day") });

export const UsageRow = z
  .object({
    key: z.string().describe("The group: a day (YYYY-MM-DD), provider, provider/model, project id, agent role or user id"),
    calls: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cachedInputTokens: z.number().int(),
    costUsd: z.number(),
    errors: z.number().int(),
  })
  .meta({ id: "UsageRow" });
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageReport = z
  .object({
    from: Timestamp,
    to: Timestamp,
    groupBy: AdminUsageGroupBy,
    items: z.array(UsageRow),
    totals: UsageRow.omit({ key: true }),
  })
  .meta({ id: "UsageReport" });
export type UsageReport = z.infer<typeof UsageReport>;
