// What the People, person, photo and review views read: the cached People list (patched per
// correction), unassigned faces, suggestions, merge candidates and grouping quality.
import { basename } from 'node:path';
import { ApiError, type Output, type ParsedInput, type PersonSummary } from '../../shared/api.ts';
import { ignoredFaces } from '../people/ignored.ts';
import type { Person } from '../store/types.ts';
import type { ChangeReason, ServiceContext } from './context.ts';
import { groupingQuality } from './grouping-quality.ts';
import { recognitionOf } from './improve.ts';
import { apartPairs, pairKey, personVectors, rankCandidates, suggestPairs } from './merge-suggestions.ts';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function summaryOf(p: Person): PersonSummary {
  return {
    id: p.id,
    name: p.name,
    hidden: p.hidden,
    coverFaceId: p.coverFaceId,
    faceCount: p.faceCount,
    photoCount: p.photoCount,
  };
}

/** Photos sort by capture date (undated last), then path. */
function byDate(a: { takenAt: string | null; path: string }, b: { takenAt: string | null; path: string }) {
  if (a.takenAt !== b.takenAt) {
    if (a.takenAt === null) return 1;
    if (b.takenAt === null) return -1;
    return a.takenAt < b.takenAt ? -1 : 1;
  }
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export class PeopleView {
  readonly #ctx: ServiceContext;
  #people: PersonSummary[] | null = null;
  #unassigned: number | null = null;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /**
   * Drops what a change made stale. A correction names the people it touched, so only their rows of
   * the cached People list are read again (on a 2,000-person library the full query is hundreds of
   * ms, one person's row well under one); anything else re-reads everything.
   */
  invalidate(reason: ChangeReason, personIds: readonly number[]): void {
    this.#unassigned = null;
    if (reason === 'correction' || reason === 'undo' || reason === 'redo') this.#patchPeople(personIds);
    else this.#people = null;
  }

  allPeople(): PersonSummary[] {
    this.#ctx.noticeOutsideWrites();
    this.#people ??= this.#ctx.library.read.listPeople({ includeHidden: true }).map(summaryOf);
    return this.#people;
  }

  unassignedCount(): number {
    this.#ctx.noticeOutsideWrites();
    this.#unassigned ??=
      ignoredFaces(this.#ctx.library.read).size === 0
        ? this.#ctx.library.read.countUnassignedFaces()
        : this.unassignedFaces().length;
    return this.#unassigned;
  }

  /** Faces in no person, less those the user dismissed (ignored.ts). */
  unassignedFaces() {
    const read = this.#ctx.library.read;
    const ignored = ignoredFaces(read);
    const all = read.listUnassignedFaces();
    return ignored.size === 0 ? all : all.filter((f) => !ignored.has(f.faceId));
  }

  listPeople(input: ParsedInput<'listPeople'>): Output<'listPeople'> {
    const all = this.allPeople();
    const hidden = all.reduce((n, p) => n + (p.hidden ? 1 : 0), 0);
    const q = fold(input.search.trim());
    let people = all.filter(
      (p) =>
        (input.includeHidden || !p.hidden) && (q === '' || (p.name !== null && fold(p.name).includes(q))),
    );
    if (input.sort === 'name') {
      people = [...people].sort((a, b) => {
        if (a.name === null || b.name === null) {
          if (a.name !== b.name) return a.name === null ? 1 : -1;
          return b.faceCount - a.faceCount || a.id - b.id;
        }
        return collator.compare(a.name, b.name) || a.id - b.id;
      });
    }
    if (input.limit !== undefined && input.limit < people.length) people = people.slice(0, input.limit);
    return { people, total: all.length - hidden, hidden };
  }

  getPerson(personId: number): Output<'getPerson'> {
    const p = this.#ctx.library.read.getPerson(personId);
    if (!p) throw new ApiError('not-found', `There is no person #${personId}.`);
    const photoRows = this.#ctx.library.read.listPersonPhotos(personId);
    const photos = new Map(
      photoRows.map((r) => [r.photoId, { ...r, fileName: basename(r.path), faceIds: [] as number[] }]),
    );
    const faces = p.faces.map((f) => {
      const photo = photos.get(f.photoId);
      photo?.faceIds.push(f.faceId);
      return {
        faceId: f.faceId,
        photoId: f.photoId,
        box: f.box,
        source: f.source,
        confidence: f.confidence,
        takenAt: photo?.takenAt ?? null,
        dateApproximate: photo?.dateApproximate ?? false,
      };
    });
    const sortedPhotos = [...photos.values()].sort(byDate);
    const order = new Map(sortedPhotos.map((ph, i) => [ph.photoId, i]));
    faces.sort((a, b) => (order.get(a.photoId) ?? 0) - (order.get(b.photoId) ?? 0) || a.faceId - b.faceId);
    return { person: summaryOf(p), faces, photos: sortedPhotos };
  }

  getPhoto(photoId: number): Output<'getPhoto'> {
    const photo = this.#ctx.library.read.getPhotoListing(photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${photoId}.`);
    return {
      photo: { ...photo, fileName: basename(photo.path) },
      faces: this.#ctx.library.read.listPhotoFaces(photoId).map((f) => ({
        faceId: f.faceId,
        box: { x: f.x, y: f.y, w: f.w, h: f.h },
        source: f.source,
        personId: f.personId,
        personName: f.personName,
        assignment: f.assignment,
      })),
    };
  }

  listSuggestions(input: ParsedInput<'listSuggestions'>): Output<'listSuggestions'> {
    const { personId, maxConfidence, limit } = input;
    return {
      faces: this.#ctx.library.read.listSuggestions(personId, maxConfidence, limit).map((r) => ({
        faceId: r.faceId,
        photoId: r.photoId,
        personId: r.personId,
        box: { x: r.x, y: r.y, w: r.w, h: r.h },
        confidence: r.confidence,
      })),
    };
  }

  listPhotos(input: ParsedInput<'listPhotos'>): Output<'listPhotos'> {
    const { total, rows } = this.#ctx.library.read.listPhotosWithAll(
      input.personIds,
      input.limit,
      input.offset,
    );
    return { total, photos: rows.map((r) => ({ ...r, fileName: basename(r.path) })) };
  }

  // ── merging and grouping quality (issue 15 items 6 and 13) ──

  mergeCandidates(personId: number): Output<'listMergeCandidates'> {
    const library = this.#ctx.library;
    if (!library.read.getPersonRecord(personId)) {
      throw new ApiError('not-found', `There is no person #${personId}.`);
    }
    const embedderId = library.read.embedderCounts()[0]?.embedderId;
    const { threshold } = embedderId === undefined ? { threshold: 1 } : recognitionOf(library);
    const people = embedderId === undefined ? [] : personVectors(library, embedderId);
    const target = people.find((p) => p.id === personId)?.centroid ?? null;
    return {
      candidates: rankCandidates(
        target,
        people.filter((p) => p.id !== personId),
        threshold,
      ),
    };
  }

  mergeSuggestions(limit: number): Output<'listMergeSuggestions'> {
    const library = this.#ctx.library;
    const embedderId = library.read.embedderCounts()[0]?.embedderId;
    if (embedderId === undefined) return { pairs: [] };
    const { threshold } = recognitionOf(library);
    const apart = apartPairs(library);
    const byId = new Map(this.allPeople().map((p) => [p.id, p]));
    const visible = personVectors(library, embedderId).filter((p) => byId.get(p.id)?.hidden === false);
    const pairs = suggestPairs(visible, threshold, (a, b) => apart.has(pairKey(a, b)), limit);
    return { pairs: pairs.map((p) => ({ a: byId.get(p.a)!, b: byId.get(p.b)!, similarity: p.similarity })) };
  }

  async groupingQuality(): Promise<Output<'getGroupingQuality'>> {
    const library = this.#ctx.library;
    if (library.read.embedderCounts()[0] === undefined) return null;
    const { embedderId, threshold } = recognitionOf(library);
    return groupingQuality(library, embedderId, threshold);
  }

  #patchPeople(personIds: readonly number[]): void {
    const cached = this.#people;
    if (!cached) return;
    const byId = new Map(cached.map((p) => [p.id, p]));
    for (const id of personIds) {
      const row = this.#ctx.library.read.getPersonSummary(id);
      if (row) byId.set(id, summaryOf(row));
      else byId.delete(id);
    }
    // The reader's order: most faces first, then id.
    this.#people = [...byId.values()].sort((a, b) => b.faceCount - a.faceCount || a.id - b.id);
  }
}
