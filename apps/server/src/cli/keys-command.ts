// Owns `samokoder keys rotate|status`: re-encrypting stored provider keys under the current APP_SECRET_KEY.
import { createKeyRing, rotateProviderKeys } from "@samokoder/core";
import { migrateUp, openDatabase } from "@samokoder/db";
import { configOrExit } from "./load-config";

const USAGE = `Usage: samokoder keys rotate | samokoder keys status

Rotating the secret without downtime:
  1. set APP_SECRET_KEY to the new secret and APP_SECRET_KEY_PREVIOUS to the old one, restart (both decrypt)
  2. run \`samokoder keys rotate\` (re-encrypts every stored key under the new secret)
  3. once \`samokoder keys status\` shows nothing under old secrets, remove APP_SECRET_KEY_PREVIOUS`;

export async function keysCommand(args: string[]): Promise<number> {
  const [action] = args;
  if (action !== "rotate" && action !== "status") {
    console.error(USAGE);
    return 1;
  }
  const config = configOrExit();
  if (!config) return 1;
  const ring = createKeyRing(config.appSecretKey, config.previousAppSecretKeys);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db` });
  try {
    await migrateUp(db);
    if (action === "rotate") {
      const report = await rotateProviderKeys(db, ring);
      console.log(`Re-encrypted ${report.reencrypted} key(s) under ${report.currentKeyId}; ${report.alreadyCurrent} already current`);
    }
    const rows = await db.query<{ encryption_key_id: string; n: number }>(
      "SELECT encryption_key_id, count(*)::int AS n FROM provider_keys GROUP BY 1 ORDER BY 1",
    );
    for (const row of rows) {
      const state =
        row.encryption_key_id === ring.currentId ? "current" : ring.ids.includes(row.encryption_key_id) ? "previous" : "UNKNOWN SECRET";
      console.log(`${row.encryption_key_id}  ${String(row.n).padStart(6)} key(s)  ${state}`);
    }
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await db.close();
  }
}
