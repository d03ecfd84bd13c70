// Owns the opaque pagination cursor: (created_at, id) of the last item, base64url-encoded.
import { badRequest } from "../errors/index";

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): CursorPosition {
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(time ?? "");
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) throw badRequest("The cursor is not valid; start again without it");
  return { createdAt, id };
}
