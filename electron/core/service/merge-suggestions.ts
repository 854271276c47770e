// Merging made easy (issue 15, item 6): who to merge a person with, nearest first, and pairs of people
// that are probably one person. A person is represented by the unit mean of its faces' embeddings (as
// clustering sees them, through the learned adapter); likeness is read against the grouping threshold.
import { effectiveEmbeddings } from '../people/improve.ts';
import type { Library } from '../store/library.ts';

/** A person as ranking sees it; `centroid` is null for a person without embeddings. */
export interface PersonVector {
  id: number;
  name: string | null;
  faceCount: number;
  centroid: Float32Array | null;
}

export interface RankedCandidate {
  personId: number;
  /** 0..1 (see likeness); null when either person has no embedding. */
  similarity: number | null;
}

export interface MergePair {
  a: number;
  b: number;
  similarity: number;
}

/**
 * Likeness of two people from the squared distance of their centroids: 1 on top of each other, 0.5 at
 * the grouping threshold (where Kith would still group them), 0 at twice the threshold or beyond.
 */
export function likeness(distance: number, threshold: number): number {
  return Math.min(1, Math.max(0, 1 - distance / (2 * threshold)));
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k]! - b[k]!;
    s += d * d;
  }
  return s;
}

/**
 * Merge candidates for one person, most alike first. Likeness is compared in steps of 10%: within a
 * step, named people come first (what one merges into), then the nearer. People without an embedding
 * come last, most faces first.
 */
export function rankCandidates(
  target: Float32Array | null,
  people: readonly PersonVector[],
  threshold: number,
): RankedCandidate[] {
  const scored = people.map((p) => {
    const d = target && p.centroid ? squaredDistance(target, p.centroid) : Number.POSITIVE_INFINITY;
    const similarity = Number.isFinite(d) ? likeness(d, threshold) : null;
    return { p, d, similarity, step: similarity === null ? -1 : Math.floor(similarity * 10) };
  });
  scored.sort(
    (x, y) =>
      y.step - x.step ||
      Number(y.p.name !== null) - Number(x.p.name !== null) ||
      x.d - y.d ||
      y.p.faceCount - x.p.faceCount ||
      x.p.id - y.p.id,
  );
  return scored.map(({ p, similarity }) => ({ personId: p.id, similarity }));
}

/**
 * Pairs of people whose centroids are within the threshold (clustering kept them apart only because
 * average linkage over all their faces is further), most alike first; `apart` pairs (the user said
 * "different people", or split them) are never suggested.
 */
export function suggestPairs(
  people: readonly PersonVector[],
  threshold: number,
  apart: (a: number, b: number) => boolean,
  limit: number,
): MergePair[] {
  const out: Array<MergePair & { d: number }> = [];
  for (let i = 0; i < people.length; i++) {
    const a = people[i]!;
    if (!a.centroid) continue;
    for (let j = i + 1; j < people.length; j++) {
      const b = people[j]!;
      if (!b.centroid || apart(a.id, b.id)) continue;
      const d = squaredDistance(a.centroid, b.centroid);
      if (d <= threshold) out.push({ a: a.id, b: b.id, similarity: likeness(d, threshold), d });
    }
  }
  out.sort((x, y) => x.d - y.d || x.a - y.a || x.b - y.b);
  return out.slice(0, limit).map(({ a, b, similarity }) => ({ a, b, similarity }));
}

/** Unit mean embedding per person, from the library's faces through the kept adapter. */
export function personCentroids(library: Library, embedderId: string): Map<number, Float32Array> {
  const m = effectiveEmbeddings(library, embedderId);
  const row = new Map<number, number>();
  m.faceIds.forEach((id, i) => {
    row.set(id, i);
  });
  const sums = new Map<number, Float32Array>();
  for (const a of library.read.listAssignments()) {
    const r = row.get(a.faceId);
    if (r === undefined) continue;
    let s = sums.get(a.personId);
    if (!s) {
      s = new Float32Array(m.dim);
      sums.set(a.personId, s);
    }
    const v = m.row(r);
    for (let k = 0; k < m.dim; k++) s[k]! += v[k]!;
  }
  for (const s of sums.values()) {
    const norm = Math.hypot(...s);
    if (norm > 0) for (let k = 0; k < s.length; k++) s[k]! /= norm;
  }
  return sums;
}

/** "a:b" for a person pair in either order. */
export const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** The people of the library as PersonVectors (visible ones unless `includeHidden`). */
export function personVectors(library: Library, embedderId: string): PersonVector[] {
  const centroids = personCentroids(library, embedderId);
  return library.read.listPeople().map((p) => ({
    id: p.id,
    name: p.name,
    faceCount: p.faceCount,
    centroid: centroids.get(p.id) ?? null,
  }));
}

/** Person pairs the user keeps apart (person–person cannot-links: "different people", splits). */
export function apartPairs(library: Library): Set<string> {
  const out = new Set<string>();
  for (const c of library.read.listConstraints()) {
    if (c.form === 'person-person') out.add(pairKey(c.personA, c.personB));
  }
  return out;
}
