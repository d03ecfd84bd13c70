// Owns the `samokoder` command line: dispatches to one module per command.
import { configCommand } from "./config-command";
import { migrateCommand } from "./migrate-command";
import { openapiCommand } from "./openapi-command";
import { serveCommand } from "./serve-command";

export type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { run: Command; help: string }> = {
  serve: { run: serveCommand, help: "serve [--role=api,worker]   start the platform" },
  migrate: { run: migrateCommand, help: "migrate up|down [--all]|status   manage database migrations" },
  config: { run: configCommand, help: "config check   validate the configuration without starting" },
  openapi: { run: openapiCommand, help: "openapi [--out FILE]   print or write the OpenAPI document" },
};

/** Registers a command; later capabilities add theirs (user, keys, generate). */
export function addCommand(name: string, run: Command, help: string): void {
  commands[name] = { run, help };
}

function usage(): string {
  return ["Usage: samokoder <command> [options]", "", ...Object.values(commands).map((c) => `  ${c.help}`)].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  await import("./extra-commands");
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  return command.run(rest);
}
