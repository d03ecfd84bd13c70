// A tiny embedded database: named collections of JSON records in one file, written atomically.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type StoredRecord = { id: string } & Record<string, unknown>;
type Data = Record<string, StoredRecord[]>;

export class JsonStore {
  private data: Data | null = null;
  // Writes are chained so two concurrent requests never interleave a read-modify-write.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async load(): Promise<Data> {
    if (this.data) return this.data;
    try {
      this.data = JSON.parse(await readFile(this.file, "utf8")) as Data;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      this.data = {};
    }
    return this.data;
  }

  private async persist(data: Data): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    // Write to a temporary file and rename it, so a crash never leaves a half-written database.
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(data, null, 2));
    await rename(temporary, this.file);
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async list(collection: string): Promise<StoredRecord[]> {
    const data = await this.load();
    return [...(data[collection] ?? [])];
  }

  async get(collection: string, id: string): Promise<StoredRecord | undefined> {
    return (await this.list(collection)).find((record) => record.id === id);
  }

  insert(collection: string, fields: Record<string, unknown>): Promise<StoredRecord> {
    return this.serialize(async () => {
      const data = await this.load();
      const record: StoredRecord = { ...fields, id: randomUUID() };
      data[collection] = [...(data[collection] ?? []), record];
      await this.persist(data);
      return record;
    });
  }

  remove(collection: string, id: string): Promise<boolean> {
    return this.serialize(async () => {
      const data = await this.load();
      const before = data[collection] ?? [];
      const after = before.filter((record) => record.id !== id);
      if (after.length === before.length) return false;
      data[collection] = after;
      await this.persist(data);
      return true;
    });
  }
}
