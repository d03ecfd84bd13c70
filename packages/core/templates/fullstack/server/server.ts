// Process entry point: opens the store, serves the API and the built client on $PORT.
import { fileURLToPath } from "node:url";
import { createApp } from "./app.js";
import { JsonStore } from "./store.js";

const port = Number(process.env.PORT) || 3000;
const clientDir = fileURLToPath(new URL("../client", import.meta.url));
const server = createApp(new JsonStore(process.env.DATA_FILE ?? "data/db.json"), { clientDir });
server.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
