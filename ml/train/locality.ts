// Where a local adapter acts: the locality weight of a face (adapter.ts applies the correction
// scaled by it) and the anchors it is measured from.
/**
 * A linear correction moves every face, and on an embedder whose threshold is already tuned any
 * move of the faces the user never corrected costs accuracy there. So the correction is weighted
 * per face by g(x), a function of d(x) = min over anchors of ‖x − anchor‖², the anchors being the
 * people the user corrected (spreadAnchors): faces near a corrected person (that person and the
 * look-alikes they were confused with) get the full correction, faces far from all of them are
 * left where they were. With s = max(0, d(x) − radius):
 *   no reach: g = exp(−s / width)                                     (never 0: every face moves a bit)
 *   reach R:  g = (exp(−s / width) − exp(−R / width)) / (1 − exp(−R / width)) for s < R, else 0
 * The exponential's tail reaches every face, and a large correction (small, compressed faces: the
 * embedder errs most there, so the adapter learns most) times a tail weight of a few per cent still
 * regroups faces far from anyone corrected. With a reach the weight is exactly 0 beyond radius + R
 * and near the radius it is the same curve, lowered so that it meets 0 without a jump.
 * Fixed, not trained.
 */
export interface Locality {
  /** count×dim, unit rows. */
  anchors: Float32Array;
  radius: number;
  width: number;
  /** Distance beyond the radius where the weight reaches 0; absent = the exponential tail. */
  reach?: number | undefined;
}

/** The locality weight g(x) of one row (1 without a locality). */
export function localityWeight(
  loc: Locality | undefined,
  x: Float32Array,
  offset: number,
  dim: number,
): number {
  if (!loc || loc.anchors.length === 0) return 1;
  const a = loc.anchors;
  let best = Number.POSITIVE_INFINITY;
  for (let o = 0; o < a.length; o += dim) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = x[offset + k]! - a[o + k]!;
      s += v * v;
    }
    if (s < best) {
      best = s;
      if (s <= loc.radius) return 1; // inside one anchor's radius: no other anchor can do better
    }
  }
  return falloff(loc, best);
}

/** g as a function of the squared distance d to the nearest anchor (see Locality). */
export function falloff(loc: Pick<Locality, 'radius' | 'width' | 'reach'>, d: number): number {
  const s = Math.max(0, d - loc.radius);
  const e = Math.exp(-s / loc.width);
  if (loc.reach === undefined) return e;
  if (s >= loc.reach) return 0;
  const floor = Math.exp(-loc.reach / loc.width);
  return (e - floor) / (1 - floor);
}

/** Normalised centroid of each label's rows (labels ≥ 0), as locality anchors. */
export function centroidAnchors(embeddings: Float32Array, dim: number, labels: Int32Array): Float32Array {
  const sums = new Map<number, Float64Array>();
  labels.forEach((l, i) => {
    if (l < 0) return;
    let c = sums.get(l);
    if (!c) {
      c = new Float64Array(dim);
      sums.set(l, c);
    }
    for (let k = 0; k < dim; k++) c[k]! += embeddings[i * dim + k]!;
  });
  const ids = [...sums.keys()].sort((a, b) => a - b);
  const out = new Float32Array(ids.length * dim);
  ids.forEach((id, r) => {
    const c = sums.get(id)!;
    const norm = Math.hypot(...c) || 1;
    for (let k = 0; k < dim; k++) out[r * dim + k] = c[k]! / norm;
  });
  return out;
}

/** Face anchors per corrected person besides the centroid (spreadAnchors); bounds the cost of g. */
export const FACE_ANCHORS_PER_PERSON = 4;

/**
 * Each labelled person's centroid, then up to `perPerson` of their faces picked farthest-first
 * (each the face farthest from the anchors picked so far): together they span how the person looks.
 * A centroid alone leaves the faces at the edge of a person's spread (small, blurred, turned: the
 * ones the embedder splits off, so the ones a correction is for) beyond the reach, while anchoring
 * on every confirmed face would make the weight's cost grow with the number of corrections.
 */
export function spreadAnchors(
  embeddings: Float32Array,
  dim: number,
  labels: Int32Array,
  perPerson = FACE_ANCHORS_PER_PERSON,
): Float32Array {
  const centroids = centroidAnchors(embeddings, dim, labels);
  const facesOf = new Map<number, number[]>();
  labels.forEach((l, i) => {
    if (l >= 0) facesOf.set(l, [...(facesOf.get(l) ?? []), i]);
  });
  const ids = [...facesOf.keys()].sort((a, b) => a - b);
  const picked: number[] = [];
  const sq = (a: Float32Array, ao: number, i: number): number => {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = a[ao + k]! - embeddings[i * dim + k]!;
      s += v * v;
    }
    return s;
  };
  ids.forEach((id, r) => {
    const faces = facesOf.get(id)!;
    // Distance of each face to the nearest anchor of this person so far (the centroid first).
    const near = faces.map((f) => sq(centroids, r * dim, f));
    for (let k = 0; k < Math.min(perPerson, faces.length); k++) {
      let best = -1;
      for (let j = 0; j < faces.length; j++) if (best < 0 || near[j]! > near[best]!) best = j;
      if (near[best]! === 0) break; // every face is already an anchor (duplicates)
      const f = faces[best]!;
      picked.push(f);
      faces.forEach((g, j) => {
        near[j] = Math.min(near[j]!, sq(embeddings, f * dim, g));
      });
    }
  });
  const out = new Float32Array(centroids.length + picked.length * dim);
  out.set(centroids);
  picked.forEach((f, r) => {
    out.set(embeddings.subarray(f * dim, (f + 1) * dim), centroids.length + r * dim);
  });
  return out;
}
