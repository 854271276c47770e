// Shapes of the clustering API. Distances are squared L2 between embeddings throughout.
import type { AttachOptions } from './attach.ts';

/** How the distance between two clusters is derived from the distances between their faces. */
export type Linkage = 'average' | 'single' | 'complete';

/**
 * What the user and the photos say about faces; clustering never breaks it (see checkConstraints).
 * Face indices are rows of the embeddings matrix.
 */
export interface ClusterConstraints {
  /**
   * Group per face, e.g. its photo: faces sharing a group id ≥ 0 never share a cluster (one person
   * appears once per photo). −1 = no group.
   */
  groupOf?: Int32Array | undefined;
  /** Flat pairs [a0, b0, a1, b1, …] that never share a cluster ("not this person"). */
  cannotLink?: Int32Array | undefined;
  /**
   * Flat pairs that always share a cluster (user merges, confirmed faces). Their components are
   * merged before anything else and then behave as one cluster. A must-link that would put a
   * cannot-link pair together is dropped and reported (cannot-link wins: it is a fact of the photo
   * or the user's explicit "no").
   */
  mustLink?: Int32Array | undefined;
}

export interface ClusterProgress {
  phase: 'prepare' | 'graph' | 'merge';
  /** Units done and total in this phase (rows, cells or merges; only the ratio is meaningful). */
  done: number;
  total: number;
}

export interface ClusterOptions {
  /** Embedding size; embeddings.length must be a multiple of it. */
  dim: number;
  /** Squared L2: clusters merge while their linkage distance is ≤ threshold. */
  threshold: number;
  /** Default 'average'. */
  linkage?: Linkage | undefined;
  constraints?: ClusterConstraints | undefined;
  /**
   * Clusters with fewer faces become unassigned (label −1). Default 1 (keep all). A cluster that
   * contains a must-link pair is kept whatever its size: the user said it is a person.
   */
  minClusterSize?: number | undefined;
  /**
   * Per-face quality; faces below minQuality (or NaN) are left unassigned and take no part.
   * Faces named in a must-link pair take part whatever their quality.
   */
  quality?: Float32Array | undefined;
  minQuality?: number | undefined;
  /**
   * Per-face slack ≥ 0 in squared-L2 units (k·noise, ml/embed/noise.ts): every face distance is
   * taken as d − slack_a − slack_b, so noisy faces join at a looser effective threshold. Average
   * linkage then compares the mean slackened distance, i.e. d̄ − mean slack of each cluster.
   */
  slack?: Float32Array | undefined;
  /** A second pass in which small clusters join a larger one their faces sit next to (attach.ts). */
  attach?: AttachOptions | undefined;
  onProgress?: ((progress: ClusterProgress) => void) | undefined;
  /** Checked between batches of work; an abort rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Knobs of the scalable path; the defaults are the measured choices (see scalable.ts). */
export interface ScalableClusterOptions extends ClusterOptions {
  /**
   * Neighbours kept per face in the candidate graph (those within the threshold, nearest first).
   * Unset: every pair within the threshold up to exactGraphMaxFaces faces (the exact result, if
   * they fit the edge budget), else 16. Infinity forces every pair, at any size and memory.
   */
  neighbors?: number | undefined;
  /** Up to this many faces (default 20k) all pairs are compared; above it, k-means cells. */
  exactGraphMaxFaces?: number | undefined;
  /** Number of k-means cells (default √(probes·n)). */
  cells?: number | undefined;
  /** Cells each face searches for neighbours (default 8); it is stored in the nearest one. */
  probes?: number | undefined;
  /** Seed of the k-means sampling (the result is deterministic for a given seed). */
  seed?: number | undefined;
}

export interface ClusterResult {
  /** Per face: cluster 0..clusters−1 (0 = largest; ties by lowest face index) or −1 = unassigned. */
  labels: Int32Array;
  clusters: number;
  /** Merges made by the agglomeration (must-link merges not counted). */
  merges: number;
  /** Indices (pair numbers) of must-link pairs dropped because they contradict cannot-links. */
  droppedMustLinks: Int32Array;
}
