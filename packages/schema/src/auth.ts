// Owns the wire contract of accounts, sessions and personal access tokens.
import { z } from "zod";
import { Timestamp } from "./common";

export const Email = z.string().max(320).describe("Email address; trimmed, Unicode-normalised and lower-cased by the server");

export const RegisterBody = z
  .object({
    email: Email,
    password: z.string().max(1024),
    name: z.string().trim().min(1).max(100).optional(),
  })
  .meta({ id: "RegisterBody" });

export const LoginBody = z
  .object({
    email: Email,
    password: z.string().max(1024),
  })
  .meta({ id: "LoginBody" });

export const ChangePasswordBody = z
  .object({
    currentPassword: z.string().max(1024),
    newPassword: z.string().max(1024),
  })
  .meta({ id: "ChangePasswordBody" });

export const Role = z.enum(["user", "admin"]);
export const Tier = z.enum(["free", "starter", "pro", "team"]);

export const User = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    role: Role,
    tier: Tier,
    createdAt: Timestamp,
  })
  .meta({ id: "User" });
export type User = z.infer<typeof User>;

export const UserResponse = z.object({ user: User }).meta({ id: "UserResponse" });

export const CsrfResponse = z.object({ csrfToken: z.string() }).meta({ id: "CsrfResponse" });

export const CreateTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .meta({ id: "CreateTokenBody" });

export const PersonalAccessToken = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe("First characters of the token, to recognise it"),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
  })
  .meta({ id: "PersonalAccessToken" });
export type PersonalAccessToken = z.infer<typeof PersonalAccessToken>;

export const CreatedToken = z
  .object({
    token: PersonalAccessToken,
    secret: z.string().describe("The token itself; shown only once"),
  })
  .meta({ id: "CreatedToken" });

export const TokenList = z.object({ items: z.array(PersonalAccessToken) }).meta({ id: "TokenList" });

export const AdminUserList = z.object({ items: z.array(User), nextCursor: z.string().nullable() }).meta({ id: "AdminUserList" });
