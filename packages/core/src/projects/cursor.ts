// Owns the opaque pagination cursor: (created_at, id) of the last item, base64url-encoded.
import { badRequest } from "../errors/index";
import { isUuid } from "../ids";

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): CursorPosition {
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(time ?? "");
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) throw badRequest("The cursor is not valid; start again without it");
  return { createdAt, id };
}
