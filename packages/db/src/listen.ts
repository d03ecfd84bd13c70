// Owns LISTEN/NOTIFY on either driver: a dedicated connection on PostgreSQL, the instance itself on PGlite.
import type { DatabaseHandle } from "./client";

export type Unlisten = () => Promise<void>;

/** Calls `onPayload` for every NOTIFY on `channel` (from any process on PostgreSQL; in-process on PGlite). */
export async function listenChannel(handle: DatabaseHandle, channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  if (handle.pglite) {
    const unlisten = await handle.pglite.listen(channel, onPayload);
    return async () => {
      await unlisten().catch(() => {});
    };
  }
  if (!handle.pool) throw new Error("database handle has neither PGlite nor a pool");
  // A pool client is held for the listener's lifetime: LISTEN is per connection.
  const client = await handle.pool.connect();
  const onNotification = (message: { channel: string; payload?: string }) => {
    if (message.channel === channel) onPayload(message.payload ?? "");
  };
  client.on("notification", onNotification);
  // A dropped connection (server restart, database dropped) must not crash the process.
  const onError = () => {};
  client.on("error", onError);
  await client.query(`LISTEN ${channel}`);
  return async () => {
    client.off("notification", onNotification);
    await client.query(`UNLISTEN ${channel}`).catch(() => {});
    client.off("error", onError);
    client.release(true);
  };
}
