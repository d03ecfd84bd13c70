// Owns the token estimate used for budgeting (about four characters per token: conservative for code).
import type { ModelMessage } from "ai";

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export function messageTokens(message: ModelMessage): number {
  return estimateTokens(JSON.stringify(message.content)) + 4;
}
