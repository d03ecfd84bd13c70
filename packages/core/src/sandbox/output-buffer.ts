// Owns the bounded ring buffer of a process's recent output lines.
export interface OutputLine {
  stream: "stdout" | "stderr";
  text: string;
  at: Date;
}

export function createOutputBuffer(maxLines: number, maxLineLength = 2000) {
  const lines: OutputLine[] = [];
  const partial = { stdout: "", stderr: "" };
  const push = (stream: OutputLine["stream"], text: string, at: Date) => {
    lines.push({ stream, text: text.length > maxLineLength ? `${text.slice(0, maxLineLength)}…` : text, at });
    if (lines.length > maxLines) lines.splice(0, lines.length - maxLines);
  };
  return {
    /** Splits a chunk into lines; returns the complete lines it produced. */
    append(stream: OutputLine["stream"], chunk: string, at: Date): string[] {
      const text = partial[stream] + chunk;
      const parts = text.split(/\r?\n/);
      partial[stream] = (parts.pop() ?? "").slice(-maxLineLength * 2);
      for (const part of parts) push(stream, part, at);
      return parts;
    },
    flush(at: Date): void {
      for (const stream of ["stdout", "stderr"] as const) {
        if (partial[stream]) push(stream, partial[stream], at);
        partial[stream] = "";
      }
    },
    last(count: number): OutputLine[] {
      return lines.slice(-count);
    },
  };
}
