// Builds the React client into dist/client, which the Node server serves; tests run in Node unless a file asks for a DOM.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const port = Number(process.env.PORT) || 5173;

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist/client", emptyOutDir: true },
  server: { host: "127.0.0.1", port, strictPort: true, proxy: { "/api": `http://127.0.0.1:${process.env.API_PORT ?? 3000}` } },
  test: { environment: "node" },
});
