// Owns wiring: configuration, database, logger, metrics and the domain services of one process.
import { type Clock, type Config, systemClock } from "@samokoder/core";
import { type DatabaseHandle, migrateUp, openDatabase } from "@samokoder/db";
import pino, { type Logger } from "pino";
import { createMetrics, type Metrics } from "./http/metrics";
import { createServices, type Services } from "./services";

export interface Runtime {
  config: Config;
  db: DatabaseHandle;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  services: Services;
  /** Runs registered shutdown steps (newest first), then closes the database. */
  close(): Promise<void>;
  onClose(step: () => Promise<void> | void): void;
}

export interface RuntimeOptions {
  /** Apply pending migrations at start (embedded default). */
  migrate?: boolean;
  logger?: Logger;
  clock?: Clock;
  /** Use an already open database (tests share one per file). */
  db?: DatabaseHandle;
}

export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.apiKey",
  "*.secret",
  "*.token",
];

export function createLogger(config: Pick<Config, "logLevel">, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const db =
    options.db ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db`,
      poolSize: config.databasePoolSize,
    }));
  if (options.migrate !== false) {
    const applied = await migrateUp(db);
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
  }
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const closers: Array<() => Promise<void> | void> = [];
  const runtime: Runtime = {
    config,
    db,
    logger,
    metrics,
    clock,
    services: undefined as unknown as Services,
    onClose: (step) => closers.push(step),
    async close() {
      for (const step of closers.reverse()) await step();
      if (!options.db) await db.close();
    },
  };
  runtime.services = await createServices(runtime);
  return runtime;
}
