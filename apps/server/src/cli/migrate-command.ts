// Owns `samokoder migrate up|down|status`.
import { migrateDown, migrateUp, migrationStatus, openDatabase } from "@samokoder/db";
import { configOrExit } from "./load-config";

export async function migrateCommand(args: string[]): Promise<number> {
  const [action = "status", ...rest] = args;
  if (!["up", "down", "status"].includes(action)) {
    console.error("Usage: samokoder migrate up|down [--all|--steps N]|status");
    return 1;
  }
  const config = configOrExit();
  if (!config) return 1;
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db`,
  });
  try {
    if (action === "up") {
      const applied = await migrateUp(db);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Already up to date");
    } else if (action === "down") {
      const stepsIndex = rest.indexOf("--steps");
      const steps = rest.includes("--all") ? Number.POSITIVE_INFINITY : stepsIndex >= 0 ? Number(rest[stepsIndex + 1]) : 1;
      if (!Number.isFinite(steps) && steps !== Number.POSITIVE_INFINITY) {
        console.error("--steps needs a number");
        return 1;
      }
      const reverted = await migrateDown(db, steps);
      console.log(reverted.length ? `Rolled back: ${reverted.join(", ")}` : "Nothing to roll back");
    } else {
      for (const m of await migrationStatus(db)) {
        console.log(
          `${String(m.version).padStart(4, "0")} ${m.name.padEnd(32)} ${m.appliedAt ? `applied ${m.appliedAt.toISOString()}` : "pending"}`,
        );
      }
    }
    return 0;
  } finally {
    await db.close();
  }
}
