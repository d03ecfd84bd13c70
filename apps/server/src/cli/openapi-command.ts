// Owns `samokoder openapi`: the OpenAPI document built from the route schemas, for docs/openapi.json.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { buildOpenApiDocument } from "../openapi-document";

export async function openapiCommand(args: string[]): Promise<number> {
  const [flag, file] = args;
  const text = await buildOpenApiDocument();
  if (flag === "--out" && file) {
    writeFileSync(file, text);
    return 0;
  }
  if (flag === "--check" && file) {
    if (existsSync(file) && readFileSync(file, "utf8") === text) return 0;
    console.error(`${file} is stale: run \`npm run openapi\` and commit the result`);
    return 1;
  }
  process.stdout.write(text);
  return 0;
}
