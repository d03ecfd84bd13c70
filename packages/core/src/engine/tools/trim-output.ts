// Owns trimming command output for the model: keep the head and the (usually decisive) tail, drop the middle.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function trimOutput(text: string, maxChars = 4_000): string {
  const clean = text.replace(ANSI, "").replace(/\r\n?/g, "\n");
  if (clean.length <= maxChars) return clean;
  const head = Math.floor(maxChars * 0.3);
  const tail = maxChars - head;
  return `${clean.slice(0, head)}\n… [${clean.length - maxChars} characters cut] …\n${clean.slice(-tail)}`;
}
