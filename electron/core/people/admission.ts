// Which clusters become people (issue 15, item 2). The clusterer groups every face above the
// minimum quality; this rule then keeps junk out of the People grid:
// - a cluster needs a seed: one face of at least SEED_QUALITY that the user has not rejected from
//   anyone (or a face the user put there). Partial, blurred and tiny faces can join a person that has
//   a good face, but never start one by themselves: they wait in Unassigned;
// - a face the user rejected ("not this person") joins another cluster only when it is close to it
//   under a stricter threshold (REJECTED_FACTOR × the grouping threshold, by average linkage), so
//   rejected faces do not drift together into a new junk person.
// Pure: recluster.ts and recognize.ts call it on their cluster labels.

/** A face of at least this overall quality (ml/quality.ts: min of its signals) may start a person. */
export const SEED_QUALITY = 0.5;
/** A rejected face joins a cluster only within this share of the grouping threshold. */
export const REJECTED_FACTOR = 0.6;

export interface AdmissionInput {
  /** Per face: cluster 0..clusters−1 or −1 (the clusterer's labels). */
  labels: Int32Array;
  clusters: number;
  dim: number;
  /** Embeddings, row-major (faces × dim), as the clusterer saw them. */
  data: Float32Array;
  /** Per face: overall quality (NaN = unknown, never a seed). */
  quality: Float32Array;
  /** Per face: 1 when the user put it in a person (such a cluster is the user's: always kept). */
  pinned?: Uint8Array | undefined;
  /** Per face: 1 when the user said it is "not" some person. */
  rejected?: Uint8Array | undefined;
  /** Squared-L2 grouping threshold. */
  threshold: number;
  /** Clusters smaller than this (after rejected faces left) are dropped. Default 2. */
  minClusterSize?: number | undefined;
  seedQuality?: number | undefined;
  rejectedFactor?: number | undefined;
}

export interface Admission {
  /** Labels renumbered 0..clusters−1 in the input's order, −1 for faces left out. */
  labels: Int32Array;
  clusters: number;
  /** Faces left out because their cluster had no seed, and rejected faces that were too far. */
  noSeed: number;
  rejectedFar: number;
}

function squaredDistance(data: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = data[a * dim + k]! - data[b * dim + k]!;
    s += d * d;
  }
  return s;
}

export function admitClusters(input: AdmissionInput): Admission {
  const { labels: given, clusters, dim, data, quality, pinned, rejected } = input;
  const n = given.length;
  const seedQuality = input.seedQuality ?? SEED_QUALITY;
  const strict = input.threshold * (input.rejectedFactor ?? REJECTED_FACTOR);
  const minSize = input.minClusterSize ?? 2;
  const labels = Int32Array.from(given);
  const members: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < n; i++) if (labels[i]! >= 0) members[labels[i]!]!.push(i);

  // Rejected faces that are not the user's: average distance to the rest of their cluster.
  let rejectedFar = 0;
  if (rejected) {
    for (const faces of members) {
      const far: number[] = [];
      for (const i of faces) {
        if (!rejected[i] || pinned?.[i]) continue;
        let sum = 0;
        let count = 0;
        for (const j of faces) {
          if (j === i) continue;
          sum += squaredDistance(data, dim, i, j);
          count++;
        }
        if (count === 0 || sum / count > strict) far.push(i);
      }
      for (const i of far) labels[i] = -1;
      rejectedFar += far.length;
    }
  }

  let noSeed = 0;
  const next = new Int32Array(clusters).fill(-1);
  let kept = 0;
  members.forEach((faces, c) => {
    const left = faces.filter((i) => labels[i] === c);
    const users = left.some((i) => pinned?.[i] === 1);
    const seeded = left.some((i) => !rejected?.[i] && quality[i]! >= seedQuality);
    if (users || (seeded && left.length >= minSize)) next[c] = kept++;
    else if (!seeded) noSeed += left.length;
  });
  for (let i = 0; i < n; i++) labels[i] = labels[i]! >= 0 ? next[labels[i]!]! : -1;
  return { labels, clusters: kept, noSeed, rejectedFar };
}
