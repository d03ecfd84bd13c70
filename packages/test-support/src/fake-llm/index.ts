// Public surface of the fake LLM server used by gateway, engine and end-to-end tests.
export { type FakeLlm, type FakeLlmOptions, type RecordedRequest, type RecordedTool, type RequestHandler, startFakeLlm } from "./server";
export { ReplyBuilder, type ReplyScript, reply, tokenText } from "./reply";
