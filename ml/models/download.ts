// Model manager download: stream a model file to disk, hash while streaming, verify sha256, then
// atomically move it into place. A half-written or unverified file never carries the final name, so
// the registry (which checks every file by sha256 anyway) can only ever see complete, verified files.
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sha256File } from '../util/hash.ts';

export interface DownloadProgress {
  /** Bytes received so far (after any content decoding). */
  receivedBytes: number;
  /** From Content-Length when the server sends it (and no content encoding changes it), else null. */
  totalBytes: number | null;
}

export interface DownloadOptions {
  url: string;
  /** Expected SHA-256 of the file, 64 hex digits. */
  sha256: string;
  /** Final path of the file; its folder is created if missing. */
  dest: string;
  /** Called once at the start and after every chunk; throttle in the UI if needed. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** For tests and proxies; defaults to the global fetch. */
  fetchImpl?: typeof fetch | undefined;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** False when `dest` already held the right file and nothing was fetched. */
  downloaded: boolean;
}

export type DownloadErrorCode = 'http' | 'network' | 'aborted' | 'size-mismatch' | 'hash-mismatch' | 'io';

/** Every download failure; `code` lets the UI offer the right next step (retry, other mirror…). */
export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  readonly url: string;
  readonly status: number | undefined;
  readonly expectedSha256: string;
  readonly actualSha256: string | undefined;
  constructor(
    code: DownloadErrorCode,
    message: string,
    details: { url: string; expectedSha256: string; status?: number; actualSha256?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DownloadError';
    this.code = code;
    this.url = details.url;
    this.status = details.status;
    this.expectedSha256 = details.expectedSha256;
    this.actualSha256 = details.actualSha256;
  }
}

export { sha256File } from '../util/hash.ts';

const isAbort = (err: unknown, signal: AbortSignal | undefined): boolean =>
  signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');

/**
 * Downloads `url` to `dest` and verifies its SHA-256. If `dest` already holds a file with that hash,
 * nothing is fetched. On any failure (HTTP error, network error, abort, wrong size or hash) the
 * temporary file is deleted, `dest` is left as it was, and a DownloadError names the URL.
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest, onProgress, signal } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const expected = options.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new TypeError(`sha256 for ${url} must be 64 hex digits, got "${options.sha256}"`);
  }
  const fail = (
    code: DownloadErrorCode,
    message: string,
    extra: { status?: number; actualSha256?: string; cause?: unknown } = {},
  ) => new DownloadError(code, message, { url, expectedSha256: expected, ...extra });
  if (signal?.aborted) throw fail('aborted', `Download of ${url} aborted`, { cause: signal.reason });

  const existing = await stat(dest).catch(() => null);
  // An unreadable existing file counts as absent: the download then replaces it (or reports why not).
  if (existing?.isFile() && (await sha256File(dest, signal).catch(() => null)) === expected) {
    return { path: dest, bytes: existing.size, sha256: expected, downloaded: false };
  }

  // Same folder as dest so the final rename stays on one filesystem (and so is atomic).
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(4).toString('hex')}.part`);
  let file: FileHandle | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    await mkdir(dirname(dest), { recursive: true });
    let response: Response;
    try {
      response = await fetchImpl(url, signal ? { signal } : {});
    } catch (err) {
      if (isAbort(err, signal)) throw fail('aborted', `Download of ${url} aborted`, { cause: err });
      throw fail('network', `Download of ${url} failed: ${(err as Error).message}`, { cause: err });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      throw fail('http', `Download of ${url} failed: ${status}`, { status: response.status });
    }
    // fetch decodes gzip/br transparently; Content-Length then counts encoded bytes, not ours.
    const encoding = response.headers.get('content-encoding');
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = (!encoding || encoding === 'identity') && Number.isSafeInteger(length) ? length : null;

    file = await open(tmp, 'wx');
    const hash = createHash('sha256');
    let received = 0;
    onProgress?.({ receivedBytes: 0, totalBytes: total });
    const body = response.body.getReader();
    reader = body;
    for (;;) {
      let chunk: Awaited<ReturnType<typeof body.read>>;
      try {
        chunk = await body.read();
      } catch (err) {
        reader = undefined; // an errored stream needs no cancel
        if (isAbort(err, signal)) {
          throw fail('aborted', `Download of ${url} aborted after ${received} bytes`, { cause: err });
        }
        const why = (err as Error).message;
        throw fail('network', `Download of ${url} failed after ${received} bytes: ${why}`, { cause: err });
      }
      if (chunk.done) break;
      hash.update(chunk.value);
      await file.write(chunk.value);
      received += chunk.value.length;
      onProgress?.({ receivedBytes: received, totalBytes: total });
    }
    reader = undefined;
    // Flush to disk before the rename, so a crash cannot leave a verified name on unwritten data.
    await file.sync();
    await file.close();
    file = undefined;

    if (total !== null && received !== total) {
      throw fail('size-mismatch', `Download of ${url} ended after ${received} of ${total} bytes`);
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw fail(
        'hash-mismatch',
        `Download of ${url} has the wrong sha256: expected ${expected}, got ${actual} (${received} bytes)`,
        { actualSha256: actual },
      );
    }
    if (signal?.aborted) throw fail('aborted', `Download of ${url} aborted`, { cause: signal.reason });
    await rename(tmp, dest);
    return { path: dest, bytes: received, sha256: actual, downloaded: true };
  } catch (err) {
    await reader?.cancel().catch(() => {});
    await file?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    if (err instanceof DownloadError) throw err;
    if (isAbort(err, signal)) throw fail('aborted', `Download of ${url} aborted`, { cause: err });
    // Disk full, folder not writable, a progress callback that threw…
    throw fail('io', `Download of ${url} to ${dest} failed: ${(err as Error).message}`, { cause: err });
  }
}
