// Owns loading configuration for a command, printing every problem when it is invalid.
import { type Config, formatConfigReport, loadConfig } from "@samokoder/core";

export function configOrExit(): Config | null {
  const result = loadConfig(process.env);
  if (!result.ok) {
    console.error(formatConfigReport(result));
    return null;
  }
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  return result.config;
}
