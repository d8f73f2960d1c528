import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

/**
 * Durable file writes: `write-file-atomic` writes a temporary file, fsyncs it and renames it over the
 * target; then the directory is fsynced so the rename itself survives a power cut. Pure `node:fs`:
 * callable from a worker thread.
 *
 * @example
 * await writeDurably('/data/chk-3/_manifest.json', JSON.stringify(manifest));
 */
export async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomic(
    path,
    typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.length),
    {
      fsync: true,
    },
  );
  await fsyncDirectory(parentOf(path));
}

/** fsyncs a directory, making the entries created or renamed in it durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? (slash === 0 ? '/' : '.') : path.slice(0, slash);
}
