// Row and input shapes of the library store (camelCase views of the SQLite tables).
import type { AnalyzedFace, Box, FaceQuality, Landmarks5, SkipReason } from '../../../ml/types.ts';

export type PhotoStatus = 'pending' | 'analyzed' | 'skipped' | 'missing';

/** Skip reasons from decoding plus the two the scanner adds for failures it cannot classify. */
export type PhotoSkipReason = SkipReason | 'analysis-failed' | 'worker-crashed';

export interface Photo {
  id: number;
  path: string;
  size: number;
  /** File mtime in whole milliseconds (sub-ms precision is dropped so comparisons are stable). */
  mtimeMs: number;
  /** SHA-256 of the file contents, 64 lowercase hex digits. */
  contentHash: string | null;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  status: PhotoStatus;
  skipReason: PhotoSkipReason | null;
  skipDetail: string | null;
  pipelineId: string | null;
  analyzedAt: number | null;
}

/** What the scanner knows about a file before (or without) analysing it. */
export interface FileStat {
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
}

/** A face to store: the pipeline's output plus its int8 form (see ml/embed/quantize.ts). */
export interface FaceInput extends AnalyzedFace {
  embeddingQ: Int8Array;
}

export interface AnalysisInput {
  width: number;
  height: number;
  takenAt: string | null;
  pipelineId: string;
  embedderId: string;
  faces: readonly FaceInput[];
}

export type FaceSource = 'detected' | 'manual';

export interface Face {
  id: number;
  photoId: number;
  source: FaceSource;
  box: Box;
  landmarks: Landmarks5 | null;
  quality: FaceQuality | null;
  embedderId: string | null;
  createdAt: number;
}

/**
 * Embeddings of one embedder as a dense row-major matrix (count × dim), for clustering.
 * `row(i)` is a Float32Array view into `data` (no copy).
 */
export interface EmbeddingMatrix {
  embedderId: string;
  dim: number;
  count: number;
  /** Face ids (SQLite rowids stay far below 2^31). */
  faceIds: Int32Array;
  /** Photo id per face: usable as the clusterer's `groupOf` (faces of one photo never merge). */
  photoIds: Int32Array;
  /** q_overall per face, aligned with faceIds. */
  quality: Float32Array;
  /** Measured embedding noise per face (ml/embed/noise.ts), 0 where not measured. */
  noise: Float32Array;
  data: Float32Array;
  row(i: number): Float32Array;
}

export type AssignmentSource = 'auto' | 'user';

export type ConstraintKind = 'must_link' | 'cannot_link';

/** A stored constraint in one of its three forms (see the note in migrations/0001_initial.ts). */
export type Constraint =
  | { id: number; kind: ConstraintKind; form: 'face-face'; faceA: number; faceB: number }
  | { id: number; kind: ConstraintKind; form: 'face-person'; faceId: number; personId: number }
  | { id: number; kind: 'cannot_link'; form: 'person-person'; personA: number; personB: number };

export interface PersonFace {
  faceId: number;
  photoId: number;
  path: string;
  photoStatus: PhotoStatus;
  box: Box;
  source: AssignmentSource;
  confidence: number | null;
}

export interface UnassignedFace {
  faceId: number;
  photoId: number;
  path: string;
  photoStatus: PhotoStatus;
  box: Box;
  quality: number | null;
}

export interface Person {
  id: number;
  name: string | null;
  hidden: boolean;
  coverFaceId: number | null;
  faceCount: number;
  photoCount: number;
}

export interface PersonWithFaces extends Person {
  faces: PersonFace[];
}

/** One cluster from auto-clustering. `personId` when the clusterer already knows the person. */
export interface ClusterInput {
  personId?: number;
  faces: ReadonlyArray<{ faceId: number; confidence: number }>;
}

export interface ClusteringWriteResult {
  /** Person id per input cluster, in input order. */
  personIds: number[];
  created: number;
  removed: number;
  assigned: number;
  /** Faces left alone because the user assigned them. */
  keptUser: number;
  /** Faces not auto-assigned because a cannot-link forbids that person. */
  blocked: number;
}

export type ScanJobState = 'running' | 'paused' | 'cancelled' | 'done' | 'interrupted' | 'failed';

export interface ScanCounts {
  discovered: number;
  analyzed: number;
  unchanged: number;
  moved: number;
  skipped: number;
  missing: number;
  faces: number;
}

export interface ScanJob extends ScanCounts {
  id: number;
  roots: string[];
  state: ScanJobState;
  pid: number | null;
  error: string | null;
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface SkippedPhoto {
  id: number;
  path: string;
  reason: PhotoSkipReason;
  detail: string | null;
}
