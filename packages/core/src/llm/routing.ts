// Owns model routing: per-role model and fallback chain resolved project → user → operator default,
// and the stored user and project routing settings.
import type { DatabaseHandle } from "@samokoder/db";
import { ModelSettings, ProjectModelSettings, type RoleRoute } from "@samokoder/schema";
import type { Config } from "../config/index";
import { AppError, notFound, validationFailed } from "../errors/index";
import { type ProviderId, parseModelRef } from "./catalogue";
import { AGENT_ROLES, type AgentRole } from "./types";

export interface ModelChoice {
  provider: ProviderId;
  model: string;
  /** Which level chose it, for diagnostics. */
  level: "project" | "user" | "operator";
}

function checkRoles(settings: { roles: Record<string, unknown> }): void {
  const unknown = Object.keys(settings.roles).filter((role) => !(AGENT_ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) throw validationFailed(`Unknown agent role(s): ${unknown.join(", ")}`, { roles: AGENT_ROLES });
}

/** Stored settings are read through the schema: a hand-edited or older document degrades to "no settings". */
function parseStored<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown, empty: T): T {
  const parsed = schema.safeParse(value ?? {});
  return parsed.success ? parsed.data : empty;
}

export async function getUserModelSettings(db: DatabaseHandle, userId: string): Promise<ModelSettings> {
  const [row] = await db.query<{ settings: unknown }>("SELECT settings FROM user_model_settings WHERE user_id = $1", [userId]);
  return parseStored(ModelSettings, row?.settings, { roles: {} });
}

export async function putUserModelSettings(db: DatabaseHandle, userId: string, settings: ModelSettings): Promise<ModelSettings> {
  checkRoles(settings);
  await db.query(
    `INSERT INTO user_model_settings (user_id, settings) VALUES ($1, $2::jsonb)
     ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings, updated_at = now()`,
    [userId, JSON.stringify(settings)],
  );
  return settings;
}

/** The project's routing and budget (projects.settings.models); another user's project is "not found". */
export async function getProjectModelSettings(db: DatabaseHandle, userId: string, projectId: string): Promise<ProjectModelSettings> {
  const [row] = await db.query<{ models: unknown }>("SELECT settings -> 'models' AS models FROM projects WHERE id = $1 AND owner_id = $2", [
    projectId,
    userId,
  ]);
  if (!row) throw notFound("Project");
  return parseStored(ProjectModelSettings, row.models, { roles: {}, budget: {} });
}

export async function putProjectModelSettings(
  db: DatabaseHandle,
  userId: string,
  projectId: string,
  settings: ProjectModelSettings,
): Promise<ProjectModelSettings> {
  checkRoles(settings);
  const updated = await db.query(
    `UPDATE projects SET settings = jsonb_set(settings, '{models}', $3::jsonb, true), updated_at = now()
     WHERE id = $1 AND owner_id = $2 RETURNING id`,
    [projectId, userId, JSON.stringify(settings)],
  );
  if (updated.length === 0) throw notFound("Project");
  return settings;
}

/** The operator's route: SAMOKODER_DEFAULT_MODEL, else the first provider the operator configured. */
export function operatorRoute(config: Config): RoleRoute | undefined {
  const llm = config.llm;
  let model = llm.defaultModel;
  if (!model) {
    if (llm.openaiCompatibleBaseUrl && llm.openaiCompatibleModels[0]) model = `openai-compatible/${llm.openaiCompatibleModels[0]}`;
    else if (llm.openaiApiKey) model = "openai/gpt-4.1-mini";
    else if (llm.anthropicApiKey) model = "anthropic/claude-sonnet-4-5";
    else if (llm.groqApiKey) model = "groq/llama-3.3-70b-versatile";
    else if (llm.openrouterApiKey) model = "openrouter/anthropic/claude-sonnet-4.5";
    else if (llm.localModelPath) model = "local/gguf";
  }
  return model ? { model, fallbacks: llm.fallbackModels } : undefined;
}

function toChain(route: RoleRoute, level: ModelChoice["level"]): ModelChoice[] {
  const chain: ModelChoice[] = [];
  for (const ref of [route.model, ...route.fallbacks]) {
    const parsed = parseModelRef(ref);
    if (parsed && !chain.some((c) => c.provider === parsed.provider && c.model === parsed.model)) chain.push({ ...parsed, level });
  }
  return chain;
}

/** Everything a call needs to know about its caller, read in one query. */
export interface CallPlan {
  chain: ModelChoice[];
  tier: "free" | "starter" | "pro" | "team";
  /** The project's budget (empty without a project, or for a project that is not the caller's). */
  projectBudget: ProjectModelSettings["budget"];
}

/** The model chain for one call (primary first, then fallbacks), with the caller's tier and project budget. */
export async function resolveCallPlan(
  db: DatabaseHandle,
  config: Config,
  userId: string,
  projectId: string | null | undefined,
  role: AgentRole,
): Promise<CallPlan> {
  const [row] = await db.query<{ tier: CallPlan["tier"]; user_settings: unknown; project_models: unknown }>(
    `SELECT u.tier, s.settings AS user_settings, p.settings -> 'models' AS project_models
     FROM users u
     LEFT JOIN user_model_settings s ON s.user_id = u.id
     LEFT JOIN projects p ON p.id = $2::uuid AND p.owner_id = u.id
     WHERE u.id = $1`,
    [userId, projectId ?? null],
  );
  const project = parseStored(ProjectModelSettings, row?.project_models, { roles: {}, budget: {} });
  const user = parseStored(ModelSettings, row?.user_settings, { roles: {} });
  const plan = (chain: ModelChoice[]): CallPlan => ({ chain, tier: row?.tier ?? "free", projectBudget: project.budget });
  const projectRoute = project.roles[role] ?? project.default;
  if (projectRoute) return plan(toChain(projectRoute, "project"));
  const userRoute = user.roles[role] ?? user.default;
  if (userRoute) return plan(toChain(userRoute, "user"));
  const operator = operatorRoute(config);
  if (operator) return plan(toChain(operator, "operator"));
  throw new AppError(
    "provider_not_configured",
    400,
    "No model is configured: add a provider key and choose a model in the model settings",
    {
      details: { role },
    },
  );
}

/** The model chain for one call: primary first, then fallbacks. */
export async function resolveModelChain(
  db: DatabaseHandle,
  config: Config,
  userId: string,
  projectId: string | null | undefined,
  role: AgentRole,
): Promise<ModelChoice[]> {
  return (await resolveCallPlan(db, config, userId, projectId, role)).chain;
}
