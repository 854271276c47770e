// Public API of the People clustering: agglomerative clustering of face embeddings on squared
// L2 with cannot-link / must-link constraints, and incremental recognition.
import { clusterExact } from './exact.ts';
import { clusterScalable } from './scalable.ts';
import type { ClusterResult, ScalableClusterOptions } from './types.ts';

export { ATTACH_MAX_SIZE, type AttachOptions, attachClusters } from './attach.ts';
export { type ConstraintViolation, checkConstraints } from './constraints.ts';
export { clusterExact } from './exact.ts';
export {
  buildFaceIndex,
  type FaceIndex,
  type NearestPeopleOptions,
  type NearestPeopleResult,
  nearestPeople,
} from './nearest.ts';
export { clusterScalable, SCALABLE_DEFAULTS } from './scalable.ts';
export type {
  ClusterConstraints,
  ClusterOptions,
  ClusterProgress,
  ClusterResult,
  Linkage,
  ScalableClusterOptions,
} from './types.ts';

/** Up to this many faces `cluster` runs the exact reference (O(n²) memory: 16 MB at 2000). */
export const EXACT_MAX_FACES = 2000;

/**
 * Clusters faces into people: the exact algorithm for small inputs, the scalable one above
 * EXACT_MAX_FACES (which is exact too for average linkage while the threshold graph fits its
 * edge budget, see scalable.ts).
 */
export function cluster(embeddings: Float32Array, options: ScalableClusterOptions): Promise<ClusterResult> {
  const n = embeddings.length / options.dim;
  return n <= EXACT_MAX_FACES ? clusterExact(embeddings, options) : clusterScalable(embeddings, options);
}
