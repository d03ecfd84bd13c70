// Owns `samokoder user create-admin|list`: account administration from the shell, without prompts.
import { parseArgs } from "node:util";
import { AppError, createAdminOperations, systemClock } from "@samokoder/core";
import { migrateUp, openDatabase } from "@samokoder/db";
import { configOrExit } from "./load-config";

const USAGE = "Usage: samokoder user create-admin --email EMAIL [--password PASSWORD] [--name NAME] | samokoder user list [--limit N]";

function describeError(error: unknown): string {
  if (!AppError.isInstance(error)) throw error;
  const details = error.details as { rules?: Array<{ message: string }>; fields?: Array<{ field: string; message: string }> } | undefined;
  const lines = [...(details?.rules ?? []).map((r) => r.message), ...(details?.fields ?? []).map((f) => `${f.field}: ${f.message}`)];
  return [error.message, ...lines.map((l) => `  - ${l}`)].join("\n");
}

export async function userCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "create-admin" && action !== "list") {
    console.error(USAGE);
    return 1;
  }
  let values: { email?: string; password?: string; name?: string; limit?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" }, limit: { type: "string" } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (action === "create-admin" && !values.email) {
    console.error(`--email is required\n${USAGE}`);
    return 1;
  }
  const config = configOrExit();
  if (!config) return 1;
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db` });
  try {
    await migrateUp(db);
    const admin = createAdminOperations({ db, clock: systemClock });
    if (action === "list") {
      const limit = Math.min(Math.max(Number(values.limit ?? 1000) || 1000, 1), 10_000);
      const page = await admin.listUsers(null, { limit }, null);
      for (const user of page.items)
        console.log(`${user.id}  ${user.role.padEnd(5)}  ${user.tier.padEnd(7)}  ${user.createdAt}  ${user.email}`);
      console.log(`${page.items.length} user(s)`);
      return 0;
    }
    const result = await admin.createAdmin({ email: values.email ?? "", password: values.password, name: values.name });
    console.log(`${result.created ? "Created administrator" : "Promoted to administrator"}: ${result.user.email} (${result.user.id})`);
    // Printed once, because the command never prompts; the operator should change it after signing in.
    if (result.generatedPassword) console.log(`Password: ${result.generatedPassword}`);
    return 0;
  } catch (error) {
    console.error(describeError(error));
    return 1;
  } finally {
    await db.close();
  }
}
