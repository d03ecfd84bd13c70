// Owns registering the commands contributed by capabilities (one import per capability).
import { generateCommand } from "./generate-command";
import { keysCommand } from "./keys-command";
import { addCommand } from "./main";
import { sandboxCommand } from "./sandbox-command";
import { userCommand } from "./user-command";

addCommand("user", userCommand, "user create-admin --email E [--password P] | user list   manage accounts");
addCommand("keys", keysCommand, "keys rotate|status   re-encrypt stored provider keys under the current APP_SECRET_KEY");
addCommand("sandbox", sandboxCommand, "sandbox check   run a probe in the sandbox and report what is missing");
addCommand(
  "generate",
  generateCommand,
  "generate --out DIR (--description T | --from DIR) [--instruction T] [--model P/M] [--yes]   build or change an app headlessly",
);
