// Writes docs/agent-tools.md from the agent tools' zod schemas: `npm run docs:tools`.
import { writeFileSync } from "node:fs";
import { AGENT_TOOLS_DOC_PATH, renderAgentToolsDoc } from "../packages/core/src/engine/tools/agent-tools-doc";

writeFileSync(AGENT_TOOLS_DOC_PATH, renderAgentToolsDoc());
console.log(`wrote ${AGENT_TOOLS_DOC_PATH}`);
