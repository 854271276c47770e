// Incremental recognition (FaceNet's "recognition = k-NN"): faces in no person join the person of
// their nearest assigned faces, without re-clustering the library; the ones that match nobody are
// clustered among themselves into new people or stay unassigned.
import { buildFaceIndex, cluster, nearestPeople } from '../../../ml/cluster/index.ts';
import type { Library } from '../store/library.ts';
import { admitClusters, REJECTED_FACTOR } from './admission.ts';
import { attachFor } from './attach.ts';
import { ignoredFaces } from './ignored.ts';
import { effectiveEmbeddings } from './improve.ts';
import { faceSlack } from './slack.ts';

export interface RecognizeOptions {
  embedderId: string;
  /** Squared-L2 threshold (the embedder's calibrated one, or the user's setting). */
  threshold: number;
  /** Faces below this overall quality are not matched (default 0.25, as in recluster). */
  minQuality?: number;
  /** A group of unmatched faces becomes a new person from this size (default 2). */
  minClusterSize?: number;
  /** Nearest assigned faces that vote (default 5). */
  k?: number;
  /**
   * The faces to recognise (default: every face in no person). Faces outside it are left as they
   * are, so an old unassigned face (one the user rejected, or one too far from everyone) is not
   * regrouped by a scan that did not add it.
   */
  faceIds?: ReadonlySet<number>;
}

export interface RecognizeResult {
  /** Faces in no person that were considered. */
  candidates: number;
  /** Of them, faces that joined an existing person. */
  joined: number;
  /** New people formed from the rest, and the faces in them. */
  newPeople: number;
  newPeopleFaces: number;
  seconds: number;
}

export async function recognizeNewFaces(
  library: Library,
  options: RecognizeOptions,
): Promise<RecognizeResult> {
  const start = performance.now();
  const m = effectiveEmbeddings(library, options.embedderId, { minQuality: options.minQuality ?? 0.25 });
  const personOf = new Int32Array(m.count).fill(-1);
  const row = new Map<number, number>();
  m.faceIds.forEach((id, i) => {
    row.set(id, i);
  });
  for (const a of library.read.listAssignments()) {
    const r = row.get(a.faceId);
    if (r !== undefined) personOf[r] = a.personId;
  }
  // Faces the user dismissed are never matched (ignored.ts).
  const ignored = ignoredFaces(library.read);
  const queryRows: number[] = [];
  const only = options.faceIds;
  for (let i = 0; i < m.count; i++) {
    const id = m.faceIds[i]!;
    if (personOf[i]! < 0 && !ignored.has(id) && (!only || only.has(id))) queryRows.push(i);
  }
  const result: RecognizeResult = {
    candidates: queryRows.length,
    joined: 0,
    newPeople: 0,
    newPeopleFaces: 0,
    seconds: 0,
  };
  if (queryRows.length === 0) return { ...result, seconds: (performance.now() - start) / 1000 };

  const queryIndex = new Map(queryRows.map((r, q) => [r, q]));
  const queries = new Float32Array(queryRows.length * m.dim);
  queryRows.forEach((r, q) => {
    queries.set(m.row(r), q * m.dim);
  });
  const forbidden: number[] = [];
  const cannot: number[] = [];
  /** Per query: 1 when the user rejected the face from someone (admission.ts's stricter rule). */
  const rejected = new Uint8Array(queryRows.length);
  for (const c of library.read.listConstraints()) {
    if (c.kind !== 'cannot_link') continue;
    if (c.form === 'face-person') {
      const q = queryIndex.get(row.get(c.faceId) ?? -1);
      if (q !== undefined) {
        forbidden.push(q, c.personId);
        rejected[q] = 1;
      }
    } else if (c.form === 'face-face') {
      const a = queryIndex.get(row.get(c.faceA) ?? -1);
      const b = queryIndex.get(row.get(c.faceB) ?? -1);
      if (a !== undefined && b !== undefined) cannot.push(a, b);
    }
  }
  // Only faces in a person vote, so only they are indexed (the k-NN cost is per indexed face).
  const voters: number[] = [];
  for (let i = 0; i < m.count; i++) if (personOf[i]! >= 0) voters.push(i);
  const voterData = new Float32Array(voters.length * m.dim);
  voters.forEach((r, v) => {
    voterData.set(m.row(r), v * m.dim);
  });
  const slack = faceSlack(m);
  const matched = nearestPeople(buildFaceIndex(voterData, m.dim), queries, {
    librarySlack: slack && Float32Array.from(voters, (r) => slack[r]!),
    querySlack: slack && Float32Array.from(queryRows, (r) => slack[r]!),
    threshold: options.threshold,
    personOf: Int32Array.from(voters, (r) => personOf[r]!),
    k: options.k ?? 5,
    libraryGroupOf: Int32Array.from(voters, (r) => m.photoIds[r]!),
    queryGroupOf: Int32Array.from(queryRows, (r) => m.photoIds[r]!),
    forbidden: Int32Array.from(forbidden),
  });

  // A rejected face joins someone else only when it is close under the stricter threshold.
  const strict = options.threshold * REJECTED_FACTOR;
  for (let q = 0; q < queryRows.length; q++) {
    if (rejected[q] && matched.person[q]! >= 0 && matched.distance[q]! > strict) matched.person[q] = -1;
  }

  // Faces nobody claimed: cluster them among themselves (cannot-link within a photo).
  const rest: number[] = [];
  for (let q = 0; q < queryRows.length; q++) if (matched.person[q]! < 0) rest.push(q);
  const restData = new Float32Array(rest.length * m.dim);
  rest.forEach((q, i) => {
    restData.set(queries.subarray(q * m.dim, (q + 1) * m.dim), i * m.dim);
  });
  const restPos = new Map(rest.map((q, i) => [q, i]));
  const restCannot: number[] = [];
  for (let i = 0; i < cannot.length; i += 2) {
    const a = restPos.get(cannot[i]!);
    const b = restPos.get(cannot[i + 1]!);
    if (a !== undefined && b !== undefined) restCannot.push(a, b);
  }
  const clustered =
    rest.length > 0
      ? await cluster(restData, {
          dim: m.dim,
          threshold: options.threshold,
          linkage: 'average',
          minClusterSize: options.minClusterSize ?? 2,
          slack: slack && Float32Array.from(rest, (q) => slack[queryRows[q]!]!),
          attach: attachFor(options.embedderId, options.threshold),
          constraints: {
            groupOf: Int32Array.from(rest, (q) => m.photoIds[queryRows[q]!]!),
            cannotLink: Int32Array.from(restCannot),
          },
        })
      : null;
  // New people need a good face that nobody rejected (admission.ts).
  const grouped =
    clustered &&
    admitClusters({
      labels: clustered.labels,
      clusters: clustered.clusters,
      dim: m.dim,
      data: restData,
      quality: Float32Array.from(rest, (q) => m.quality[queryRows[q]!]!),
      rejected: Uint8Array.from(rest, (q) => rejected[q]!),
      threshold: options.threshold,
      minClusterSize: options.minClusterSize ?? 2,
    });

  library.write.transaction(() => {
    for (let q = 0; q < queryRows.length; q++) {
      const person = matched.person[q]!;
      if (person < 0) continue;
      // Confidence: 1 at distance 0, 0 at the threshold.
      const confidence = Math.max(0, 1 - matched.distance[q]! / options.threshold);
      library.write.assignFace(m.faceIds[queryRows[q]!]!, person, 'auto', confidence);
      result.joined++;
    }
    if (!grouped) {
      library.write.fixCovers();
      return;
    }
    const newPerson = new Map<number, number>();
    grouped.labels.forEach((label, i) => {
      if (label < 0) return;
      let person = newPerson.get(label);
      if (person === undefined) {
        person = library.write.createPerson(null);
        newPerson.set(label, person);
      }
      library.write.assignFace(m.faceIds[queryRows[rest[i]!]!]!, person, 'auto', 1);
      result.newPeopleFaces++;
    });
    result.newPeople = newPerson.size;
    library.write.fixCovers();
  });
  return { ...result, seconds: (performance.now() - start) / 1000 };
}
