// The user's corrections to people. Each is ONE transaction that (a) changes assignments/people,
// (b) records the constraints that make it permanent (recluster.ts turns them into must-/cannot-links
// and writeClustering never rewrites user rows), and (c) logs the payload plus an exact before-image
// of every row it touched, so undo restores the previous state exactly and redo re-applies the payload.
//
// [Note: correction semantics]
// - A user assignment always comes with a face–person must_link row ("confirmed in P"), and a face
//   leaving a person gets a face–person cannot_link row ("not P, ever"). One row per pair: the newest
//   intent replaces an older one (moving a face back to P turns "not P" into "confirmed in P").
// - Anchors: recluster.ts resolves face–person and person–person constraints through the person's first
//   user-assigned face. A person with only auto faces has none, and the clusterer would not see "not P"
//   (e.g. a moved face would drag P's faces into its new person on the next re-cluster). So a correction
//   that records a cannot-link against P confirms one face of P — its cover, which is the face the user
//   sees as P — when P has no user face yet.
// - Merge confirms every face of the target and the sources. Pinning only the sources would let the
//   target's auto faces drift off into a new unnamed person (average linkage against a pinned blob of
//   two modes). A person–person cannot-link between merged people is removed, not refused: the merge is
//   the user's newest word, there is no other verb to remove such a link, and undo brings it back.
//   The sources' constraints move to the target (face–person: must_link wins over cannot_link, since the
//   face is in the merged person; person–person: "S ≠ X" becomes "target ≠ X").
// - Person ids can be re-used by SQLite after a delete (no AUTOINCREMENT). When undo must bring back a
//   person whose id a re-cluster has given to someone else (or redo must re-make one), it takes a new id
//   and re-maps that id in the log rows that meant the old person (earlier rows on undo, later on redo).
// - Faces that no longer exist (re-analysed photo, deleted file) are skipped by undo: nothing else can
//   be done for them, and the rest of the correction is still restored.

import { quantizeInt8 } from '../../../ml/embed/quantize.ts';
import type { Box, FaceQuality, Landmarks5 } from '../../../ml/types.ts';
import { checkName } from '../../shared/names.ts';
import type { Library } from '../store/library.ts';
import type {
  AssignmentRecord,
  ConstraintKey,
  ConstraintRecord,
  CorrectionRecord,
  PersonRecord,
} from '../store/reader.ts';
import {
  argsOf,
  type CorrectionOp,
  type CorrectionPayload,
  type ManualFaceRecord,
  type PersonImage,
  parsePayload,
  parseUndoImage,
  personPerson,
  remapImage,
  remapKey,
  remapPayload,
  remapPayloadFaces,
  type UndoImage,
} from './correction-log.ts';

export type { CorrectionOp, CorrectionPayload } from './correction-log.ts';

import { IGNORED_FACES_KEY, ignoredFaces } from './ignored.ts';

export interface CorrectionResult {
  correctionId: number;
  op: CorrectionOp;
  /** People touched or created (for undo: those the undo touched, some may be gone again). */
  personIds: number[];
}

/** A hand-drawn face's analysis (ml/manual-face.ts); no embedding when no face model could run. */
export interface ManualFaceData {
  landmarks: Landmarks5 | null;
  quality: FaceQuality | null;
  embedding: Float32Array | null;
  embedderId: string | null;
}

function faceRecordOf(f: ManualFaceData): ManualFaceRecord {
  const e = f.embedding;
  return {
    landmarks: f.landmarks,
    quality: f.quality,
    embedding: e && Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('base64'),
    embedderId: e ? f.embedderId : null,
  };
}

function faceDataOf(r: ManualFaceRecord): ManualFaceData {
  const bytes = r.embedding === null ? null : new Uint8Array(Buffer.from(r.embedding, 'base64'));
  return {
    landmarks: r.landmarks,
    quality: r.quality,
    embedding: bytes && new Float32Array(bytes.buffer, 0, bytes.byteLength / 4),
    embedderId: r.embedderId,
  };
}

/** One line of the log for the UI (the shape of electron/shared/api.ts's HistoryEntry, plus the payload). */
export interface CorrectionEntry {
  correctionId: number;
  op: CorrectionOp;
  /** One line for the UI, e.g. `Merged #5 into #3`. */
  summary: string;
  /** Undone entries are the redo stack. */
  undone: boolean;
  createdAt: number;
  payload: CorrectionPayload;
}

export type CorrectionErrorCode =
  | 'invalid-id'
  | 'unknown-person'
  | 'unknown-face'
  | 'no-faces'
  | 'no-people'
  | 'face-not-assigned'
  | 'face-not-in-person'
  | 'same-person'
  | 'mixed-people'
  | 'split-all'
  | 'unknown-photo'
  | 'invalid-box'
  | 'invalid-name'
  | 'corrupt-log';

/** A correction that cannot be made as asked; the transaction wrote nothing. */
export class CorrectionError extends Error {
  readonly code: CorrectionErrorCode;
  constructor(code: CorrectionErrorCode, message: string) {
    super(message);
    this.name = 'CorrectionError';
    this.code = code;
  }

  /** The API's error class for it: a missing thing, a malformed request, or a rule that refuses it. */
  get category(): 'not-found' | 'invalid-request' | 'conflict' {
    switch (this.code) {
      case 'unknown-person':
      case 'unknown-face':
      case 'unknown-photo':
        return 'not-found';
      case 'invalid-id':
      case 'invalid-box':
      case 'invalid-name':
      case 'no-faces':
      case 'no-people':
        return 'invalid-request';
      default:
        return 'conflict';
    }
  }
}

// ── undo image ──────────────────────────────────────────────────────────────────────────────

const facePerson = (faceId: number, personId: number): ConstraintKey => ({
  faceA: faceId,
  faceB: null,
  personId,
  otherPersonId: null,
});

const keyOf = (c: ConstraintKey): ConstraintKey => ({
  faceA: c.faceA,
  faceB: c.faceB,
  personId: c.personId,
  otherPersonId: c.otherPersonId,
});

const keyString = (k: ConstraintKey) => `${k.faceA}:${k.faceB}:${k.personId}:${k.otherPersonId}`;

function checkId(id: unknown, what: string): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new CorrectionError('invalid-id', `${what} must be a positive integer id, got ${String(id)}`);
  }
  return id;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Smallest side of a hand-drawn face box, in photo pixels. */
const MIN_BOX = 4;

/**
 * The box cut to the photo (when its size is known); null unless it is a finite box with sides of at
 * least MIN_BOX pixels on the photo.
 */
export function clampBox(box: Box, width: number | null, height: number | null): Box | null {
  const { x, y, w, h } = box;
  if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) return null;
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = width === null ? x + w : Math.min(width, x + w);
  const y1 = height === null ? y + h : Math.min(height, y + h);
  if (x1 - x0 < MIN_BOX || y1 - y0 < MIN_BOX) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * The rows one correction touches, snapshotted before its first write to each: the undo image.
 * Every write of a correction goes through here, so nothing escapes the image.
 */
class Change {
  readonly #lib: Library;
  readonly correctionId: number;
  readonly #people = new Map<number, PersonImage>();
  readonly #assignments = new Map<number, AssignmentRecord | null>();
  readonly #constraints = new Map<string, { key: ConstraintKey; before: ConstraintRecord | null }>();
  readonly #faces: number[] = [];
  #ignored: number[] | undefined;

  constructor(lib: Library, correctionId: number) {
    this.#lib = lib;
    this.correctionId = correctionId;
  }

  /** The person's row; a CorrectionError when there is none. */
  person(id: number): PersonRecord {
    const p = this.#lib.read.getPersonRecord(checkId(id, 'person'));
    if (!p) throw new CorrectionError('unknown-person', `There is no person #${id}.`);
    return p;
  }

  /** Distinct existing faces with their assignment; a CorrectionError for none or an unknown one. */
  faces(ids: readonly number[]): Array<{ faceId: number; assignment: AssignmentRecord | undefined }> {
    if (ids.length === 0) throw new CorrectionError('no-faces', 'No faces given.');
    return unique(ids).map((id) => {
      if (!this.#lib.read.faceExists(checkId(id, 'face'))) {
        throw new CorrectionError('unknown-face', `There is no face ${id}.`);
      }
      return { faceId: id, assignment: this.#lib.read.getAssignment(id) };
    });
  }

  #touchPerson(id: number, write: boolean): void {
    const seen = this.#people.get(id);
    if (seen) {
      if (write && seen.before) seen.written = true;
      return;
    }
    const before = this.#lib.read.getPersonRecord(id);
    // A person referenced by a touched row is snapshotted too, so undo can bring it back if a
    // re-cluster deleted it meanwhile (assignments and constraints need it to exist).
    if (before) this.#people.set(id, { id, before, written: write, deleted: false });
  }

  #touchAssignment(faceId: number): void {
    if (this.#assignments.has(faceId)) return;
    const before = this.#lib.read.getAssignment(faceId) ?? null;
    this.#assignments.set(faceId, before);
    if (before) this.#touchPerson(before.personId, false);
  }

  #touchConstraint(key: ConstraintKey): void {
    const k = keyString(key);
    if (this.#constraints.has(k)) return;
    this.#constraints.set(k, { key: keyOf(key), before: this.#lib.read.getConstraintAt(key) ?? null });
    if (key.personId !== null) this.#touchPerson(key.personId, false);
    if (key.otherPersonId !== null) this.#touchPerson(key.otherPersonId, false);
  }

  /** Makes an unnamed person, with `preferredId` when free (redo). */
  createPerson(preferredId?: number): number {
    const w = this.#lib.write;
    const id = preferredId === undefined ? w.createPerson(null) : w.createPersonPreferring(preferredId);
    this.#people.set(id, { id, before: null, createdAt: this.#lib.read.getPersonRecord(id)!.createdAt });
    return id;
  }

  /** Stores a hand-drawn face, as `preferredId` when free (redo). */
  addFace(photoId: number, box: Box, face: ManualFaceData, preferredId?: number): number {
    const e = face.embedding;
    const id = this.#lib.write.insertManualFace(
      {
        photoId,
        box,
        landmarks: face.landmarks,
        quality: face.quality,
        embedding: e,
        embeddingQ: e && quantizeInt8(e),
        embedderId: e ? face.embedderId : null,
      },
      preferredId,
    );
    this.#faces.push(id);
    return id;
  }

  rename(id: number, name: string | null): void {
    this.#touchPerson(id, true);
    this.#lib.write.renamePerson(id, name);
  }

  setHidden(id: number, hidden: boolean): void {
    this.#touchPerson(id, true);
    this.#lib.write.setPersonHidden(id, hidden);
  }

  setCover(id: number, faceId: number | null): void {
    this.#touchPerson(id, true);
    this.#lib.write.setPersonCover(id, faceId);
  }

  deletePerson(id: number): void {
    this.#touchPerson(id, true);
    const seen = this.#people.get(id);
    if (seen?.before) seen.deleted = true;
    this.#lib.write.deletePerson(id);
  }

  /** The face becomes a user assignment of the person (no model confidence: the user said so). */
  assign(faceId: number, personId: number): void {
    this.#touchAssignment(faceId);
    this.#touchPerson(personId, false);
    this.#lib.write.assignFace(faceId, personId, 'user', null);
  }

  unassign(faceId: number): void {
    this.#touchAssignment(faceId);
    this.#lib.write.unassignFace(faceId);
  }

  /** Sets a pair's constraint to `kind`, unless it already is (keeps unchanged rows out of the image). */
  constrain(key: ConstraintKey, kind: ConstraintRecord['kind']): void {
    if (this.#lib.read.getConstraintAt(key)?.kind === kind) return;
    this.#touchConstraint(key);
    this.#lib.write.putConstraintAt(key, kind, this.correctionId);
  }

  unconstrain(key: ConstraintKey): void {
    this.#touchConstraint(key);
    this.#lib.write.deleteConstraintAt(key);
  }

  /** Adds faces to the dismissed list (ignored.ts), keeping the list as it was for undo. */
  ignore(faceIds: readonly number[]): void {
    const before = ignoredFaces(this.#lib.read);
    this.#ignored ??= [...before].sort((a, b) => a - b);
    const next = new Set([...before, ...faceIds].filter((id) => this.#lib.read.faceExists(id)));
    this.#lib.write.setSetting(
      IGNORED_FACES_KEY,
      [...next].sort((a, b) => a - b),
    );
  }

  image(): UndoImage {
    return {
      v: 1,
      people: [...this.#people.values()],
      assignments: [...this.#assignments].map(([faceId, before]) => ({ faceId, before })),
      constraints: [...this.#constraints.values()],
      ...(this.#faces.length > 0 && { faces: [...this.#faces] }),
      ...(this.#ignored && { ignored: this.#ignored }),
    };
  }
}

// ── log rows ─────────────────────────────────────────────────────────────────────────────────

function payloadOf(row: CorrectionRecord): CorrectionPayload {
  const p = parsePayload(row.op, row.payload);
  if (typeof p === 'string') {
    throw new CorrectionError('corrupt-log', `correction ${row.id}: unreadable ${row.op} payload: ${p}`);
  }
  return p;
}

function undoImageOf(row: CorrectionRecord): UndoImage {
  const img = parseUndoImage(row.undo);
  if (typeof img === 'string') {
    throw new CorrectionError('corrupt-log', `correction ${row.id}: unreadable undo data: ${img}`);
  }
  return img;
}

function summaryOf(p: CorrectionPayload): string {
  const faces = (ids: readonly number[]) => (ids.length === 1 ? '1 face' : `${ids.length} faces`);
  const people = (ids: readonly number[]) => ids.map((i) => `#${i}`).join(', ');
  switch (p.op) {
    case 'rename':
      return p.name === null ? `Cleared the name of #${p.personId}` : `Named #${p.personId} "${p.name}"`;
    case 'merge':
      return `Merged ${people(p.sourceIds)} into #${p.targetId}`;
    case 'move':
      return p.to === 'new'
        ? `Moved ${faces(p.faceIds)} to a new person${p.newPersonId === undefined ? '' : ` #${p.newPersonId}`}`
        : `Moved ${faces(p.faceIds)} to #${p.to}`;
    case 'split':
      return `Split ${faces(p.faceIds)} off${p.fromPersonId === undefined ? '' : ` #${p.fromPersonId}`}${
        p.newPersonId === undefined ? '' : ` into #${p.newPersonId}`
      }`;
    case 'reject':
      return `Removed ${faces(p.faceIds)} from their person`;
    case 'confirm':
      return `Confirmed ${faces(p.faceIds)} in #${p.personId}`;
    case 'set-hidden':
      return `${p.hidden ? 'Hid' : 'Showed'} #${p.personId}`;
    case 'set-cover':
      return `Set the cover of #${p.personId} to face ${p.faceId}`;
    case 'dismiss':
      return `Dismissed #${p.personId}: its faces are ignored`;
    case 'keep-apart':
      return `Kept #${p.personIds[0]} and #${p.personIds[1]} apart`;
    case 'add-face':
      return p.to === 'new'
        ? `Added a face by hand as a new person${p.newPersonId === undefined ? '' : ` #${p.newPersonId}`}`
        : `Added a face by hand to #${p.to}`;
  }
}

// ── the operations ────────────────────────────────────────────────────────────────────────────

interface Applied {
  personIds: number[];
  payload: CorrectionPayload;
  /** Person ids redo had to change (the recorded one was taken). */
  remap?: Map<number, number>;
  /** Face ids redo had to change (a hand-drawn face's id was taken). */
  faceRemap?: Map<number, number>;
}

export class Corrections {
  readonly #lib: Library;

  constructor(library: Library) {
    this.#lib = library;
  }

  /** Names a person under the name rule (shared/names.ts: trimmed, NFC; an empty name clears it). */
  renamePerson(personId: number, name: string | null): CorrectionResult {
    const checked = checkName(name);
    if (!checked.ok) throw new CorrectionError('invalid-name', checked.problem);
    return this.#run({ op: 'rename', personId, name: checked.name });
  }

  /**
   * Merges the sources into the target: every face becomes a user assignment of the target, the
   * sources' constraints move to it and the sources are deleted. The target keeps its name, or takes the
   * first named source's. A "these differ" link between merged people is removed (undo restores it).
   */
  mergePeople(targetId: number, sourceIds: readonly number[]): CorrectionResult {
    return this.#run({ op: 'merge', targetId, sourceIds: [...sourceIds] });
  }

  /** Faces become user assignments of `to` (or of a new person), and "not <previous person>" forever. */
  moveFaces(faceIds: readonly number[], to: number | 'new'): CorrectionResult {
    return this.#run({ op: 'move', faceIds: [...faceIds], to });
  }

  /** Moves faces of one person to a new person that clustering must keep apart from it. */
  splitFaces(faceIds: readonly number[]): CorrectionResult {
    return this.#run({ op: 'split', faceIds: [...faceIds] });
  }

  /** "Not this person": the faces leave their person for good and become unassigned. */
  rejectFaces(faceIds: readonly number[]): CorrectionResult {
    return this.#run({ op: 'reject', faceIds: [...faceIds] });
  }

  /** Auto-assigned faces of the person become user assignments. */
  confirmFaces(faceIds: readonly number[], personId: number): CorrectionResult {
    return this.#run({ op: 'confirm', faceIds: [...faceIds], personId });
  }

  setHidden(personId: number, hidden: boolean): CorrectionResult {
    return this.#run({ op: 'set-hidden', personId, hidden });
  }

  /** The face must be one of the person's. */
  setCover(personId: number, faceId: number): CorrectionResult {
    return this.#run({ op: 'set-cover', personId, faceId });
  }

  /**
   * A face the user drew on a photo (box in the photo's oriented pixels, cut to the photo), assigned
   * to `to` (or a new person) as a confirmed face: a user assignment with its must-link. `face` is its
   * analysis (ml/manual-face.ts), computed before this transaction. Undo deletes the face.
   */
  addFace(photoId: number, box: Box, to: number | 'new', face: ManualFaceData): CorrectionResult {
    return this.#run({ op: 'add-face', photoId, box: { ...box }, to, face: faceRecordOf(face) });
  }

  /**
   * "Not a face" / "ignore these": every face of the person leaves it and is ignored from then on
   * (no grouping, no recognition, not listed as unassigned); the person is deleted. Undo restores all.
   */
  dismissPerson(personId: number): CorrectionResult {
    return this.#run({ op: 'dismiss', personId });
  }

  /**
   * "Different people": the two are never merged by grouping (a person–person cannot-link; each gets
   * an anchor face, see the note at the top). Merging them by hand later removes the link.
   */
  keepApart(a: number, b: number): CorrectionResult {
    return this.#run({ op: 'keep-apart', personIds: [a, b] });
  }

  /** Reverts the newest done correction exactly; null when there is none. */
  undo(): CorrectionResult | null {
    const { read, write } = this.#lib;
    return write.immediateTransaction(() => {
      const row = read.lastDoneCorrection();
      if (!row) return null;
      const payload = payloadOf(row);
      const { map, personIds } = this.#restore(undoImageOf(row));
      // Rows up to this one meant the restored person by its old id.
      if (map.size > 0) {
        for (const r of read.listCorrectionsBetween(0, row.id)) {
          write.updateCorrection(
            r.id,
            argsOf(remapPayload(payloadOf(r), map)),
            remapImage(undoImageOf(r), map),
            r.state,
          );
        }
      }
      write.updateCorrection(row.id, argsOf(remapPayload(payload, map)), row.undo, 'undone');
      return { correctionId: row.id, op: payload.op, personIds };
    });
  }

  /** Re-applies the oldest undone correction; null when there is none. */
  redo(): CorrectionResult | null {
    const { read, write } = this.#lib;
    return write.immediateTransaction(() => {
      const row = read.correctionAfter(read.lastDoneCorrection()?.id ?? 0);
      if (row?.state !== 'undone') return null;
      const change = new Change(this.#lib, row.id);
      const applied = this.#apply(change, payloadOf(row));
      if (applied.remap || applied.faceRemap) {
        // Later rows meant the person (face) this one makes by the id it had before.
        for (const r of read.listCorrectionsBetween(row.id, Number.MAX_SAFE_INTEGER)) {
          let next = payloadOf(r);
          if (applied.remap) next = remapPayload(next, applied.remap);
          if (applied.faceRemap) next = remapPayloadFaces(next, applied.faceRemap);
          write.updateCorrection(r.id, argsOf(next), r.undo, r.state);
        }
      }
      write.updateCorrection(row.id, argsOf(applied.payload), change.image(), 'done');
      return { correctionId: row.id, op: applied.payload.op, personIds: applied.personIds };
    });
  }

  canUndo(): boolean {
    return this.#lib.read.lastDoneCorrection() !== undefined;
  }

  canRedo(): boolean {
    return this.#lib.read.correctionAfter(this.#lib.read.lastDoneCorrection()?.id ?? 0) !== undefined;
  }

  /** The log, newest first (undone entries first: they are the redo stack). */
  history(limit = 50): CorrectionEntry[] {
    return this.#lib.read.listCorrections(limit).map((row) => {
      const payload = payloadOf(row);
      return {
        correctionId: row.id,
        op: payload.op,
        summary: summaryOf(payload),
        undone: row.state === 'undone',
        createdAt: row.createdAt,
        payload,
      };
    });
  }

  #run(payload: CorrectionPayload): CorrectionResult {
    const { write } = this.#lib;
    return write.immediateTransaction(() => {
      write.deleteUndoneCorrections(); // a new correction discards the redo stack
      const id = write.insertCorrection(payload.op, argsOf(payload), {});
      const change = new Change(this.#lib, id);
      const applied = this.#apply(change, payload);
      write.updateCorrection(id, argsOf(applied.payload), change.image(), 'done');
      return { correctionId: id, op: payload.op, personIds: applied.personIds };
    });
  }

  #apply(ch: Change, p: CorrectionPayload): Applied {
    switch (p.op) {
      case 'rename':
        ch.person(p.personId);
        ch.rename(p.personId, p.name);
        return { personIds: [p.personId], payload: p };
      case 'set-hidden':
        ch.person(p.personId);
        ch.setHidden(p.personId, p.hidden);
        return { personIds: [p.personId], payload: p };
      case 'set-cover': {
        ch.person(p.personId);
        const [face] = ch.faces([p.faceId]);
        if (face!.assignment?.personId !== p.personId) {
          throw new CorrectionError(
            'face-not-in-person',
            `Face ${p.faceId} is not in person #${p.personId}.`,
          );
        }
        ch.setCover(p.personId, p.faceId);
        return { personIds: [p.personId], payload: p };
      }
      case 'confirm':
        return this.#confirm(ch, p);
      case 'reject':
        return this.#reject(ch, p);
      case 'move':
        return this.#move(ch, p);
      case 'split':
        return this.#split(ch, p);
      case 'merge':
        return this.#merge(ch, p);
      case 'add-face':
        return this.#addFace(ch, p);
      case 'dismiss': {
        ch.person(p.personId);
        const faces = this.#lib.read.listAssignmentsOfPerson(p.personId).map((a) => a.faceId);
        for (const f of faces) ch.unassign(f);
        // Its constraints go with it explicitly (not by cascade), so undo puts them back.
        for (const c of this.#lib.read.listConstraintsOfPerson(p.personId)) ch.unconstrain(c);
        ch.ignore(faces);
        ch.deletePerson(p.personId);
        return { personIds: [p.personId], payload: p };
      }
      case 'keep-apart': {
        const [a, b] = p.personIds;
        ch.person(a);
        ch.person(b);
        if (a === b) throw new CorrectionError('same-person', `#${a} and #${b} are one person.`);
        ch.constrain(personPerson(a, b), 'cannot_link');
        this.#settle(ch, a);
        this.#settle(ch, b);
        return { personIds: [a, b], payload: p };
      }
    }
  }

  #addFace(ch: Change, p: Extract<CorrectionPayload, { op: 'add-face' }>): Applied {
    const photo = this.#lib.read.getPhoto(checkId(p.photoId, 'photo'));
    if (!photo) throw new CorrectionError('unknown-photo', `There is no photo ${p.photoId}.`);
    const box = clampBox(p.box, photo.width, photo.height);
    if (!box) {
      throw new CorrectionError('invalid-box', `That box is not on photo ${p.photoId} (or is too small).`);
    }
    if (p.to !== 'new') ch.person(p.to);
    const faceId = ch.addFace(photo.id, box, faceDataOf(p.face), p.faceId);
    const target = p.to === 'new' ? ch.createPerson(p.newPersonId) : p.to;
    this.#pin(ch, faceId, target, undefined);
    this.#fixCover(ch, target);
    const payload: CorrectionPayload = { ...p, box, faceId, ...(p.to === 'new' && { newPersonId: target }) };
    const remap =
      p.newPersonId !== undefined && p.newPersonId !== target
        ? new Map([[p.newPersonId, target]])
        : undefined;
    const faceRemap =
      p.faceId !== undefined && p.faceId !== faceId ? new Map([[p.faceId, faceId]]) : undefined;
    return { personIds: [target], payload, ...(remap && { remap }), ...(faceRemap && { faceRemap }) };
  }

  #confirm(ch: Change, p: Extract<CorrectionPayload, { op: 'confirm' }>): Applied {
    ch.person(p.personId);
    const faces = ch.faces(p.faceIds);
    for (const f of faces) {
      if (f.assignment?.personId !== p.personId) {
        throw new CorrectionError('face-not-in-person', `Face ${f.faceId} is not in person #${p.personId}.`);
      }
    }
    for (const f of faces) this.#pin(ch, f.faceId, p.personId, f.assignment);
    return { personIds: [p.personId], payload: p };
  }

  #reject(ch: Change, p: Extract<CorrectionPayload, { op: 'reject' }>): Applied {
    const faces = ch.faces(p.faceIds);
    const from: number[] = [];
    for (const f of faces) {
      if (!f.assignment) {
        throw new CorrectionError('face-not-assigned', `Face ${f.faceId} is in no person.`);
      }
      from.push(f.assignment.personId);
    }
    faces.forEach((f, i) => {
      ch.unassign(f.faceId);
      ch.constrain(facePerson(f.faceId, from[i]!), 'cannot_link');
    });
    const people = unique(from);
    for (const id of people) this.#settle(ch, id);
    return { personIds: people, payload: p };
  }

  #move(ch: Change, p: Extract<CorrectionPayload, { op: 'move' }>): Applied {
    const faces = ch.faces(p.faceIds);
    if (p.to !== 'new') ch.person(p.to);
    const target = p.to === 'new' ? ch.createPerson(p.newPersonId) : p.to;
    const from: number[] = [];
    for (const f of faces) {
      const prev = f.assignment?.personId;
      if (prev !== undefined && prev !== target) {
        from.push(prev);
        ch.constrain(facePerson(f.faceId, prev), 'cannot_link');
      }
      this.#pin(ch, f.faceId, target, f.assignment);
    }
    const people = unique(from);
    for (const id of people) this.#settle(ch, id);
    this.#fixCover(ch, target);
    const payload: CorrectionPayload = p.to === 'new' ? { ...p, newPersonId: target } : p;
    const remap =
      p.newPersonId !== undefined && p.newPersonId !== target
        ? new Map([[p.newPersonId, target]])
        : undefined;
    return { personIds: [target, ...people], payload, ...(remap && { remap }) };
  }

  #split(ch: Change, p: Extract<CorrectionPayload, { op: 'split' }>): Applied {
    const faces = ch.faces(p.faceIds);
    const from = new Set<number>();
    for (const f of faces) {
      if (!f.assignment) throw new CorrectionError('face-not-assigned', `Face ${f.faceId} is in no person.`);
      from.add(f.assignment.personId);
    }
    if (from.size > 1) {
      throw new CorrectionError(
        'mixed-people',
        `The faces belong to ${from.size} people (${[...from].map((i) => `#${i}`).join(', ')}); split one person at a time.`,
      );
    }
    const old = [...from][0]!;
    if (this.#lib.read.listAssignmentsOfPerson(old).length === faces.length) {
      throw new CorrectionError(
        'split-all',
        `These are all the faces of #${old}; nothing would be left to split from (rename it instead).`,
      );
    }
    const moveArgs: Extract<CorrectionPayload, { op: 'move' }> = {
      op: 'move',
      faceIds: p.faceIds,
      to: 'new',
    };
    if (p.newPersonId !== undefined) moveArgs.newPersonId = p.newPersonId;
    const moved = this.#move(ch, moveArgs);
    const created = moved.personIds[0]!;
    ch.constrain(personPerson(old, created), 'cannot_link');
    return {
      personIds: [old, created],
      payload: { op: 'split', faceIds: p.faceIds, fromPersonId: old, newPersonId: created },
      ...(moved.remap && { remap: moved.remap }),
    };
  }

  #merge(ch: Change, p: Extract<CorrectionPayload, { op: 'merge' }>): Applied {
    const { read } = this.#lib;
    const target = ch.person(p.targetId);
    const sourceIds = unique(p.sourceIds);
    if (sourceIds.length === 0) throw new CorrectionError('no-people', 'No people to merge into the target.');
    const sources = sourceIds.map((id) => {
      if (id === p.targetId) {
        throw new CorrectionError('same-person', `Cannot merge person #${id} with itself.`);
      }
      return ch.person(id);
    });
    const merged = new Set([p.targetId, ...sourceIds]);

    for (const s of sourceIds) {
      for (const c of read.listConstraintsOfPerson(s)) {
        ch.unconstrain(c);
        if (c.otherPersonId !== null) {
          // "S ≠ X" becomes "target ≠ X"; "S ≠ target" (or another source) is what the merge overrides.
          const other = c.personId === s ? c.otherPersonId : c.personId!;
          if (!merged.has(other)) ch.constrain(personPerson(p.targetId, other), 'cannot_link');
        } else {
          const key = facePerson(c.faceA!, p.targetId);
          const must = c.kind === 'must_link' || read.getConstraintAt(key)?.kind === 'must_link';
          ch.constrain(key, must ? 'must_link' : 'cannot_link');
        }
      }
    }
    for (const id of merged) {
      for (const a of read.listAssignmentsOfPerson(id)) this.#pin(ch, a.faceId, p.targetId, a);
    }
    if (target.name === null) {
      const named = sources.find((s) => s.name !== null);
      if (named) ch.rename(p.targetId, named.name);
    }
    if (!this.#coverValid(p.targetId, target.coverFaceId)) {
      const cover = sources.map((s) => s.coverFaceId).find((f) => this.#coverValid(p.targetId, f));
      if (cover !== undefined) ch.setCover(p.targetId, cover);
    }
    this.#fixCover(ch, p.targetId);
    for (const id of sourceIds) ch.deletePerson(id);
    return { personIds: [p.targetId, ...sourceIds], payload: { ...p, sourceIds } };
  }

  // ── helpers ──

  /** User assignment to the person plus its "confirmed in P" row (both skipped when already so). */
  #pin(ch: Change, faceId: number, personId: number, current: AssignmentRecord | undefined): void {
    if (!(current?.personId === personId && current.source === 'user')) ch.assign(faceId, personId);
    ch.constrain(facePerson(faceId, personId), 'must_link');
  }

  /** After faces left a person: a valid cover, and an anchor so clustering sees "not this person". */
  #settle(ch: Change, personId: number): void {
    this.#fixCover(ch, personId);
    const { read } = this.#lib;
    if (read.hasUserFace(personId)) return;
    const cover = read.getPersonRecord(personId)?.coverFaceId ?? null;
    if (cover === null || !this.#coverValid(personId, cover)) return; // no faces left
    this.#pin(ch, cover, personId, read.getAssignment(cover));
  }

  #coverValid(personId: number, faceId: number | null): faceId is number {
    return faceId !== null && this.#lib.read.getAssignment(faceId)?.personId === personId;
  }

  /** Same rule as writeClustering's covers: keep a cover that is the person's, else their best face. */
  #fixCover(ch: Change, personId: number): void {
    const p = this.#lib.read.getPersonRecord(personId);
    if (!p || this.#coverValid(personId, p.coverFaceId)) return;
    const best = this.#lib.read.bestFaceOf(personId) ?? null;
    if (best !== p.coverFaceId) ch.setCover(personId, best);
  }

  /** Writes an undo image back; returns the person ids that had to change and the people touched. */
  #restore(img: UndoImage): { map: Map<number, number>; personIds: number[] } {
    const { read, write } = this.#lib;
    const map = new Map<number, number>();
    const m = (id: number) => map.get(id) ?? id;
    const faceGone = (id: number | null) => id !== null && !read.faceExists(id);
    const withCover = (p: PersonRecord, id: number): PersonRecord => ({
      ...p,
      id,
      coverFaceId: faceGone(p.coverFaceId) ? null : p.coverFaceId,
    });

    // 1. People the rows below need: re-insert those gone (deleted by the correction or a re-cluster
    //    since); a row with their id but another created_at is someone else, so they get a new id.
    const present = new Set<number>();
    for (const p of img.people) {
      if (p.before === null) continue;
      const cur = read.getPersonRecord(p.id);
      if (cur && !p.deleted && cur.createdAt === p.before.createdAt) {
        present.add(p.id);
        continue;
      }
      const id = write.insertPersonRecord(withCover(p.before, p.id));
      if (id !== p.id) map.set(p.id, id);
    }
    // 2. Assignments, exactly as they were.
    for (const a of img.assignments) {
      if (faceGone(a.faceId)) continue;
      if (a.before) write.putAssignmentRecord({ ...a.before, personId: m(a.before.personId) });
      else write.unassignFace(a.faceId);
    }
    // 3. Constraints: drop what the correction wrote, then put back what was there. Two passes: a row
    //    the correction inserted may hold the id of one it deleted, and the old row wants its id back.
    const keys = img.constraints.map((c) => remapKey(c.key, m));
    for (const key of keys) write.deleteConstraintAt(key);
    img.constraints.forEach((c, i) => {
      const key = keys[i]!;
      if (!c.before || faceGone(key.faceA) || faceGone(key.faceB)) return;
      const owner = c.before.correctionId;
      write.insertConstraintRecord({
        ...c.before,
        ...key,
        correctionId: owner !== null && read.getCorrection(owner) ? owner : null,
      });
    });
    // 4. People rows the correction changed, and 5. people it made (with any auto faces since).
    for (const p of img.people) {
      if (p.before !== null) {
        if (p.written && present.has(p.id)) write.updatePersonRecord(withCover(p.before, p.id));
      } else if (read.getPersonRecord(p.id)?.createdAt === p.createdAt) {
        write.unassignPerson(p.id);
        write.deletePerson(p.id);
      }
    }
    // 6. Faces it drew: gone again (with any assignment or constraint they got since).
    for (const id of img.faces ?? []) write.deleteFace(id);
    // 7. The dismissed faces' list as it was.
    if (img.ignored) write.setSetting(IGNORED_FACES_KEY, img.ignored);
    return { map, personIds: unique(img.people.map((p) => m(p.id))) };
  }
}
