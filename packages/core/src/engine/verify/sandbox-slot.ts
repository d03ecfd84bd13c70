// Owns waiting for a free sandbox slot: the sandbox caps concurrent commands per user, and a run that hits
// the cap should queue behind the user's other runs, not fail.
import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../../errors/index";

const MAX_WAIT_MS = 10 * 60_000;

function isSlotLimit(error: unknown): boolean {
  if (!AppError.isInstance(error) || error.code !== "quota_exceeded") return false;
  return (error.details as { resource?: string } | undefined)?.resource === "concurrent_sandboxes";
}

export async function withSandboxSlot<T>(run: () => Promise<T>, signal: AbortSignal): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isSlotLimit(error) || Date.now() - started > MAX_WAIT_MS) throw error;
      await delay(Math.min(2_000, 100 * attempt), undefined, { signal });
    }
  }
}
