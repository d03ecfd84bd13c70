// Vite config: the dev server and `vite preview` listen on $PORT (the platform's preview proxy sets it).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const port = Number(process.env.PORT) || 5173;

export default defineConfig({
  plugins: [react()],
  server: { host: "127.0.0.1", port, strictPort: true },
  preview: { host: "127.0.0.1", port, strictPort: true },
  test: { environment: "happy-dom" },
});
