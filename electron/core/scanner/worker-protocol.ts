// Messages between AnalyzerPool and analyzer-worker.ts (structured-clone-safe shapes only).
import type { AnalyzedFace, SkipReason } from '../../../ml/types.ts';

export interface WorkerInit {
  /** File URL of a module exporting `createPipeline(options): Promise<FacePipeline>`. */
  module: string;
  /** Passed to createPipeline as is. */
  options: Record<string, unknown>;
}

export interface PipelineInfo {
  id: string;
  embedderId: string;
  embeddingSize: number;
  threshold: number;
}

export interface SerializedError {
  name: string;
  message: string;
  reason?: SkipReason;
}

/** A PhotoAnalysis with all embeddings packed into one transferable Float32Array. */
export interface PackedAnalysis {
  width: number;
  height: number;
  takenAt: string | null;
  faces: Array<Omit<AnalyzedFace, 'embedding'>>;
  /** Length of each face's embedding, in face order. */
  lengths: number[];
  embeddings: Float32Array;
}

export type ToWorker = { type: 'analyze'; id: number; path: string } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; info: PipelineInfo }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; analysis: PackedAnalysis }
  | { type: 'error'; id: number; error: SerializedError };
