// Reads of faces rows: a photo's faces, embedding matrices, unassigned faces.
import type Database from 'better-sqlite3';
import { float32Of } from '../blobs.ts';
import { type FaceRow, faceOf } from '../rows.ts';
import type { EmbeddingMatrix, Face, PersonFace, PhotoStatus, UnassignedFace } from '../types.ts';
import { READ_SQL } from './sql.ts';

/** A face with its photo and box, as the face listings select it. */
export interface FaceOnPhotoRow {
  faceId: number;
  photoId: number;
  path: string;
  photoStatus: PhotoStatus;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function faceOnPhotoOf(
  r: FaceOnPhotoRow,
): Pick<PersonFace, 'faceId' | 'photoId' | 'path' | 'photoStatus' | 'box'> {
  return {
    faceId: r.faceId,
    photoId: r.photoId,
    path: r.path,
    photoStatus: r.photoStatus,
    box: { x: r.x, y: r.y, w: r.w, h: r.h },
  };
}

interface UnassignedFaceRow extends FaceOnPhotoRow {
  quality: number | null;
}

/** One face with what serving its thumbnail needs of its photo. */
export interface FaceLookup {
  faceId: number;
  photoId: number;
  source: 'detected' | 'manual';
  x: number;
  y: number;
  w: number;
  h: number;
  path: string;
  status: PhotoStatus;
  width: number | null;
  height: number | null;
  mtimeMs: number;
}

type EmbeddingParams = { embedderId: string; minQuality: number; includeMissing: number };

export class FaceReads {
  readonly #db: Database.Database;
  readonly #ofPhoto;
  readonly #onPhoto;
  readonly #exists;
  readonly #embeddingCount;
  readonly #embeddings;
  readonly #embedderCounts;
  readonly #createdSince;
  readonly #lastCreated;
  readonly #pipelineCounts;
  readonly #unassigned;
  readonly #unassignedCount;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#db = db;
    this.#ofPhoto = db.prepare<[number], FaceRow>(q.facesOfPhoto);
    this.#onPhoto = db.prepare<[number], FaceLookup>(q.faceOnPhoto);
    this.#exists = db.prepare<[number], number>(q.faceExists).pluck();
    this.#embeddingCount = db.prepare<EmbeddingParams, number>(q.embeddingCount).pluck();
    this.#embeddings = db
      .prepare<EmbeddingParams, [number, number, number, number | null, Buffer]>(q.embeddings)
      .raw();
    this.#embedderCounts = db.prepare<[], { embedderId: string; faces: number }>(q.embedderCounts);
    this.#createdSince = db.prepare<[number], number>(q.facesCreatedSince).pluck();
    this.#lastCreated = db.prepare<[], number | null>(q.lastFaceCreatedAt).pluck();
    this.#pipelineCounts = db.prepare<[], { pipelineId: string; photos: number }>(q.pipelineCounts);
    this.#unassigned = db.prepare<[], UnassignedFaceRow>(q.unassignedFaces);
    this.#unassignedCount = db.prepare<[], number>(q.unassignedCount).pluck();
  }

  ofPhoto(photoId: number): Face[] {
    return this.#ofPhoto.all(photoId).map(faceOf);
  }

  onPhoto(faceId: number): FaceLookup | undefined {
    return this.#onPhoto.get(faceId);
  }

  exists(id: number): boolean {
    return this.#exists.get(id) !== undefined;
  }

  embeddings(
    embedderId: string,
    options: { minQuality?: number; includeMissing?: boolean },
  ): EmbeddingMatrix {
    const params = {
      embedderId,
      minQuality: options.minQuality ?? 0,
      includeMissing: options.includeMissing ? 1 : 0,
    };
    // Count and rows must come from one snapshot, or a concurrent scan could overflow the buffer.
    return this.#db.transaction(() => {
      const count = this.#embeddingCount.get(params) ?? 0;
      const faceIds = new Int32Array(count);
      const photoIds = new Int32Array(count);
      const quality = new Float32Array(count);
      const noise = new Float32Array(count);
      let dim = 0;
      let data = new Float32Array(0);
      let i = 0;
      for (const [faceId, photoId, q, faceNoise, blob] of this.#embeddings.iterate(params)) {
        const v = float32Of(blob);
        if (i === 0) {
          dim = v.length;
          data = new Float32Array(count * dim);
        } else if (v.length !== dim) {
          throw new Error(`face ${faceId}: embedding has ${v.length} dims, expected ${dim} (${embedderId})`);
        }
        data.set(v, i * dim);
        faceIds[i] = faceId;
        photoIds[i] = photoId;
        quality[i] = q;
        noise[i] = faceNoise ?? 0;
        i++;
      }
      const d = dim;
      const buf = data;
      return {
        embedderId,
        dim,
        count,
        faceIds,
        photoIds,
        quality,
        noise,
        data,
        row: (k: number) => buf.subarray(k * d, (k + 1) * d),
      };
    })();
  }

  lastCreatedAt(): number | null {
    return this.#lastCreated.get() ?? null;
  }

  createdSince(ms: number): number[] {
    return this.#createdSince.all(ms);
  }

  /** Pipelines that analysed the photos, most photos first. */
  pipelineCounts(): Array<{ pipelineId: string; photos: number }> {
    return this.#pipelineCounts.all();
  }

  embedderCounts(): Array<{ embedderId: string; faces: number }> {
    return this.#embedderCounts.all();
  }

  unassigned(): UnassignedFace[] {
    return this.#unassigned.all().map((r) => ({ ...faceOnPhotoOf(r), quality: r.quality }));
  }

  unassignedCount(): number {
    return this.#unassignedCount.get() ?? 0;
  }
}
