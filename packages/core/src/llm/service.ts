// Owns the LLM capability as the server sees it: the gateway plus keys, catalogue, routing settings and usage.
import type { DatabaseHandle } from "@samokoder/db";
import type {
  AddProviderKeyBody,
  CatalogueModel,
  ModelSettings,
  ProjectModelSettings,
  ProviderKey,
  ProviderKeyTestResult,
  UsageReport,
} from "@samokoder/schema";
import type { Clock } from "../clock";
import type { Config } from "../config/index";
import { createKeyRing, type KeyRing } from "../keys/crypto";
import { testCredentials } from "../keys/check";
import { type RotationReport, rotateProviderKeys } from "../keys/rotate";
import { createKeyStore, type KeyStore } from "../keys/store";
import { type UsageWindow, usageReport } from "../usage/report";
import { createLlmGateway, type GatewayLogger, type LlmCallEvent, type LlmGatewayDeps, type LlmGatewayService } from "./gateway";
import { loadLocalModel } from "./local-model";
import { createModelLister } from "./model-list";
import { getProjectModelSettings, getUserModelSettings, operatorRoute, putProjectModelSettings, putUserModelSettings } from "./routing";
import { createGuardedFetch, type UrlPolicy } from "./url-safety";

export interface LlmService extends LlmGatewayService {
  keyRing: KeyRing;
  keys: KeyStore;
  addKey(userId: string, body: AddProviderKeyBody): Promise<ProviderKey>;
  listKeys(userId: string): Promise<ProviderKey[]>;
  deleteKey(userId: string, keyId: string): Promise<void>;
  /** A cheap real call with the key; records the outcome as the key's status. */
  testKey(userId: string, keyId: string): Promise<ProviderKeyTestResult>;
  listModels(userId: string): Promise<{ items: CatalogueModel[]; defaultModel: string | null }>;
  getUserSettings(userId: string): Promise<ModelSettings>;
  putUserSettings(userId: string, settings: ModelSettings): Promise<ModelSettings>;
  getProjectSettings(userId: string, projectId: string): Promise<ProjectModelSettings>;
  putProjectSettings(userId: string, projectId: string, settings: ProjectModelSettings): Promise<ProjectModelSettings>;
  /** Usage of one user, or of everyone when `userId` is null. */
  usage(userId: string | null, window: UsageWindow): Promise<UsageReport>;
  rotateKeys(): Promise<RotationReport>;
}

export interface LlmServiceDeps {
  config: Config;
  db: DatabaseHandle;
  clock: Clock;
  logger: GatewayLogger;
  observe?: (event: LlmCallEvent) => void;
  localModel?: LlmGatewayDeps["localModel"];
  /** Replaces DNS resolution in the URL guard (tests). */
  resolve?: UrlPolicy["resolve"];
}

export function urlPolicyFrom(config: Config, resolve?: UrlPolicy["resolve"]): UrlPolicy {
  return { allowPrivate: config.llm.allowPrivateProviderUrls, allowedHttpHosts: config.llm.allowedHttpProviderHosts, resolve };
}

export function createLlmService(deps: LlmServiceDeps): LlmService {
  const { config, db } = deps;
  const keyRing = createKeyRing(config.appSecretKey, config.previousAppSecretKeys);
  const urlPolicy = urlPolicyFrom(config, deps.resolve);
  const keys = createKeyStore(db, keyRing, urlPolicy);
  const gateway = createLlmGateway({ ...deps, keys, urlPolicy, localModel: deps.localModel ?? loadLocalModel });
  const guardedFetch = createGuardedFetch(urlPolicy);
  const listModels = createModelLister({
    keys,
    operatorCredentials: gateway.operatorCredentials,
    operatorModels: config.llm.openaiCompatibleModels,
    guardedFetch,
  });

  return {
    ...gateway,
    keyRing,
    keys,
    addKey: (userId, body) => keys.add(userId, body),
    listKeys: (userId) => keys.list(userId),
    deleteKey: (userId, keyId) => keys.remove(userId, keyId),
    async testKey(userId, keyId) {
      const credentials = await keys.credentials(userId, keyId);
      const result = await testCredentials(credentials, guardedFetch);
      await keys.setStatus(keyId, result.status, result.message);
      return result;
    },
    async listModels(userId) {
      return { items: await listModels(userId), defaultModel: operatorRoute(config)?.model ?? null };
    },
    getUserSettings: (userId) => getUserModelSettings(db, userId),
    putUserSettings: (userId, settings) => putUserModelSettings(db, userId, settings),
    getProjectSettings: (userId, projectId) => getProjectModelSettings(db, userId, projectId),
    putProjectSettings: (userId, projectId, settings) => putProjectModelSettings(db, userId, projectId, settings),
    usage: (userId, window) => usageReport(db, userId, window, deps.clock.now()),
    rotateKeys: () => rotateProviderKeys(db, keyRing),
  };
}
