// Public surface of the LLM gateway: the contract, the gateway, routing, the catalogue and URL safety.
export * from "./types";
export { createLlmGateway, type GatewayLogger, type LlmCallEvent, type LlmGatewayDeps, type LlmGatewayService } from "./gateway";
export {
  catalogue,
  costOf,
  describeModel,
  findModel,
  parseModelRef,
  PROVIDER_IDS,
  type CatalogueEntry,
  type ProviderId,
} from "./catalogue";
export {
  getProjectModelSettings,
  getUserModelSettings,
  type ModelChoice,
  operatorRoute,
  putProjectModelSettings,
  putUserModelSettings,
  resolveModelChain,
} from "./routing";
export { assertUrlAllowed, createGuardedFetch, isPublicAddress, type UrlPolicy } from "./url-safety";
export { baseUrlOf, type ProviderCredentials, REMOTE_PROVIDERS } from "./providers";
export { backoffMs, classifyFailure } from "./failures";
export { createLlmService, type LlmService, type LlmServiceDeps, urlPolicyFrom } from "./service";
