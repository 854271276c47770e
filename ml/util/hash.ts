// The one file hash of the project: model verification and photo identity both use it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * SHA-256 of the whole file, as 64 lowercase hex digits, streamed. Whole-file rather than a sampled
 * "fast hash": photos are read for analysis anyway, SHA-256 runs at GB/s with CPU support, and a
 * collision would silently give one photo another's faces and names.
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
