// Process entry point: opens the store and listens on $PORT.
import { createApp } from "./app.js";
import { JsonStore } from "./store.js";

const port = Number(process.env.PORT) || 3000;
const store = new JsonStore(process.env.DATA_FILE ?? "data/db.json");
const server = createApp(store);
server.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
