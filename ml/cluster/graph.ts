// Candidate graph for the sparse agglomeration: for each face, its nearest faces within the
// threshold. All pairs are compared up to a size limit; above it, pairs are compared only inside
// k-means cells (an inverted-file index, as FAISS's IVF), which is what makes 1M faces feasible.

import { EdgeBuckets } from './edges.ts';
import { DotKernel, padStride, quantizeRows8, quantizeRows16 } from './kernel.ts';
import type { Ticker } from './progress.ts';
import { createRandom } from './random.ts';

export interface GraphOptions {
  /** Neighbours kept per face; Infinity keeps every pair within the threshold (all-pairs only). */
  neighbors: number;
  /** With neighbors = Infinity: give up (return undefined) past this many edges. */
  maxEdges: number;
  /** Up to this many faces every pair is compared. */
  exactMaxFaces: number;
  /** k-means cells; default √(probes·n). */
  cells?: number | undefined;
  /** Cells each face searches (its most similar centres); it is stored in the first. */
  probes: number;
  seed: number;
}

/** Lloyd iterations of the cell centres (measured: more do not change the clustering). */
const KMEANS_ITERATIONS = 5;
/**
 * Query rows per kernel call: large enough that a call split across two threads is worth the
 * wake-up (cells hold ~100 faces at 100k), small enough that the candidate lists stay in cache.
 */
const TILE = 256;
const NO_CUT = 2147483647;
const align16 = (x: number): number => Math.ceil(x / 16) * 16;

/**
 * [Note: integer cut] A pair can only come nearer than D if ni + min‖x‖² − 2·raw·qi·max inv < D,
 * i.e. raw > (ni + min‖x‖² − D) / (2·qi·max inv) when that is positive. So most pairs are
 * rejected with one integer compare before the per-pair bound is evaluated.
 */
function integerCut(base: number, d: number, scale: number): number {
  const reach = base - d;
  return reach > 0 && scale > 0 ? Math.floor(reach * scale) : -2147483648;
}

/** Quantised copy of the participating faces plus the numbers the error bound needs. */
interface Quantised {
  p: number;
  stride: number;
  data: Int8Array;
  /** max|x| / 127 per row: the int8 step. */
  inverse: Float32Array;
  /** The same rows as int16 (the query side of the kernel) and their steps, made once: each face
   * is a query in `probes` cells, and re-quantising per visit was 10% of the run at 100k. */
  data16: Int16Array;
  inverse16: Float32Array;
  norm2: Float32Array;
  l1: Float32Array;
}

function quantiseFaces(embeddings: Float32Array, dim: number, faces: Int32Array): Quantised {
  const p = faces.length;
  const stride = padStride(dim);
  const data = new Int8Array(p * stride);
  const inverse = new Float32Array(p);
  quantizeRows8(embeddings, dim, faces, p, data, stride, inverse);
  const data16 = new Int16Array(p * stride);
  const inverse16 = new Float32Array(p);
  quantizeRows16(embeddings, dim, faces, p, data16, stride, inverse16);
  const norm2 = new Float32Array(p);
  const l1 = new Float32Array(p);
  for (let i = 0; i < p; i++) {
    const o = faces[i]! * dim;
    let s = 0;
    let a = 0;
    for (let k = 0; k < dim; k++) {
      const v = embeddings[o + k]!;
      s += v * v;
      a += Math.abs(v);
    }
    norm2[i] = s;
    l1[i] = a;
  }
  return { p, stride, data, inverse, data16, inverse16, norm2, l1 };
}

/** The extremes the int8 error bound uses: largest l1 and step, smallest squared norm. */
function errorBounds(q: Quantised): { l1Max: number; normMin: number; inverseMax: number } {
  let l1Max = 0;
  let normMin = Number.POSITIVE_INFINITY;
  let inverseMax = 0;
  for (let i = 0; i < q.p; i++) {
    l1Max = Math.max(l1Max, q.l1[i]!);
    normMin = Math.min(normMin, q.norm2[i]!);
    inverseMax = Math.max(inverseMax, q.inverse[i]!);
  }
  return { l1Max, normMin, inverseMax };
}

/** Per face, the `k` nearest candidates offered so far: a max-heap of k slots per face. */
class TopK {
  readonly ids: Int32Array;
  readonly dist: Float32Array;
  readonly len: Int32Array;
  /** Largest kept distance per face once its list is full, else +∞. */
  readonly worst: Float32Array;
  constructor(
    p: number,
    readonly k: number,
  ) {
    this.ids = new Int32Array(p * k);
    this.dist = new Float32Array(p * k);
    this.len = new Int32Array(p);
    this.worst = new Float32Array(p).fill(Number.POSITIVE_INFINITY);
  }
  /** Offers j at distance d to i (never the same pair twice); true when i's worst changed. */
  offer(i: number, j: number, d: number): boolean {
    const { ids, dist, k } = this;
    const base = i * k;
    const len = this.len[i]!;
    if (len < k) {
      // Sift up from the end.
      let at = len;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (!(dist[base + up]! < d)) break;
        dist[base + at] = dist[base + up]!;
        ids[base + at] = ids[base + up]!;
        at = up;
      }
      dist[base + at] = d;
      ids[base + at] = j;
      this.len[i] = len + 1;
      if (len + 1 < k) return false;
    } else {
      if (!(d < dist[base]!)) return false;
      // Replace the root (the worst) and sift down.
      let at = 0;
      for (;;) {
        let c = 2 * at + 1;
        if (c >= k) break;
        if (c + 1 < k && dist[base + c + 1]! > dist[base + c]!) c++;
        if (!(dist[base + c]! > d)) break;
        dist[base + at] = dist[base + c]!;
        ids[base + at] = ids[base + c]!;
        at = c;
      }
      dist[base + at] = d;
      ids[base + at] = j;
    }
    this.worst[i] = dist[base]!;
    return true;
  }
}

/** Faces stored in each cell, and faces searching each cell (both CSR by cell). */
interface Cells {
  start: Int32Array;
  members: Int32Array;
  probeStart: Int32Array;
  probers: Int32Array;
}

/** CSR of `perFace` cells per face (row-major cell lists), listing each cell's faces. */
function byCell(
  cellOf: Int32Array,
  perFace: number,
  stride: number,
  cells: number,
): { start: Int32Array; list: Int32Array } {
  const p = cellOf.length / stride;
  const start = new Int32Array(cells + 1);
  for (let f = 0; f < p; f++) for (let t = 0; t < perFace; t++) start[cellOf[f * stride + t]! + 1]!++;
  for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, cells);
  const list = new Int32Array(p * perFace);
  for (let f = 0; f < p; f++) for (let t = 0; t < perFace; t++) list[fill[cellOf[f * stride + t]!]!++] = f;
  return { start, list };
}

/**
 * [Note: k-means cells]
 * Spherical k-means (cosine) on a sample gives C cells; every face is stored in the cell of its
 * most similar centre and searches the cells of its `probes` most similar centres (the IVF scheme
 * of FAISS). Face i finds j when j's cell is among i's probes; the edge i–j exists when either
 * finds the other. Cost ≈ n·C (assigning faces) + probes·n²/C (searching), balanced near
 * C = √(probes·n). Measured against the exact graph in scalable.ts: storing each face in two
 * cells and comparing faces sharing one ("spill 2", same cost as 4 probes) left small people's
 * faces apart far more often than 8 probes do, because in 128-d the cells a face lands in are
 * decided as much by its own noise as by its identity.
 */
async function kmeansCells(
  embeddings: Float32Array,
  dim: number,
  faces: Int32Array,
  quantised: Quantised,
  cells: number,
  probes: number,
  seed: number,
  kernel: DotKernel,
  ticker: Ticker,
): Promise<Cells> {
  const { p, stride } = quantised;
  const rng = createRandom(seed);
  // ~24 faces per centre are plenty for centres that only route pairs to cells.
  const sampleSize = Math.min(p, Math.max(10000, 24 * cells));
  const sample = Int32Array.from({ length: p }, (_, i) => i);
  for (let i = 0; i < sampleSize; i++) {
    const j = i + rng.int(p - i);
    const t = sample[i]!;
    sample[i] = sample[j]!;
    sample[j] = t;
  }
  const centres = new Float32Array(cells * dim);
  for (let c = 0; c < cells; c++)
    centres.set(embeddings.subarray(faces[sample[c]!]! * dim, faces[sample[c]!]! * dim + dim), c * dim);

  const cutsOff = align16(256 * stride * 2);
  const countsOff = cutsOff + 256 * 4;
  const idxOff = align16(countsOff + 256 * 4);
  const rawOff = align16(idxOff + 256 * cells * 4);
  const dbOff = align16(rawOff + 256 * cells * 4);
  kernel.reserve(dbOff + cells * stride);
  const buffer = () => kernel.memory.buffer;
  const qScale = new Float32Array(256);
  // Centres share one int8 step, so within a face's row the products rank the centres as their
  // similarities do, and one integer cut per row can drop the far centres inside the kernel.
  let centreStep = 0;
  const loadCentres = () => {
    let max = 0;
    for (let i = 0; i < cells * dim; i++) max = Math.max(max, Math.abs(centres[i]!));
    const scale = max > 0 ? 127 / max : 0;
    centreStep = max > 0 ? max / 127 : 0;
    const db = new Int8Array(buffer(), dbOff, cells * stride);
    db.fill(0);
    for (let c = 0; c < cells; c++)
      for (let k = 0; k < dim; k++) db[c * stride + k] = Math.round(centres[c * dim + k]! * scale);
  };
  /**
   * Calls visit(local face, its `keep` most similar cells, their similarities) for `count` faces
   * of `list`. The kernel keeps only centres above a similarity cut: the lowest keep-th
   * similarity of the previous batch less a margin (measured: scanning all C products per face
   * in JavaScript was most of the k-means time); a batch where some face keeps fewer than `keep`
   * runs again without a cut, so the result is the exact top `keep`.
   */
  const assign = async (
    list: Int32Array,
    count: number,
    keep: number,
    visit: (face: number, best: Int32Array, sims: Float32Array) => void,
  ) => {
    const best = new Int32Array(keep);
    const sims = new Float32Array(keep);
    let simCut = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < count; a += 256) {
      const n = Math.min(256, count - a);
      const nq = Math.ceil(n / 4) * 4;
      const q = new Int16Array(buffer(), 0, nq * stride);
      for (let r = 0; r < n; r++) {
        const f = list[a + r]!;
        q.set(quantised.data16.subarray(f * stride, f * stride + stride), r * stride);
        qScale[r] = quantised.inverse16[f]!;
      }
      q.fill(0, n * stride);
      const run = (cut: number): boolean => {
        const cuts = new Int32Array(buffer(), cutsOff, nq);
        for (let r = 0; r < n; r++) {
          const unit = qScale[r]! * centreStep;
          cuts[r] = cut > Number.NEGATIVE_INFINITY && unit > 0 ? Math.floor(cut / unit) : -2147483648;
        }
        cuts.fill(NO_CUT, n);
        kernel.dotsAbove(0, nq, dbOff, cells, stride, cutsOff, idxOff, rawOff, countsOff);
        const counts = new Int32Array(buffer(), countsOff, nq);
        for (let r = 0; r < n; r++) if (counts[r]! < Math.min(keep, cells)) return false;
        return true;
      };
      if (!run(simCut)) run(Number.NEGATIVE_INFINITY);
      const buf = buffer();
      const counts = new Int32Array(buf, countsOff, nq);
      const idx = new Int32Array(buf, idxOff, nq * cells);
      const raw = new Int32Array(buf, rawOff, nq * cells);
      let lowest = Number.POSITIVE_INFINITY;
      for (let r = 0; r < n; r++) {
        sims.fill(Number.NEGATIVE_INFINITY);
        best.fill(-1);
        const unit = qScale[r]! * centreStep;
        const o = r * cells;
        for (let e = o; e < o + counts[r]!; e++) {
          const s = raw[e]! * unit;
          if (s <= sims[keep - 1]!) continue;
          let t = keep - 1;
          while (t > 0 && sims[t - 1]! < s) {
            sims[t] = sims[t - 1]!;
            best[t] = best[t - 1]!;
            t--;
          }
          sims[t] = s;
          best[t] = idx[e]!;
        }
        lowest = Math.min(lowest, sims[keep - 1]!);
        visit(list[a + r]!, best, sims);
      }
      simCut = lowest - 0.05;
      if (ticker.due()) await ticker.pause('prepare', a, count);
    }
  };

  const sums = new Float64Array(cells * dim);
  const counts = new Int32Array(cells);
  for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
    loadCentres();
    sums.fill(0);
    counts.fill(0);
    await assign(sample, sampleSize, 1, (face, best) => {
      const c = best[0]!;
      counts[c]!++;
      const o = faces[face]! * dim;
      for (let k = 0; k < dim; k++) sums[c * dim + k]! += embeddings[o + k]!;
    });
    for (let c = 0; c < cells; c++) {
      let norm = 0;
      for (let k = 0; k < dim; k++) norm += sums[c * dim + k]! ** 2;
      if (counts[c] === 0 || norm === 0) {
        // An empty cell restarts at a random sampled face.
        const f = faces[sample[rng.int(sampleSize)]!]!;
        centres.set(embeddings.subarray(f * dim, f * dim + dim), c * dim);
        continue;
      }
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < dim; k++) centres[c * dim + k] = sums[c * dim + k]! * inv;
    }
  }
  loadCentres();
  const keep = Math.min(probes, cells);
  const cellOf = new Int32Array(p * keep);
  const all = Int32Array.from({ length: p }, (_, i) => i);
  await assign(all, p, keep, (face, best) => {
    cellOf.set(best, face * keep);
  });
  const stored = byCell(cellOf, 1, keep, cells);
  const searching = byCell(cellOf, keep, keep, cells);
  return { start: stored.start, members: stored.list, probeStart: searching.start, probers: searching.list };
}

/**
 * [Note: pipelined all-pairs graph]
 * Every pair within the threshold, the upper triangle in tiles of TILE query rows. Each tile's
 * products are split between this thread and a helper thread (kernel.ts), but unlike
 * DotKernel.dotsAbove the helper's share is not waited for: while the helper computes its rows
 * of tile t, this thread computes its own rows of tile t, turns the helper's rows of tile t − 1
 * and then its own rows of tile t into edges. Turning candidates into edges is JavaScript, a
 * third of the graph's time at 20k faces, during which the synchronous split left the helper
 * idle. Two sets of buffers alternate between tiles. This thread's share adapts: after a tile
 * where it waited for the helper it takes the rows the wait was worth, after one where it did not
 * it gives a quad back. Edges still come out in row order, whatever the split. Candidate rows keep a stride of p
 * (not the tile's shrinking nd), so every tile writes the same memory pages: with rows shifting
 * from tile to tile, 70 MB of fresh pages were first-touched at 20k faces (~4 ms per MB here).
 */
async function allPairsGraph(
  quantised: Quantised,
  faces: Int32Array,
  threshold: number,
  maxEdges: number,
  kernel: DotKernel,
  ticker: Ticker,
): Promise<EdgeBuckets | undefined> {
  const { p, stride, data, inverse, norm2, l1 } = quantised;
  const { l1Max, normMin, inverseMax } = errorBounds(quantised);
  const inverseMaxHalf = inverseMax / 2;
  const all = new EdgeBuckets(threshold);
  if (p < 2) return all;

  // Two buffers of each: query rows, cuts, counts, candidate indices and products.
  const qBytes = align16(TILE * stride * 2);
  const qOff = [0, qBytes];
  const cutsOff = [2 * qBytes, 2 * qBytes + TILE * 4];
  const countsOff = [2 * qBytes + 2 * TILE * 4, 2 * qBytes + 3 * TILE * 4];
  const outBytes = TILE * p * 4;
  const idxOff = [align16(2 * qBytes + 4 * TILE * 4)];
  idxOff.push(idxOff[0]! + outBytes);
  const rawOff = [align16(idxOff[1]! + outBytes)];
  rawOff.push(rawOff[0]! + outBytes);
  const dbOff = align16(rawOff[1]! + outBytes);
  kernel.reserve(dbOff + p * stride);
  new Int8Array(kernel.memory.buffer, dbOff, p * stride).set(data.subarray(0, p * stride));
  const qScale = [new Float32Array(TILE), new Float32Array(TILE)];
  // Per buffer: first query row of its tile, rows in it, and where the helper's rows begin.
  const tileStart = [0, 0];
  const tileRows = [0, 0];
  const split = [0, 0];

  /** Edges from rows [t0, t1) of the tile in buffer x. */
  const collect = (x: number, t0: number, t1: number): void => {
    const a = tileStart[x]!;
    const n = tileRows[x]!;
    const buffer = kernel.memory.buffer;
    const idx = new Int32Array(buffer, idxOff[x]!, TILE * p);
    const out = new Int32Array(buffer, rawOff[x]!, TILE * p);
    const counts = new Int32Array(buffer, countsOff[x]!, TILE);
    const scales = qScale[x]!;
    for (let t = t0; t < Math.min(t1, n); t++) {
      const i = a + t;
      const qi2 = 2 * scales[t]!;
      const l1i = l1[i]!;
      // Lower bound of the exact distance (see [Note: lower-bound edges]), rearranged:
      // ni + nj − 2·raw·qi·inv_j − 2·(l1i·inv_j/2 + queryErr) − 1e-5 = base + nj − inv_j·(qi2·raw + l1i).
      const base = norm2[i]! - qi2 * l1Max - 1e-5;
      const o = t * p;
      const end = o + counts[t]!;
      const fi = faces[i]!;
      for (let e = o; e < end; e++) {
        const local = idx[e]!;
        if (local <= t) continue; // the upper triangle only
        const j = local + a;
        const low = base + norm2[j]! - inverse[j]! * (qi2 * out[e]! + l1i);
        if (low > threshold) continue;
        all.push(fi, faces[j]!, low);
      }
    }
  };

  const total = (p * (p + 1)) / 2;
  let mine = TILE / 4; // this thread's rows per tile, adapted as it goes
  let perRow = 0; // kernel ms per query row and db row, on this thread
  let previous = -1; // buffer whose helper rows are still to be collected
  try {
    for (let a = 0, x = 0; a < p; a += TILE, x ^= 1) {
      const n = Math.min(TILE, p - a);
      const nq = Math.ceil(n / 4) * 4;
      const nd = p - a;
      const buffer = kernel.memory.buffer;
      const q = new Int16Array(buffer, qOff[x]!, nq * stride);
      q.set(quantised.data16.subarray(a * stride, (a + n) * stride));
      q.fill(0, n * stride);
      const scales = qScale[x]!;
      const cuts = new Int32Array(buffer, cutsOff[x]!, nq);
      for (let t = 0; t < n; t++) {
        const i = a + t;
        const qi = quantised.inverse16[i]!;
        scales[t] = qi;
        const limit = threshold + 1e-5 + 2 * (l1[i]! * inverseMaxHalf + (qi / 2) * l1Max);
        cuts[t] = integerCut(norm2[i]! + normMin, limit, qi > 0 ? 1 / (2 * qi * inverseMax) : 0);
      }
      cuts.fill(NO_CUT, n);
      tileStart[x] = a;
      tileRows[x] = n;

      // The helper's rows of the previous tile. This thread's share balances the two threads:
      // its kernel rows plus the edges it collects should take as long as the helper's rows.
      // Having to wait means the helper had too many: the rows its extra time is worth move
      // here (each row moved closes the gap twice, once per thread). Not waiting may mean this
      // thread had too many: one quad goes back, so the share keeps probing the balance.
      if (previous >= 0) {
        const joinStart = performance.now();
        kernel.joinHelper();
        const waited = performance.now() - joinStart;
        if (waited > 0.02 && perRow > 0) mine += Math.max(4, Math.round(waited / (2 * perRow * nd) / 4) * 4);
        else mine -= 4;
        mine = Math.max(4, Math.min(TILE, mine));
      }
      const s = Math.max(4, Math.min(nq, mine));
      const db = dbOff + a * stride;
      const started =
        s < nq &&
        kernel.dotsAboveOnHelper({
          q: qOff[x]! + s * 2 * stride,
          nq: nq - s,
          db,
          nd,
          stride,
          cuts: cutsOff[x]! + 4 * s,
          idx: idxOff[x]! + 4 * s * p,
          raw: rawOff[x]! + 4 * s * p,
          counts: countsOff[x]! + 4 * s,
          rowStride: p,
        });
      split[x] = started ? s : nq;
      const t0 = performance.now();
      kernel.dotsAboveHere({
        q: qOff[x]!,
        nq: split[x]!,
        db,
        nd,
        stride,
        cuts: cutsOff[x]!,
        idx: idxOff[x]!,
        raw: rawOff[x]!,
        counts: countsOff[x]!,
        rowStride: p,
      });
      const t1 = performance.now();
      if (previous >= 0) collect(previous, split[previous]!, TILE);
      collect(x, 0, split[x]!);
      // Smoothed: single tiles are noisy (page faults, the other thread's memory traffic).
      const rowMs = (t1 - t0) / (split[x]! * nd);
      perRow = perRow > 0 ? 0.7 * perRow + 0.3 * rowMs : rowMs;
      previous = started ? x : -1;
      if (all.count > maxEdges) return undefined;
      if (ticker.due()) await ticker.pause('graph', total - ((p - a - n) * (p - a - n + 1)) / 2, total);
    }
    if (previous >= 0) {
      kernel.joinHelper();
      collect(previous, split[previous]!, TILE);
    }
  } finally {
    kernel.joinHelper();
  }
  if (all.count > maxEdges) return undefined;
  ticker.report('graph', total, total);
  return all;
}

/**
 * Candidate graph over `faces` (participating face indices): undirected edges between faces
 * whose exact squared L2 may be ≤ threshold, at most `neighbors` kept per face (nearest first).
 *
 * With neighbors = Infinity the answer is undefined once more than maxEdges pairs are found.
 * Pairs are screened with the int8 kernel; a pair is dropped only when a rigorous bound on the
 * quantisation error says it is beyond the threshold, so with all-pairs and neighbors = Infinity
 * the graph holds every pair within the threshold (and a few just beyond it).
 *
 * [Note: lower-bound edges]
 * An edge carries a lower bound of its exact distance (the int8 estimate minus its error bound),
 * not the distance: the agglomeration computes the exact value only for the edges it reaches
 * while both ends are still apart (sparse.ts), a few per face, where computing it for every
 * edge cost more than the search (20k faces: 3.4M edges, each a 128-d float distance; --cpu-prof
 * put the graph's JavaScript at 31% of the run, nearly all of it those distances).
 */
export async function candidateGraph(
  embeddings: Float32Array,
  dim: number,
  faces: Int32Array,
  threshold: number,
  options: GraphOptions,
  ticker: Ticker,
): Promise<EdgeBuckets | undefined> {
  const quantised = quantiseFaces(embeddings, dim, faces);
  const { p, stride, data, inverse, norm2, l1 } = quantised;
  const kernel = new DotKernel();
  // Every pair within the threshold: allPairsGraph. Otherwise each face keeps its k nearest, among
  // all faces up to exactMaxFaces, else among those in the k-means cells it searches.
  if (options.neighbors === Number.POSITIVE_INFINITY) {
    return allPairsGraph(quantised, faces, threshold, options.maxEdges, kernel, ticker);
  }
  const allPairs = p <= options.exactMaxFaces;
  const everyone = Int32Array.from({ length: p }, (_, i) => i);
  const cells: Cells = allPairs
    ? {
        start: Int32Array.from([0, p]),
        members: everyone,
        probeStart: Int32Array.from([0, p]),
        probers: everyone,
      }
    : await kmeansCells(
        embeddings,
        dim,
        faces,
        quantised,
        Math.max(2, Math.min(p, options.cells ?? Math.round(Math.sqrt(options.probes * p)))),
        Math.max(1, options.probes),
        options.seed,
        kernel,
        ticker,
      );
  const k = Math.max(1, Math.floor(options.neighbors));
  const top = new TopK(p, k);
  const all = new EdgeBuckets(threshold);

  const cellCount = cells.start.length - 1;
  let work = 0;
  let totalWork = 0;
  for (let c = 0; c < cellCount; c++) {
    totalWork += (cells.start[c + 1]! - cells.start[c]!) * (cells.probeStart[c + 1]! - cells.probeStart[c]!);
  }
  const qScale = new Float32Array(TILE);
  let mInverse = new Float32Array(0);
  let mSlack = new Float32Array(0);
  let mNorm = new Float32Array(0);
  const { l1Max, normMin, inverseMax } = errorBounds(quantised);
  const inverseMaxHalf = inverseMax / 2;
  for (let c = 0; c < cellCount; c++) {
    const mem = cells.members.subarray(cells.start[c]!, cells.start[c + 1]!);
    const mc = mem.length;
    if (mc < 2) continue;
    const cutsOff = align16(TILE * stride * 2);
    const countsOff = cutsOff + TILE * 4;
    const idxOff = align16(countsOff + TILE * 4);
    const rawOff = align16(idxOff + TILE * mc * 4);
    const dbOff = align16(rawOff + TILE * mc * 4);
    kernel.reserve(dbOff + mc * stride);
    const db = new Int8Array(kernel.memory.buffer, dbOff, mc * stride);
    if (mInverse.length < mc) {
      mInverse = new Float32Array(mc);
      mSlack = new Float32Array(mc);
      mNorm = new Float32Array(mc);
    }
    for (let r = 0; r < mc; r++) {
      const i = mem[r]!;
      db.set(data.subarray(i * stride, i * stride + stride), r * stride);
      mInverse[r] = inverse[i]!;
      // |dot error| ≤ l1(query)·step(row)/2 + l1(row)·step(query)/2; step(row)/2 here.
      mSlack[r] = inverse[i]! / 2;
      mNorm[r] = norm2[i]!;
    }
    // The faces searching this cell against those stored in it, each face filling its own list.
    const searchers = cells.probers.subarray(cells.probeStart[c]!, cells.probeStart[c + 1]!);
    for (let a = 0; a < searchers.length; a += TILE) {
      const n = Math.min(TILE, searchers.length - a);
      const nq = Math.ceil(n / 4) * 4;
      const q = new Int16Array(kernel.memory.buffer, 0, nq * stride);
      for (let r = 0; r < n; r++) {
        const f = searchers[a + r]!;
        q.set(quantised.data16.subarray(f * stride, f * stride + stride), r * stride);
        qScale[r] = quantised.inverse16[f]!;
      }
      q.fill(0, n * stride);
      // Per query row: the integer cut below which no pair can be a candidate (the kernel keeps
      // only products at or above it).
      const cuts = new Int32Array(kernel.memory.buffer, cutsOff, nq);
      for (let t = 0; t < n; t++) {
        const i = searchers[a + t]!;
        const qi = qScale[t]!;
        const limit = threshold + 1e-5 + 2 * (l1[i]! * inverseMaxHalf + (qi / 2) * l1Max);
        const reach = Math.min(limit, top.worst[i]!);
        cuts[t] = integerCut(norm2[i]! + normMin, reach, qi > 0 ? 1 / (2 * qi * inverseMax) : 0);
      }
      cuts.fill(NO_CUT, n);
      kernel.dotsAbove(0, nq, dbOff, mc, stride, cutsOff, idxOff, rawOff, countsOff);
      const buffer = kernel.memory.buffer;
      const idx = new Int32Array(buffer, idxOff, nq * mc);
      const out = new Int32Array(buffer, rawOff, nq * mc);
      const counts = new Int32Array(buffer, countsOff, nq);
      for (let t = 0; t < n; t++) {
        const i = searchers[a + t]!;
        const qi = qScale[t]!;
        const ni = norm2[i]!;
        const l1i = l1[i]!;
        // Second error term, bounded with the largest l1 of any row.
        const queryErr = (qi / 2) * l1Max;
        const limit = threshold + 1e-5 + 2 * (l1i * inverseMaxHalf + queryErr);
        const cutBase = ni + normMin;
        const cutScale = qi > 0 ? 1 / (2 * qi * inverseMax) : 0;
        const o = t * mc;
        const end = o + counts[t]!;
        // A full list raises the cut to its worst entry: in a dense row (a big identity, every
        // pair within the threshold) only about k·ln(m/k) candidates get offered.
        let cut = integerCut(cutBase, Math.min(limit, top.worst[i]!), cutScale);
        for (let e = o; e < end; e++) {
          const raw = out[e]!;
          if (raw < cut) continue;
          const rj = idx[e]!;
          const j = mem[rj]!;
          if (j === i) continue;
          // Lower bound of the exact distance (see [Note: lower-bound edges]).
          const low =
            ni + mNorm[rj]! - 2 * raw * qi * mInverse[rj]! - 2 * (l1i * mSlack[rj]! + queryErr) - 1e-5;
          if (low > threshold || low >= top.worst[i]!) continue;
          if (top.offer(i, j, Math.max(0, low)))
            cut = integerCut(cutBase, Math.min(limit, top.worst[i]!), cutScale);
        }
      }
      if (ticker.due()) await ticker.pause('graph', work + a * mc, totalWork);
    }
    work += mc * searchers.length;
  }

  // Undirected, each pair once: from the lower face, or from the higher if the lower lacks it.
  const has = (i: number, j: number): boolean => {
    for (let t = i * k; t < i * k + top.len[i]!; t++) if (top.ids[t] === j) return true;
    return false;
  };
  for (let i = 0; i < p; i++) {
    for (let t = i * k; t < i * k + top.len[i]!; t++) {
      const j = top.ids[t]!;
      if (i < j || !has(j, i)) all.push(faces[Math.min(i, j)]!, faces[Math.max(i, j)]!, top.dist[t]!);
    }
  }
  ticker.report('graph', totalWork, totalWork);
  return all;
}
