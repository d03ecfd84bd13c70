// Owns `samokoder config check`: the start-up configuration report, without starting.
import { formatConfigReport, loadConfig } from "@samokoder/core";

export async function configCommand(args: string[]): Promise<number> {
  if (args[0] !== "check") {
    console.error("Usage: samokoder config check");
    return 1;
  }
  const result = loadConfig(process.env, { generateSecrets: process.env.SAMOKODER_ENV !== "production" });
  const report = formatConfigReport(result);
  if (result.ok) console.log(report);
  else console.error(report);
  return result.ok ? 0 : 1;
}
