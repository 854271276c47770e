// Re-clusters a library's faces into people, honouring every user correction, and writes the
// result so that person ids (and so names) stay stable: each new cluster takes the person that
// already holds most of its faces (LibraryWriter.writeClustering).
import { cluster } from '../../../ml/cluster/index.ts';
import type { Library } from '../store/library.ts';
import type { ClusterInput, Constraint, EmbeddingMatrix } from '../store/types.ts';
import { admitClusters } from './admission.ts';
import { attachFor } from './attach.ts';
import { ignoredFaces } from './ignored.ts';
import { effectiveEmbeddings } from './improve.ts';
import { faceSlack } from './slack.ts';

export interface ReclusterOptions {
  embedderId: string;
  /** Squared-L2 merge threshold (the embedder's calibrated value, or the user's setting). */
  threshold: number;
  /** Clusters smaller than this stay unassigned (default 2: a lone face is not yet a person). */
  minClusterSize?: number;
  /** Faces below this overall quality stay unassigned (default 0.25). */
  minQuality?: number;
  /** A cluster needs a face of this quality to become a person (admission.ts's SEED_QUALITY). */
  seedQuality?: number;
  signal?: AbortSignal;
}

export interface ReclusterResult {
  faces: number;
  people: number;
  assigned: number;
  unassigned: number;
  seconds: number;
}

/** Flat index pairs for the clusterer from the stored constraints and user assignments. */
export function clusterConstraints(
  m: EmbeddingMatrix,
  constraints: readonly Constraint[],
  userAssignments: ReadonlyArray<{ faceId: number; personId: number }>,
): { mustLink: Int32Array; cannotLink: Int32Array } {
  const row = new Map<number, number>();
  m.faceIds.forEach((id, i) => {
    row.set(id, i);
  });
  const must: number[] = [];
  const cannot: number[] = [];
  // Faces the user put in one person are must-linked in a chain; the first is the person's anchor.
  const anchor = new Map<number, number>();
  for (const a of userAssignments) {
    const r = row.get(a.faceId);
    if (r === undefined) continue;
    const first = anchor.get(a.personId);
    if (first === undefined) anchor.set(a.personId, r);
    else must.push(first, r);
  }
  for (const c of constraints) {
    if (c.form === 'face-face') {
      const a = row.get(c.faceA);
      const b = row.get(c.faceB);
      if (a === undefined || b === undefined) continue;
      (c.kind === 'must_link' ? must : cannot).push(a, b);
    } else if (c.form === 'face-person') {
      const f = row.get(c.faceId);
      const p = anchor.get(c.personId);
      if (f === undefined || p === undefined) continue;
      (c.kind === 'must_link' ? must : cannot).push(f, p);
    } else {
      const a = anchor.get(c.personA);
      const b = anchor.get(c.personB);
      if (a !== undefined && b !== undefined) cannot.push(a, b);
    }
  }
  // Two people the user has confirmed faces in are two different people: their anchors never merge
  // (otherwise one cluster could hold both, and one of them would lose its faces to the other).
  const anchors = [...anchor.values()];
  for (let i = 0; i < anchors.length; i++) {
    for (let j = i + 1; j < anchors.length; j++) cannot.push(anchors[i]!, anchors[j]!);
  }
  return { mustLink: Int32Array.from(must), cannotLink: Int32Array.from(cannot) };
}

/**
 * Per face of the matrix: its quality for the clusterer (NaN for faces the user dismissed, so they take
 * no part), whether the user put it in a person, and whether the user rejected it from someone.
 */
export function faceFlags(
  library: Library,
  m: EmbeddingMatrix,
  constraints: readonly Constraint[],
  userAssignments: ReadonlyArray<{ faceId: number; personId: number }>,
): { quality: Float32Array; pinned: Uint8Array; rejected: Uint8Array } {
  const row = new Map<number, number>();
  m.faceIds.forEach((id, i) => {
    row.set(id, i);
  });
  const quality = Float32Array.from(m.quality);
  for (const id of ignoredFaces(library.read)) {
    const r = row.get(id);
    if (r !== undefined) quality[r] = Number.NaN;
  }
  const pinned = new Uint8Array(m.count);
  for (const a of userAssignments) {
    const r = row.get(a.faceId);
    if (r !== undefined) pinned[r] = 1;
  }
  const rejected = new Uint8Array(m.count);
  for (const c of constraints) {
    if (c.kind !== 'cannot_link' || c.form !== 'face-person') continue;
    const r = row.get(c.faceId);
    if (r !== undefined) rejected[r] = 1;
  }
  return { quality, pinned, rejected };
}

export async function recluster(library: Library, options: ReclusterOptions): Promise<ReclusterResult> {
  const start = performance.now();
  // With the user's learned adapter applied when one was kept (improve.ts).
  const m = effectiveEmbeddings(library, options.embedderId);
  // Nothing to group (photos without faces, or every photo with faces gone missing): the clusterer
  // needs at least one face, and the people that exist are left as they are.
  if (m.count === 0) return { faces: 0, people: 0, assigned: 0, unassigned: 0, seconds: 0 };
  const constraints = library.read.listConstraints();
  const userAssignments = library.read.listUserAssignments();
  const { mustLink, cannotLink } = clusterConstraints(m, constraints, userAssignments);
  const { quality, pinned, rejected } = faceFlags(library, m, constraints, userAssignments);
  const clusterOptions = {
    dim: m.dim,
    threshold: options.threshold,
    linkage: 'average' as const,
    constraints: { groupOf: m.photoIds, mustLink, cannotLink },
    minClusterSize: options.minClusterSize ?? 2,
    quality,
    minQuality: options.minQuality ?? 0.25,
    slack: faceSlack(m),
    attach: attachFor(options.embedderId, options.threshold),
    signal: options.signal,
  };
  const clustered = await cluster(m.data, clusterOptions);
  const result = admitClusters({
    labels: clustered.labels,
    clusters: clustered.clusters,
    dim: m.dim,
    data: m.data,
    quality,
    pinned,
    rejected,
    threshold: options.threshold,
    minClusterSize: clusterOptions.minClusterSize,
    seedQuality: options.seedQuality,
  });
  // The writer gives each cluster the person most of its faces already belong to, so ids and
  // names survive re-clustering.
  const clusters: ClusterInput[] = Array.from({ length: result.clusters }, () => ({ faces: [] }));
  result.labels.forEach((label, i) => {
    if (label >= 0) {
      (clusters[label]!.faces as Array<{ faceId: number; confidence: number }>).push({
        faceId: m.faceIds[i]!,
        confidence: 1,
      });
    }
  });
  const written = library.write.writeClustering(clusters);
  return {
    faces: m.count,
    people: result.clusters,
    assigned: written.assigned,
    unassigned: m.count - written.assigned - written.keptUser,
    seconds: (performance.now() - start) / 1000,
  };
}
