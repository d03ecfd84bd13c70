// Owns composing the auth capability into the one service the transport talks to.
import { createAdminOperations } from "../accounts/admin";
import { type CredentialDeps, createCredentialChecks } from "./credentials";
import { type AuthDeps, createAccountFlows } from "./service";

export type AuthServiceDeps = AuthDeps & CredentialDeps;

export function createAuthService(deps: AuthServiceDeps) {
  return { ...createAccountFlows(deps), ...createCredentialChecks(deps), admin: createAdminOperations(deps) };
}

export type AuthService = ReturnType<typeof createAuthService>;
