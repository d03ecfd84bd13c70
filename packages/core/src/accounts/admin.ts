// Owns administrator operations: listing accounts and creating (or promoting) administrators.
import type { DatabaseHandle } from "@samokoder/db";
import type { User } from "@samokoder/schema";
import { type ClientInfo, recordAuditEvent } from "../audit/index";
import { hashPassword } from "../auth/password-hash";
import { assertStrongPassword, generatePassword } from "../auth/password-policy";
import { normalizeEmail } from "../auth/email";
import type { Clock } from "../clock";
import { findUserByEmail, insertUser, listUsers, presentUser, setUserRole, updatePasswordHash } from "./users";

export interface AdminDeps {
  db: DatabaseHandle;
  clock: Clock;
}

export function createAdminOperations(deps: AdminDeps) {
  const { db, clock } = deps;
  return {
    async listUsers(
      adminId: string | null,
      query: { limit: number; cursor?: string | undefined },
      client: ClientInfo | null,
    ): Promise<{ items: User[]; nextCursor: string | null }> {
      const page = await listUsers(db, query);
      await recordAuditEvent(db, clock.now(), {
        event: "admin.users_listed",
        userId: adminId,
        client,
        details: { count: page.items.length },
      });
      return { items: page.items.map(presentUser), nextCursor: page.nextCursor };
    },

    /**
     * Creates an administrator, or promotes an existing account. Without a password a strong one is
     * generated and returned once (for the operator to print); an existing account keeps its password
     * unless one is given.
     */
    async createAdmin(input: {
      email: string;
      password?: string | undefined;
      name?: string | undefined;
    }): Promise<{ user: User; created: boolean; generatedPassword: string | null }> {
      const email = normalizeEmail(input.email);
      if (input.password !== undefined) assertStrongPassword(input.password);
      const existing = await findUserByEmail(db, email);
      if (existing) {
        await setUserRole(db, existing.id, "admin", clock.now());
        if (input.password !== undefined) await updatePasswordHash(db, existing.id, await hashPassword(input.password), clock.now());
        await recordAuditEvent(db, clock.now(), { event: "admin.created", userId: existing.id, client: null, details: { promoted: true } });
        return { user: presentUser({ ...existing, role: "admin" }), created: false, generatedPassword: null };
      }
      const generatedPassword = input.password === undefined ? generatePassword() : null;
      const password = input.password ?? generatedPassword ?? generatePassword();
      const user = await insertUser(
        db,
        { email, name: input.name ?? null, passwordHash: await hashPassword(password), role: "admin" },
        clock.now(),
      );
      await recordAuditEvent(db, clock.now(), { event: "admin.created", userId: user.id, client: null, details: { promoted: false } });
      return { user: presentUser(user), created: true, generatedPassword };
    },
  };
}
