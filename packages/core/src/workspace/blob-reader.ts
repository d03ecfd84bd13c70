// Owns streaming many blobs out of one `git cat-file --batch` process (one spawn per export, not one per file).
import { PassThrough, type Readable } from "node:stream";
import type { Git } from "./git";

interface Pending {
  object: string;
  output: PassThrough;
  remaining: number | null;
}

export class BlobReader {
  private readonly child;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failed: Error | null = null;

  constructor(git: Git) {
    this.child = git.spawnWithInput(["cat-file", "--batch"]);
    this.child.stdout.on("data", (chunk: Buffer) => this.consume(chunk));
    const fail = (error: Error) => {
      this.failed = error;
      for (const pending of this.queue.splice(0)) pending.output.destroy(error);
    };
    this.child.on("error", fail);
    this.child.on("close", () => {
      if (this.queue.length > 0) fail(new Error("git cat-file ended early"));
    });
    this.child.stdin.on("error", () => {});
  }

  /** A stream of the blob's bytes; requests are answered in order. */
  read(object: string): Readable {
    const output = new PassThrough();
    if (this.failed) {
      output.destroy(this.failed);
      return output;
    }
    this.queue.push({ object, output, remaining: null });
    this.child.stdin.write(`${object}\n`);
    return output;
  }

  /** Ends the batch; a reader abandoned mid-blob (a cancelled download) kills git instead of draining it. */
  close(): void {
    this.child.stdin.end();
    if (this.queue.length > 0) {
      this.child.kill("SIGKILL");
      for (const pending of this.queue.splice(0)) pending.output.destroy();
    }
  }

  private consume(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const current = this.queue[0];
      if (!current) return;
      if (current.remaining === null) {
        const newline = this.buffer.indexOf(0x0a);
        if (newline === -1) return;
        // "<object> blob <size>" or "<object> missing"
        const header = this.buffer.subarray(0, newline).toString("utf8").split(" ");
        this.buffer = this.buffer.subarray(newline + 1);
        if (header[1] !== "blob") {
          this.queue.shift();
          current.output.destroy(new Error(`git object ${current.object} is not a blob`));
          continue;
        }
        current.remaining = Number(header[2]);
      }
      const take = Math.min(current.remaining, this.buffer.length);
      const flowing = take === 0 || current.output.destroyed || current.output.write(this.buffer.subarray(0, take));
      this.buffer = this.buffer.subarray(take);
      current.remaining -= take;
      if (!flowing && current.remaining > 0) {
        // Backpressure: a large blob is not buffered whole when the client reads slowly. (No "drain" comes
        // once the stream has ended, which is why a finished blob never pauses.)
        this.child.stdout.pause();
        const output = current.output;
        const resume = () => {
          output.off("drain", resume);
          output.off("close", resume);
          this.child.stdout.resume();
        };
        output.on("drain", resume);
        output.on("close", resume);
      }
      // The content is followed by one newline before the next header.
      if (current.remaining > 0 || this.buffer.length === 0) return;
      this.buffer = this.buffer.subarray(1);
      this.queue.shift();
      current.output.end();
    }
  }
}
