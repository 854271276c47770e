// Photos and face thumbnails for the UI, served by id only. [Note: media confinement] A client never
// names a file: it asks for photo N or face N, the path comes from the library, and it is served
// only when it lies inside one of the library's folders (lexically, after resolving). So neither the
// HTTP bridge nor the kith-media:// protocol can be made to read any other file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { type DecodedImage, decodeImage } from '../../../ml/image/decode.ts';
import { ApiError } from '../../shared/api.ts';
import { type MediaRequest, PHOTO_SIZES } from '../../shared/media.ts';
import type { Library } from '../store/library.ts';
import type { FaceLookup } from '../store/reader.ts';
import { FACE_CROP_VERSION, faceCrop, tileLayout } from './face-crop.ts';

export { faceCrop } from './face-crop.ts';

export interface MediaFile {
  body: Buffer;
  contentType: string;
}

export interface MediaServiceOptions {
  /** Where face thumbnails are cached on disk (created on demand). */
  cacheDir: string;
  /** The folders photos may be served from (the library's folders and scan roots). */
  allowedRoots: () => readonly string[];
  /** In-memory cache budget in bytes. Default 48 MiB. */
  memoryBytes?: number;
  /** Images generated at once (each uses libvips threads). Default 3. */
  concurrency?: number;
}

/** True when `path` is `root` itself or inside it (no `..` escape, same drive). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Small LRU over byte size. */
class ByteLru {
  readonly #map = new Map<string, MediaFile>();
  #bytes = 0;
  constructor(readonly budget: number) {}
  get(key: string): MediaFile | undefined {
    const v = this.#map.get(key);
    if (v) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, v: MediaFile): void {
    if (v.body.length > this.budget / 4) return;
    const old = this.#map.get(key);
    if (old) this.#bytes -= old.body.length;
    this.#map.delete(key);
    this.#map.set(key, v);
    this.#bytes += v.body.length;
    for (const [k, e] of this.#map) {
      if (this.#bytes <= this.budget) break;
      this.#map.delete(k);
      this.#bytes -= e.body.length;
    }
  }
  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}

/** Limits concurrent image jobs. */
class Gate {
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

export class MediaService {
  readonly #library: Library;
  readonly #options: MediaServiceOptions;
  readonly #memory: ByteLru;
  readonly #gate: Gate;
  readonly #inFlight = new Map<string, Promise<MediaFile>>();

  constructor(library: Library, options: MediaServiceOptions) {
    this.#library = library;
    this.#options = options;
    this.#memory = new ByteLru(options.memoryBytes ?? 48 * 1024 * 1024);
    this.#gate = new Gate(options.concurrency ?? 3);
  }

  /** Serves a parsed media request (see electron/shared/media.ts). */
  get(request: MediaRequest): Promise<MediaFile> {
    return request.kind === 'face'
      ? this.face(request.id, request.size)
      : this.photo(request.id, request.size === 'full' ? null : PHOTO_SIZES[request.size]);
  }

  /** A square WebP thumbnail centred on the face (see face-crop.ts), `size` px wide. */
  async face(faceId: number, size: number): Promise<MediaFile> {
    const face = this.#library.read.getFaceOnPhoto(faceId);
    if (!face) throw new ApiError('not-found', `face ${faceId} not found`);
    this.#confine(face.path);
    const version = createHash('sha1')
      .update(
        `${face.path}|${face.mtimeMs}|${face.x},${face.y},${face.w},${face.h}|${size}|${FACE_CROP_VERSION}`,
      )
      .digest('hex')
      .slice(0, 12);
    const key = `face:${faceId}:${version}`;
    return this.#cached(key, async () => {
      const file = join(this.#options.cacheDir, 'faces', `${faceId}-${size}-${version}.webp`);
      const onDisk = await readFile(file).catch(() => null);
      if (onDisk) return { body: onDisk, contentType: 'image/webp' };
      const body = await this.#gate.run(() => renderFace(face, size));
      await saveToCache(file, body);
      return { body, contentType: 'image/webp' };
    });
  }

  /** The photo, oriented, its long side at most `maxSide` (null: the original file as it is). */
  async photo(photoId: number, maxSide: number | null): Promise<MediaFile> {
    const photo = this.#library.read.getPhoto(photoId);
    if (!photo) throw new ApiError('not-found', `photo ${photoId} not found`);
    this.#confine(photo.path);
    const key = `photo:${photoId}:${photo.mtimeMs}:${maxSide ?? 'full'}`;
    return this.#cached(key, () =>
      this.#gate.run(async () => {
        // The analysis's own decoder: HEIC, RAW previews and orientation as the faces were found on.
        const img = await decodeImage(photo.path, { maxSide: maxSide ?? undefined });
        const body = await rawSharp(img)
          .jpeg(maxSide === null ? { quality: 92 } : { quality: 85, mozjpeg: false })
          .toBuffer();
        return { body, contentType: 'image/jpeg' };
      }),
    );
  }

  /** Forgets cached images (a re-scan may have changed files). */
  clear(): void {
    this.#memory.clear();
  }

  #confine(path: string): void {
    if (!this.#options.allowedRoots().some((root) => isInside(root, path))) {
      // Not found rather than forbidden: nothing about files outside the library is revealed.
      throw new ApiError('not-found', 'not in the library folders');
    }
  }

  async #cached(key: string, make: () => Promise<MediaFile>): Promise<MediaFile> {
    const hit = this.#memory.get(key);
    if (hit) return hit;
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const p = make()
      .then((v) => {
        this.#memory.set(key, v);
        return v;
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError) throw err;
        throw new ApiError('not-found', `image unavailable: ${err instanceof Error ? err.message : err}`);
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }
}

/**
 * Keeps a rendered thumbnail for next time. Only an optimisation: when the write fails (a full disk, a
 * read-only cache folder) the image is still served, just made again next time.
 */
async function saveToCache(file: string, body: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, body);
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/** Decoded pixels as a sharp pipeline. */
function rawSharp(img: DecodedImage) {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

async function renderFace(face: FaceLookup, size: number): Promise<Buffer> {
  // Decode no larger than the tile needs, so libvips can shrink-on-load (JPEG DCT scaling): several
  // times faster than decoding at full size. Without the stored size, the full image.
  let maxSide: number | undefined;
  if (face.width !== null && face.height !== null) {
    const scale = size / faceCrop(face, face.width, face.height).side;
    if (scale < 1) maxSide = Math.max(1, Math.ceil(Math.max(face.width, face.height) * scale));
  }
  const img = await decodeImage(face.path, { maxSide });
  // Boxes are in the photo's original pixels (a RAW's own frame, wider than its preview): `scale`
  // maps them onto the decoded image.
  const crop = faceCrop(face, face.width ?? img.originalWidth, face.height ?? img.originalHeight);
  const tile = tileLayout(crop, size);
  const { inside } = crop;
  const left = Math.min(Math.round(inside.left * img.scale), img.width - 1);
  const top = Math.min(Math.round(inside.top * img.scale), img.height - 1);
  const region = {
    left,
    top,
    width: Math.max(1, Math.min(Math.round(inside.width * img.scale), img.width - left)),
    height: Math.max(1, Math.min(Math.round(inside.height * img.scale), img.height - top)),
  };
  const out = rawSharp(img).extract(region).resize(tile.width, tile.height, { fit: 'fill' });
  // Where the square reaches past the photo's edge: padding, so the face stays in the centre.
  const { right, bottom } = tile;
  if (tile.left > 0 || tile.top > 0 || right > 0 || bottom > 0)
    out.extend({ left: tile.left, top: tile.top, right, bottom, background: PAD });
  return out.webp({ quality: 82 }).toBuffer();
}

/** The colour past a photo's edge in a face tile: a neutral grey that reads in both themes. */
const PAD = { r: 96, g: 96, b: 96 };
