// Content hashes identify a photo across renames and moves (photos.content_hash).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * SHA-256 of the whole file, as 64 lowercase hex digits. Whole-file rather than a sampled "fast hash":
 * the file is read for analysis anyway, SHA-256 runs at GB/s with CPU support, and a collision would
 * silently give one photo another's faces and names.
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
