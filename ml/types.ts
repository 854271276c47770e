// Shapes shared by the ML pipeline, the library store and the scanner.
// Plain data only: no Electron, no I/O. Coordinates are always in the pixels of the
// photo as the user sees it (EXIF orientation applied), origin top-left.

/** An axis-aligned box in original-image pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Point = readonly [x: number, y: number];

/**
 * Five facial points in image pixels, in the order of the ArcFace template:
 * eye on the image's left, eye on the image's right, nose tip, mouth corner left, mouth corner right.
 */
export type Landmarks5 = readonly [Point, Point, Point, Point, Point];

/** One face found by a detector (before alignment and embedding). */
export interface DetectedFace {
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  landmarks: Landmarks5;
}

/** Per-face quality signals; used to keep poor faces out of people. */
export interface FaceQuality {
  /** Detector confidence in [0, 1]. */
  detScore: number;
  /** Shorter side of the face box in original pixels. */
  size: number;
  /** Variance of the Laplacian of the aligned grey crop (higher = sharper). */
  sharpness: number;
  /** Frontal-ness from landmarks in [0, 1]: 1 = frontal, 0 = profile. */
  frontal: number;
  /** Combined score in [0, 1] used for "is this face good enough to cluster". */
  overall: number;
}

/** A detected, aligned and embedded face. */
export interface AnalyzedFace {
  box: Box;
  landmarks: Landmarks5;
  quality: FaceQuality;
  /** L2-normalised embedding (length = the embedder's size). */
  embedding: Float32Array;
  /** Measured embedding noise (ml/embed/noise.ts); absent or 0 when not measured (large faces, other embedders). */
  noise?: number | undefined;
}

/** What the pipeline learns from one photo. */
export interface PhotoAnalysis {
  /** Oriented size of the full-resolution photo. */
  width: number;
  height: number;
  /** Capture time from EXIF as ISO 8601, or null when absent. */
  takenAt: string | null;
  faces: AnalyzedFace[];
}

/** Why a file could not be analysed. Stable strings: stored in SQLite and shown to users. */
export type SkipReason =
  | 'empty-file'
  | 'unreadable'
  | 'unsupported-format'
  | 'corrupt'
  | 'too-large'
  | 'not-an-image';

/** Thrown by decoding when a file must be skipped; `reason` is what the user sees. */
export class ImageSkipError extends Error {
  readonly reason: SkipReason;
  constructor(reason: SkipReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageSkipError';
    this.reason = reason;
  }
}

/** A face pipeline: photo file → faces with embeddings. Created once, reused for a whole scan. */
export interface FacePipeline {
  /** Pipeline id, e.g. 'default' or 'yunet-mobilefacenet'. */
  readonly id: string;
  /** Id of the embedding model; embeddings from different models are never compared. */
  readonly embedderId: string;
  readonly embeddingSize: number;
  /**
   * Squared-L2 distance for grouping faces into people (clustering and k-NN joins), calibrated on
   * lfw-dev per embedder (ModelEntry.clusterThreshold).
   */
  readonly threshold: number;
  analyzeFile(path: string): Promise<PhotoAnalysis>;
  /**
   * Loads every model now instead of on the first photo, so that a missing or damaged model file
   * fails the pipeline's start rather than each photo.
   */
  ready?(): Promise<void>;
  close(): Promise<void>;
}
