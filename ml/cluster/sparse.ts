// Agglomeration over a sparse candidate graph: memory O(n + edges), no n² matrix.
import type { Prepared } from './constraints.ts';
import type { EdgeBuckets } from './edges.ts';
import { squaredDistance } from './kernel.ts';
import type { Ticker } from './progress.ts';
import type { Linkage } from './types.ts';

/**
 * Undirected face pairs (global face indices) with a lower bound of their squared L2 distance
 * (see [Note: lower-bound edges] in graph.ts): every pair within the threshold that the graph
 * proposes, and possibly some just beyond it.
 */
export interface FaceEdges {
  a: Int32Array;
  b: Int32Array;
  dist: Float32Array;
  count: number;
}

/**
 * Per-face slack (ml/embed/noise.ts): every face distance is taken as d − slack_a − slack_b, and
 * `widen` = 2·max(slack) is how far beyond the threshold the graph was built, so an edge's bound
 * less `widen` is a lower bound of its slackened distance. Zero slack: `widen` 0, distances as is.
 */
export interface FaceSlack {
  of: Float32Array;
  widen: number;
}

/** Squared L2 between faces a and b less their slack. */
function slackDistance(
  x: Float32Array,
  a: number,
  b: number,
  dim: number,
  slack: FaceSlack | undefined,
): number {
  const d = squaredDistance(x, a, b, dim);
  return slack ? d - slack.of[a]! - slack.of[b]! : d;
}

/** Entry count marking a pair that may never merge (cannot-link, or complete linkage blocked). */
const BLOCKED = -1;
const INF = Number.POSITIVE_INFINITY;

/** Per-cluster neighbour lists in one pool of typed arrays; stale entries are dropped on copy. */
class ListPool {
  ids: Int32Array;
  dist: Float64Array;
  cnt: Int32Array;
  readonly start: Int32Array;
  readonly len: Int32Array;
  readonly cap: Int32Array;
  private top = 0;

  constructor(clusters: number, capacity: number) {
    this.ids = new Int32Array(capacity);
    this.dist = new Float64Array(capacity);
    this.cnt = new Int32Array(capacity);
    this.start = new Int32Array(clusters);
    this.len = new Int32Array(clusters);
    this.cap = new Int32Array(clusters);
  }

  /** Gives cluster c an empty list with room for `room` entries at the end of the pool. */
  alloc(c: number, room: number, alive: Uint8Array): void {
    room = Math.max(room, 2);
    if (this.top + room > this.ids.length) this.repack(room, alive, c);
    this.start[c] = this.top;
    this.len[c] = 0;
    this.cap[c] = room;
    this.top += room;
  }

  append(c: number, id: number, d: number, count: number, alive: Uint8Array): void {
    if (this.len[c] === this.cap[c]) {
      // Drop entries of merged-away clusters; move the list only if it is still over half full.
      const s = this.start[c]!;
      let w = s;
      for (let p = s; p < s + this.len[c]!; p++) {
        if (!alive[this.ids[p]!]) continue;
        this.ids[w] = this.ids[p]!;
        this.dist[w] = this.dist[p]!;
        this.cnt[w] = this.cnt[p]!;
        w++;
      }
      this.len[c] = w - s;
      if (2 * this.len[c]! > this.cap[c]!) {
        // Move the list to the end with twice the room.
        const n = this.len[c]!;
        const room = 2 * n + 2;
        if (this.top + room > this.ids.length) this.repack(room, alive, -1);
        const from = this.start[c]!; // read after repack, which may move it
        this.ids.copyWithin(this.top, from, from + n);
        this.dist.copyWithin(this.top, from, from + n);
        this.cnt.copyWithin(this.top, from, from + n);
        this.start[c] = this.top;
        this.cap[c] = room;
        this.top += room;
      }
    }
    const p = this.start[c]! + this.len[c]!++;
    this.ids[p] = id;
    this.dist[p] = d;
    this.cnt[p] = count;
  }

  /** Copies the lists of live clusters (without dead neighbours) into fresh arrays. */
  private repack(need: number, alive: Uint8Array, extra: number): void {
    let live = 0;
    for (let c = 0; c < alive.length; c++) if (alive[c] || c === extra) live += this.len[c]!;
    const size = Math.max(this.ids.length, 2 * live + 2 * need + 1024);
    const ids = new Int32Array(size);
    const dist = new Float64Array(size);
    const cnt = new Int32Array(size);
    let top = 0;
    for (let c = 0; c < alive.length; c++) {
      if (!alive[c] && c !== extra) {
        this.len[c] = 0;
        this.cap[c] = 0;
        continue;
      }
      const s = this.start[c]!;
      const begin = top;
      for (let p = s; p < s + this.len[c]!; p++) {
        if (!alive[this.ids[p]!]) continue;
        ids[top] = this.ids[p]!;
        dist[top] = this.dist[p]!;
        cnt[top] = this.cnt[p]!;
        top++;
      }
      this.start[c] = begin;
      this.len[c] = top - begin;
      // Keep a little room so the next append does not move the list again.
      const room = this.len[c]! + 2;
      this.cap[c] = room;
      top = begin + room;
    }
    this.ids = ids;
    this.dist = dist;
    this.cnt = cnt;
    this.top = top;
  }
}

/** Binary min-heap of cluster ids keyed by key[id], ties by lower id, with positions for updates. */
class ClusterHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private size = 0;
  constructor(
    capacity: number,
    private readonly key: Float64Array,
  ) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }
  get length(): number {
    return this.size;
  }
  top(): number {
    return this.heap[0]!;
  }
  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }
  private place(i: number, id: number): void {
    this.heap[i] = id;
    this.pos[id] = i;
  }
  private up(i: number): void {
    const id = this.heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pid = this.heap[p]!;
      if (!this.less(id, pid)) break;
      this.place(i, pid);
      i = p;
    }
    this.place(i, id);
  }
  private down(i: number): void {
    const id = this.heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.less(this.heap[c + 1]!, this.heap[c]!)) c++;
      if (!this.less(this.heap[c]!, id)) break;
      this.place(i, this.heap[c]!);
      i = c;
    }
    this.place(i, id);
  }
  /** Inserts id, or restores order after its key changed. */
  set(id: number): void {
    const i = this.pos[id]!;
    if (i < 0) {
      this.place(this.size++, id);
      this.up(this.size - 1);
    } else {
      this.up(i);
      this.down(this.pos[id]!);
    }
  }
  remove(id: number): void {
    const i = this.pos[id]!;
    if (i < 0) return;
    this.pos[id] = -1;
    const last = this.heap[--this.size]!;
    if (i === this.size) return;
    this.place(i, last);
    this.up(i);
    this.down(this.pos[last]!);
  }
}

/** The edges with exact distances, keeping those within the threshold (complete linkage needs them). */
function exactEdges(
  edges: EdgeBuckets,
  embeddings: Float32Array,
  dim: number,
  threshold: number,
  slack: FaceSlack | undefined,
): FaceEdges {
  const a = new Int32Array(edges.count);
  const b = new Int32Array(edges.count);
  const dist = new Float32Array(edges.count);
  let count = 0;
  for (const edge = edges.cursor(); edge.bound !== INF; edge.advance()) {
    const d = slackDistance(embeddings, edge.a, edge.b, dim, slack);
    if (d > threshold) continue;
    a[count] = edge.a;
    b[count] = edge.b;
    dist[count] = d;
    count++;
  }
  return { a, b, dist, count };
}

/**
 * [Note: sparse agglomeration]
 * The graph only proposes which pairs of clusters may merge. Under each linkage two clusters can
 * be within the threshold only if some face pair across them is (min ≤ mean ≤ max), so with every
 * pair within the threshold in the graph the agglomeration below is the exact greedy one; with a
 * k-nearest graph it can differ where no kept edge joins two clusters that the exact run merges
 * (measured in scalable.ts). Cluster distances:
 *  - average: from cluster means, exactly. For squared L2 the mean over all pairs of A × B is
 *    s̄_A + s̄_B − 2·μ_A·μ_B (μ the mean embedding, s̄ the mean squared norm): no pair list, and
 *    exact even for face pairs the graph never saw;
 *  - single: the smallest graph edge between the clusters;
 *  - complete: the largest edge, but only while the graph holds all |A|·|B| pairs; a missing pair
 *    is beyond the threshold (exact graph), which blocks the two clusters for good.
 *
 * Complete linkage: the classic "generic" loop (Müllner 2011). Every cluster keeps its nearest
 * neighbour among its list (largest edge and edge count per neighbour, or blocked); a heap over
 * clusters gives the closest pair; a merge folds the two lists and touches only the neighbours.
 * Blocked pairs (cannot-link, incomplete) are list entries too, so a merged cluster inherits them.
 * A complete-linkage cluster is a set of faces all within the threshold of each other, so it
 * needs the exact graph: with a k-nearest graph it only merges fully connected groups (stricter).
 */
async function agglomerateComplete(
  prep: Prepared,
  edges: FaceEdges,
  threshold: number,
  ticker: Ticker,
): Promise<{ finalOf: Int32Array; merges: number }> {
  const { m, comp } = prep;
  const ids = 2 * m;
  const alive = new Uint8Array(ids);
  alive.fill(1, 0, m);
  const size = new Float64Array(ids);
  for (let c = 0; c < m; c++) size[c] = prep.compStart[c + 1]! - prep.compStart[c]!;
  const parent = new Int32Array(ids).fill(-1);

  // Initial lists: face edges and blocked pairs folded onto initial clusters (both directions).
  const directed = 2 * edges.count + prep.forbidden.length;
  const degree = new Int32Array(m + 1);
  for (let e = 0; e < edges.count; e++) {
    const ca = comp[edges.a[e]!]!;
    const cb = comp[edges.b[e]!]!;
    if (ca === cb) continue;
    degree[ca + 1]!++;
    degree[cb + 1]!++;
  }
  for (const c of prep.forbidden) degree[c + 1]!++;
  for (let c = 0; c < m; c++) degree[c + 1]! += degree[c]!;
  const fill = degree.slice(0, m);
  const rawTo = new Int32Array(directed);
  const rawD = new Float32Array(directed);
  const rawBlocked = new Uint8Array(directed);
  const putRaw = (from: number, to: number, d: number, blocked: boolean) => {
    const p = fill[from]!++;
    rawTo[p] = to;
    rawD[p] = d;
    rawBlocked[p] = blocked ? 1 : 0;
  };
  for (let e = 0; e < edges.count; e++) {
    const ca = comp[edges.a[e]!]!;
    const cb = comp[edges.b[e]!]!;
    if (ca === cb) continue;
    putRaw(ca, cb, edges.dist[e]!, false);
    putRaw(cb, ca, edges.dist[e]!, false);
  }
  for (let i = 0; i < prep.forbidden.length; i += 2) {
    putRaw(prep.forbidden[i]!, prep.forbidden[i + 1]!, INF, true);
    putRaw(prep.forbidden[i + 1]!, prep.forbidden[i]!, INF, true);
  }

  const pool = new ListPool(ids, Math.max(1024, 2 * directed + 4 * m));
  const nn = new Int32Array(ids).fill(-1);
  const nnDist = new Float64Array(ids).fill(INF);
  const heap = new ClusterHeap(ids, nnDist);
  const updateHeap = (c: number) => {
    if (nnDist[c]! <= threshold) heap.set(c);
    else heap.remove(c);
  };

  // Scratch for combining lists: slot of each neighbour in the cluster being built.
  const mark = new Int32Array(ids).fill(-1);
  let scratchIds = new Int32Array(64);
  let scratchD = new Float64Array(64);
  let scratchCnt = new Int32Array(64);
  let scratchLen = 0;
  const scratchAdd = (id: number, d: number, count: number): void => {
    const at = mark[id]!;
    if (at >= 0) {
      // Second sighting of a neighbour: blocked wins, else largest edge and pair count add up.
      if (scratchCnt[at] === BLOCKED || count === BLOCKED) {
        scratchCnt[at] = BLOCKED;
        scratchD[at] = INF;
      } else {
        scratchD[at] = Math.max(scratchD[at]!, d);
        scratchCnt[at]! += count;
      }
      return;
    }
    if (scratchLen === scratchIds.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(2 * a.length);
        b.set(a);
        return b;
      };
      scratchIds = grow(scratchIds, (n) => new Int32Array(n));
      scratchD = grow(scratchD, (n) => new Float64Array(n));
      scratchCnt = grow(scratchCnt, (n) => new Int32Array(n));
    }
    mark[id] = scratchLen;
    scratchIds[scratchLen] = id;
    scratchD[scratchLen] = d;
    scratchCnt[scratchLen] = count;
    scratchLen++;
  };
  /** Turns folded scratch entries for cluster c into linkage distances and stores them. */
  const commit = (c: number): void => {
    let best = -1;
    let bestD = INF;
    for (let i = 0; i < scratchLen; i++) {
      const k = scratchIds[i]!;
      mark[k] = -1;
      if (scratchCnt[i] === BLOCKED) continue;
      let d = scratchD[i]!;
      if (scratchCnt[i]! !== size[c]! * size[k]!) {
        scratchCnt[i] = BLOCKED;
        d = INF;
      }
      scratchD[i] = d;
      if (d < bestD || (d === bestD && k < best)) {
        bestD = d;
        best = k;
      }
    }
    pool.alloc(c, scratchLen + 2, alive);
    const s = pool.start[c]!;
    pool.ids.set(scratchIds.subarray(0, scratchLen), s);
    pool.dist.set(scratchD.subarray(0, scratchLen), s);
    pool.cnt.set(scratchCnt.subarray(0, scratchLen), s);
    pool.len[c] = scratchLen;
    nn[c] = best;
    nnDist[c] = bestD;
  };

  for (let c = 0; c < m; c++) {
    scratchLen = 0;
    for (let p = degree[c]!; p < degree[c + 1]!; p++) {
      scratchAdd(rawTo[p]!, rawD[p]!, rawBlocked[p] ? BLOCKED : 1);
    }
    commit(c);
  }
  for (let c = 0; c < m; c++) updateHeap(c);

  /** Recomputes nn of k from its list, dropping dead entries. */
  const rescan = (k: number): void => {
    const s = pool.start[k]!;
    let w = s;
    let best = -1;
    let bestD = INF;
    for (let p = s; p < s + pool.len[k]!; p++) {
      const id = pool.ids[p]!;
      if (!alive[id]) continue;
      const d = pool.dist[p]!;
      pool.ids[w] = id;
      pool.dist[w] = d;
      pool.cnt[w] = pool.cnt[p]!;
      w++;
      if (pool.cnt[p] !== BLOCKED && (d < bestD || (d === bestD && id < best))) {
        bestD = d;
        best = id;
      }
    }
    pool.len[k] = w - s;
    nn[k] = best;
    nnDist[k] = bestD;
  };

  let next = m;
  let merges = 0;
  while (heap.length > 0) {
    const x = heap.top();
    const y = nn[x]!;
    const c = next++;
    heap.remove(x);
    heap.remove(y);
    alive[x] = 0;
    alive[y] = 0;
    alive[c] = 1;
    parent[x] = c;
    parent[y] = c;
    size[c] = size[x]! + size[y]!;
    scratchLen = 0;
    for (let side = 0; side < 2; side++) {
      const from = side === 0 ? x : y;
      const s = pool.start[from]!;
      for (let p = s; p < s + pool.len[from]!; p++) {
        const k = pool.ids[p]!;
        if (alive[k]) scratchAdd(k, pool.dist[p]!, pool.cnt[p]!);
      }
    }
    commit(c);
    const count = pool.len[c]!;
    for (let i = 0; i < count; i++) {
      // Read through the pool each time: append may repack it.
      const k = pool.ids[pool.start[c]! + i]!;
      const d = pool.dist[pool.start[c]! + i]!;
      const cnt = pool.cnt[pool.start[c]! + i]!;
      pool.append(k, c, d, cnt, alive);
      if (nn[k] === x || nn[k] === y) rescan(k);
      else if (cnt !== BLOCKED && (d < nnDist[k]! || (d === nnDist[k]! && c < nn[k]!))) {
        nn[k] = c;
        nnDist[k] = d;
      } else continue;
      updateHeap(k);
    }
    updateHeap(c);
    merges++;
    if (ticker.due()) await ticker.pause('merge', merges, m);
  }
  ticker.report('merge', m, m);

  // Each initial cluster → the lowest initial cluster of its final cluster.
  const rootRep = new Int32Array(ids).fill(-1);
  const finalOf = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    let r = c;
    while (parent[r]! >= 0) r = parent[r]!;
    if (rootRep[r]! < 0) rootRep[r] = c;
    finalOf[c] = rootRep[r]!;
  }
  return { finalOf, merges };
}

/** Heap slot `from` (value, a, b, stamp: four words) copied over slot `to`. */
function copySlot(words: Int32Array, to: number, from: number): void {
  const t = 4 * to;
  const f = 4 * from;
  words[t] = words[f]!;
  words[t + 1] = words[f + 1]!;
  words[t + 2] = words[f + 2]!;
  words[t + 3] = words[f + 3]!;
}

/** Writes an entry into heap slot i (the value as float32 in the slot's first word). */
function writeSlot(
  words: Int32Array,
  floats: Float32Array,
  i: number,
  v: number,
  a: number,
  b: number,
  stamp: number,
): void {
  const o = 4 * i;
  floats[o] = v;
  words[o + 1] = a;
  words[o + 2] = b;
  words[o + 3] = stamp;
}

/**
 * Min-heap of pair entries (value, a, b, stamp). 4-ary with each entry's 16 bytes together, so a
 * sift step reads one cache line of children. Grows as needed.
 */
class PairHeap {
  private words = new Int32Array(4 * 1024);
  private floats = new Float32Array(this.words.buffer);
  length = 0;
  get topValue(): number {
    return this.floats[0]!;
  }
  get topA(): number {
    return this.words[1]!;
  }
  get topB(): number {
    return this.words[2]!;
  }
  get topStamp(): number {
    return this.words[3]!;
  }
  push(v: number, a: number, b: number, stamp: number): void {
    if (4 * (this.length + 1) > this.words.length) {
      const words = new Int32Array(2 * this.words.length);
      words.set(this.words);
      this.words = words;
      this.floats = new Float32Array(words.buffer);
    }
    const { words, floats } = this;
    const value = Math.fround(v);
    let i = this.length++;
    while (i > 0) {
      const up = (i - 1) >> 2;
      const o = 4 * up;
      if (!(value < floats[o]!)) break;
      copySlot(words, i, up);
      i = up;
    }
    writeSlot(words, floats, i, value, a, b, stamp);
  }
  pop(): void {
    const last = 4 * --this.length;
    if (last > 0) {
      const { words, floats } = this;
      this.down(0, floats[last]!, words[last + 1]!, words[last + 2]!, words[last + 3]!);
    }
  }
  /** Replaces the top entry and restores order (a pop and a push in one sift). */
  replaceTop(v: number, a: number, b: number, stamp: number): void {
    this.down(0, Math.fround(v), a, b, stamp);
  }
  /** Sifts the entry (v, a, b, stamp) down from slot i. */
  private down(i: number, v: number, a: number, b: number, stamp: number): void {
    const { words, floats } = this;
    const n = this.length;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      const end = Math.min(first + 4, n);
      let k = first;
      let kv = floats[4 * first]!;
      for (let c = first + 1; c < end; c++) {
        const cv = floats[4 * c]!;
        if (cv < kv) {
          kv = cv;
          k = c;
        }
      }
      if (!(kv < v)) break;
      copySlot(words, i, k);
      i = k;
    }
    writeSlot(words, floats, i, v, a, b, stamp);
  }
}

/**
 * [Note: lazy lower bounds]
 * For average and single linkage there is no per-cluster neighbour list to rewrite on a merge (a
 * family member's cluster absorbs thousands of faces one at a time; touching its whole
 * neighbourhood each time would be quadratic). Entries are lower bounds of the linkage distance
 * between the clusters they name, in this sense: for every pair of clusters within the threshold,
 * the smallest entry naming parts of both is ≤ their distance. Union–find maps names to today's
 * clusters. Merging needs no entry work, since by reducibility d(X∪Y, K) ≥ min(d(X,K), d(Y,K)),
 * and a part with no entry towards K is beyond the threshold from K (every pair within the
 * threshold is an edge).
 * Entries come from two sources, always taken smallest first:
 *  - the graph's edges, sorted once by their lower bound (a radix sort, then read in order: no
 *    heap work for the millions of edges that end up inside one cluster, which a heap of every
 *    edge spent most of the merge time sifting). An edge reached while its faces are apart is
 *    replaced by an exact entry for their clusters: the face distance between two lone faces,
 *    else the average linkage from the cluster means; for single linkage the face distance;
 *  - a heap of those exact entries. At its top: an entry inside one cluster is dropped; for
 *    average linkage an entry whose clusters changed since it was computed (a merge clock stamps
 *    entries) is recomputed from the means and sifted back (or dropped beyond the threshold);
 *    otherwise it is the globally closest pair, since every other pair is bounded below by some
 *    entry ≥ it, and the clusters merge. Single linkage needs no recomputing: entries are
 *    face-pair distances and the smallest one across two clusters is their distance (Kruskal).
 * Average linkage from means: for squared L2 the mean over all pairs of A × B is
 * s̄_A + s̄_B − 2·μ_A·μ_B (μ the mean embedding, s̄ the mean squared norm): no pair list, and exact
 * even for face pairs the graph never saw.
 * With a k-nearest graph "no entry means beyond the threshold" is an approximation, as in
 * [Note: sparse agglomeration]; with every pair within the threshold the result is exactly the
 * greedy one.
 */
async function agglomerateLazy(
  prep: Prepared,
  edges: EdgeBuckets,
  embeddings: Float32Array,
  dim: number,
  average: boolean,
  threshold: number,
  ticker: Ticker,
  slack: FaceSlack | undefined,
): Promise<{ finalOf: Int32Array; merges: number }> {
  const { m, comp } = prep;
  const widen = slack?.widen ?? 0;
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const g = parent[parent[x]!]!;
      parent[x] = g;
      x = g;
    }
    return x;
  };
  const size = new Float64Array(m);
  for (let c = 0; c < m; c++) size[c] = prep.compStart[c + 1]! - prep.compStart[c]!;

  // Means live at the cluster's id (a merged cluster keeps one child's id).
  const means = new Float32Array(average ? m * dim : 0);
  const meanSq = new Float64Array(average ? m : 0);
  if (average) {
    const acc = new Float64Array(dim);
    for (let c = 0; c < m; c++) {
      acc.fill(0);
      let sq = 0;
      for (let p = prep.compStart[c]!; p < prep.compStart[c + 1]!; p++) {
        const o = prep.compFaces[p]! * dim;
        for (let k = 0; k < dim; k++) {
          const v = embeddings[o + k]!;
          acc[k]! += v;
          sq += v * v;
        }
        // A face's slack enters every pair it is in once: carried as part of its squared norm.
        if (slack) sq -= slack.of[prep.compFaces[p]!]!;
      }
      for (let k = 0; k < dim; k++) means[c * dim + k] = acc[k]! / size[c]!;
      meanSq[c] = sq / size[c]!;
    }
  }
  const averageDistance = (x: number, y: number): number => {
    const ox = x * dim;
    const oy = y * dim;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += means[ox + k]! * means[oy + k]!;
    return meanSq[x]! + meanSq[y]! - 2 * dot;
  };

  // Merge clock: an entry stamped s is current for X while s > lastMerge[X].
  let clock = 1;
  const lastMerge = new Int32Array(m);

  const edge = edges.cursor();
  const heap = new PairHeap();

  // Cannot-link partners per cluster (initial ids, resolved with find).
  const blocked: (number[] | undefined)[] = new Array(m);
  for (let i = 0; i < prep.forbidden.length; i += 2) {
    const a = prep.forbidden[i]!;
    const b = prep.forbidden[i + 1]!;
    const la = blocked[a] ?? [];
    const lb = blocked[b] ?? [];
    la.push(b);
    lb.push(a);
    blocked[a] = la;
    blocked[b] = lb;
  }
  const isBlocked = (x: number, y: number): boolean => {
    const bx = blocked[x];
    const by = blocked[y];
    if (!bx || !by) return false;
    const [list, other] = bx.length <= by.length ? [bx, y] : [by, x];
    for (const id of list) if (find(id) === other) return true;
    return false;
  };

  // The last exact entry made per cluster, with its partner and stamp: later edges between the
  // same two unchanged clusters (one per face pair across them) add nothing and are dropped.
  const madeWith = new Int32Array(m).fill(-1);
  const madeAt = new Int32Array(m);
  const current = (x: number, y: number): boolean =>
    (madeWith[x] === y && madeAt[x]! > lastMerge[x]! && madeAt[x]! > lastMerge[y]!) ||
    (madeWith[y] === x && madeAt[y]! > lastMerge[x]! && madeAt[y]! > lastMerge[y]!);
  const made = (x: number, y: number, stamp: number): void => {
    madeWith[x] = y;
    madeAt[x] = stamp;
    madeWith[y] = x;
    madeAt[y] = stamp;
  };

  let merges = 0;
  for (;;) {
    const edgeBound = edge.bound - widen;
    const heapTop = heap.length > 0 ? heap.topValue : INF;
    if (edgeBound <= heapTop) {
      // An edge first: turn it into an exact entry unless its faces are already together.
      if (edgeBound > threshold) break;
      const fa = edge.a;
      const fb = edge.b;
      edge.advance();
      const a = find(comp[fa]!);
      const b = find(comp[fb]!);
      if (a === b) continue;
      if (!average) {
        const d = slackDistance(embeddings, fa, fb, dim, slack);
        if (d <= threshold) heap.push(d, a, b, clock);
        continue;
      }
      if (current(a, b)) continue;
      const d =
        size[a] === 1 && size[b] === 1
          ? slackDistance(embeddings, fa, fb, dim, slack)
          : averageDistance(a, b);
      made(a, b, clock + 1);
      if (d <= threshold) heap.push(d, a, b, clock + 1);
      continue;
    }
    if (heapTop > threshold) break;
    const a0 = heap.topA;
    const b0 = heap.topB;
    const a = find(a0);
    const b = find(b0);
    if (a === b) {
      heap.pop();
      continue;
    }
    const stamp = heap.topStamp;
    if (average && (a0 !== a || b0 !== b || stamp <= lastMerge[a]! || stamp <= lastMerge[b]!)) {
      if (current(a, b)) {
        heap.pop();
        continue;
      }
      made(a, b, clock + 1);
      const d = averageDistance(a, b);
      if (d <= threshold) heap.replaceTop(d, a, b, clock + 1);
      else heap.pop();
      continue;
    }
    heap.pop();
    if (isBlocked(a, b)) continue;
    // The globally closest pair: the bigger cluster keeps its id.
    const [c, o] = size[a]! >= size[b]! ? [a, b] : [b, a];
    parent[o] = c;
    if (average) {
      const wc = size[c]! / (size[c]! + size[o]!);
      const wo = 1 - wc;
      for (let k = 0; k < dim; k++) means[c * dim + k] = wc * means[c * dim + k]! + wo * means[o * dim + k]!;
      meanSq[c] = wc * meanSq[c]! + wo * meanSq[o]!;
    }
    size[c]! += size[o]!;
    lastMerge[c] = ++clock;
    const bo = blocked[o];
    if (bo) {
      const bc = blocked[c];
      if (!bc) blocked[c] = bo;
      else if (bc.length >= bo.length) for (const id of bo) bc.push(id);
      else {
        for (const id of bc) bo.push(id);
        blocked[c] = bo;
      }
      blocked[o] = undefined;
    }
    merges++;
    if (ticker.due()) await ticker.pause('merge', merges, m);
  }
  ticker.report('merge', m, m);

  const rootRep = new Int32Array(m).fill(-1);
  const finalOf = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    const r = find(c);
    if (rootRep[r]! < 0) rootRep[r] = c;
    finalOf[c] = rootRep[r]!;
  }
  return { finalOf, merges };
}

/** Agglomerates the initial clusters of `prep` over the candidate graph `edges`. */
export function agglomerateSparse(
  prep: Prepared,
  edges: EdgeBuckets,
  embeddings: Float32Array,
  dim: number,
  linkage: Linkage,
  threshold: number,
  ticker: Ticker,
  slack?: FaceSlack | undefined,
): Promise<{ finalOf: Int32Array; merges: number }> {
  if (linkage === 'complete')
    return agglomerateComplete(prep, exactEdges(edges, embeddings, dim, threshold, slack), threshold, ticker);
  return agglomerateLazy(prep, edges, embeddings, dim, linkage === 'average', threshold, ticker, slack);
}
