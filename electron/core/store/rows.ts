// SQL fragments and row mappers shared by the reader and the writer.
import type { Landmarks5 } from '../../../ml/types.ts';
import type { Face, FaceSource, Photo } from './types.ts';

/** Photo columns aliased to the Photo shape, so rows need no mapping. */
export const PHOTO_COLUMNS = `id, path, size, mtime_ms AS mtimeMs, content_hash AS contentHash, width, height,
  taken_at AS takenAt, status, skip_reason AS skipReason, skip_detail AS skipDetail,
  pipeline_id AS pipelineId, analyzed_at AS analyzedAt`;

export type PhotoRow = Photo;

export const FACE_COLUMNS = `id, photo_id AS photoId, source, x, y, w, h, landmarks, det_score AS detScore,
  q_size AS qSize, q_sharpness AS qSharpness, q_frontal AS qFrontal, q_overall AS qOverall,
  noise, embedder_id AS embedderId, created_at AS createdAt`;

export interface FaceRow {
  id: number;
  photoId: number;
  source: FaceSource;
  x: number;
  y: number;
  w: number;
  h: number;
  landmarks: string | null;
  detScore: number | null;
  qSize: number | null;
  qSharpness: number | null;
  qFrontal: number | null;
  qOverall: number | null;
  /** Measured embedding noise (ml/embed/noise.ts); null = not measured. */
  noise: number | null;
  embedderId: string | null;
  createdAt: number;
}

export function faceOf(r: FaceRow): Face {
  return {
    id: r.id,
    photoId: r.photoId,
    source: r.source,
    box: { x: r.x, y: r.y, w: r.w, h: r.h },
    landmarks: r.landmarks === null ? null : (JSON.parse(r.landmarks) as Landmarks5),
    quality:
      r.detScore === null || r.qOverall === null
        ? null
        : {
            detScore: r.detScore,
            size: r.qSize ?? 0,
            sharpness: r.qSharpness ?? 0,
            frontal: r.qFrontal ?? 0,
            overall: r.qOverall,
          },
    embedderId: r.embedderId,
    createdAt: r.createdAt,
  };
}

/**
 * Upper bound for a prefix range scan: every string starting with `prefix` sorts in
 * [prefix, prefixEnd(prefix)). Lets `path LIKE 'dir/%'` use the path index without LIKE's pitfalls.
 */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
