// Owns registering the commands contributed by capabilities (one import per capability).
import { addCommand } from "./main";
import { userCommand } from "./user-command";

addCommand("user", userCommand, "user create-admin --email E [--password P] | user list   manage accounts");
