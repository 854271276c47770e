// The corrections log as stored: each row's payload (what was asked, with the ids it resolved) and
// its undo image (the rows it touched, as they were). Both are JSON in SQLite, so they are parsed
// with zod schemas when read back: a row that does not match is reported, never cast. Also the
// person/face id re-mapping that undo and redo apply to other rows (see [Note: correction semantics]
// in corrections.ts).
import { z } from 'zod';
import type { ConstraintKey } from '../store/reader.ts';

// Row ids as SQLite gives them; the ops check that they are positive (checkId) when they use them.
const Id = z.int();

const Box = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });

const Point = z.tuple([z.number(), z.number()]).readonly();

/** A hand-drawn face's analysis as the log stores it: the embedding as base64 of its little-endian float32s. */
const ManualFaceRecord = z.object({
  landmarks: z.tuple([Point, Point, Point, Point, Point]).readonly().nullable(),
  quality: z
    .object({
      detScore: z.number(),
      size: z.number(),
      sharpness: z.number(),
      frontal: z.number(),
      overall: z.number(),
    })
    .nullable(),
  embedding: z
    .base64()
    .refine((s) => Buffer.from(s, 'base64').byteLength % 4 === 0, 'not a whole number of float32s')
    .nullable(),
  embedderId: z.string().nullable(),
});
export type ManualFaceRecord = z.infer<typeof ManualFaceRecord>;

const Target = z.union([Id, z.literal('new')]);

/**
 * What a correction was asked to do, with the ids it resolved (the person a move to 'new' made, the
 * person a split came from). Stored as the log's payload (its op in a column of its own); redo re-applies it.
 */
const CorrectionPayload = z.discriminatedUnion('op', [
  z.object({ op: z.literal('rename'), personId: Id, name: z.string().nullable() }),
  z.object({ op: z.literal('merge'), targetId: Id, sourceIds: z.array(Id) }),
  z.object({
    op: z.literal('move'),
    faceIds: z.array(Id),
    to: Target,
    newPersonId: Id.exactOptional(),
  }),
  z.object({
    op: z.literal('split'),
    faceIds: z.array(Id),
    fromPersonId: Id.exactOptional(),
    newPersonId: Id.exactOptional(),
  }),
  z.object({ op: z.literal('reject'), faceIds: z.array(Id) }),
  z.object({ op: z.literal('confirm'), faceIds: z.array(Id), personId: Id }),
  z.object({ op: z.literal('set-hidden'), personId: Id, hidden: z.boolean() }),
  z.object({ op: z.literal('set-cover'), personId: Id, faceId: Id }),
  /** "Not a face" / "ignore these": the person's faces leave it for good, and it is deleted. */
  z.object({ op: z.literal('dismiss'), personId: Id }),
  /** "Different people": a person–person cannot-link (a suggested merge declined). */
  z.object({ op: z.literal('keep-apart'), personIds: z.tuple([Id, Id]) }),
  z.object({
    op: z.literal('add-face'),
    photoId: Id,
    box: Box,
    to: Target,
    face: ManualFaceRecord,
    /** Resolved: the face row it made, and the person when `to` is 'new'. */
    faceId: Id.exactOptional(),
    newPersonId: Id.exactOptional(),
  }),
]);
export type CorrectionPayload = z.infer<typeof CorrectionPayload>;
export type CorrectionOp = CorrectionPayload['op'];

const PersonRecord = z.object({
  id: Id,
  name: z.string().nullable(),
  hidden: z.boolean(),
  coverFaceId: Id.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const AssignmentRecord = z.object({
  faceId: Id,
  personId: Id,
  source: z.enum(['auto', 'user']),
  confidence: z.number().nullable(),
  assignedAt: z.number(),
});

const ConstraintKeyRecord = z.object({
  faceA: Id.nullable(),
  faceB: Id.nullable(),
  personId: Id.nullable(),
  otherPersonId: Id.nullable(),
});

const ConstraintRecord = ConstraintKeyRecord.extend({
  id: Id,
  kind: z.enum(['must_link', 'cannot_link']),
  correctionId: Id.nullable(),
  createdAt: z.number(),
});

/** A person the correction touched: its row before, or (created) when it was made. */
const PersonImage = z.union([
  z.object({ id: Id, before: PersonRecord, written: z.boolean(), deleted: z.boolean() }),
  z.object({ id: Id, before: z.null(), createdAt: z.number() }),
]);
export type PersonImage = z.infer<typeof PersonImage>;

/** The undo image: every row one correction touched, as it was before. */
const UndoImage = z.object({
  v: z.literal(1),
  people: z.array(PersonImage),
  assignments: z.array(z.object({ faceId: Id, before: AssignmentRecord.nullable() })),
  constraints: z.array(z.object({ key: ConstraintKeyRecord, before: ConstraintRecord.nullable() })),
  /** Faces the correction made (hand-drawn): undo deletes them. */
  faces: z.array(Id).exactOptional(),
  /** The dismissed faces' list (ignored.ts) before the correction, when it changed it. */
  ignored: z.array(Id).exactOptional(),
});
export type UndoImage = z.infer<typeof UndoImage>;

/** A stored row's payload (`args` with its `op` column), or why it is not one. */
export function parsePayload(op: string, args: unknown): CorrectionPayload | string {
  const r = CorrectionPayload.safeParse(typeof args === 'object' && args !== null ? { ...args, op } : args);
  return r.success ? r.data : z.prettifyError(r.error);
}

/** A stored row's undo image, or why it is not one. */
export function parseUndoImage(x: unknown): UndoImage | string {
  const r = UndoImage.safeParse(x);
  return r.success ? r.data : z.prettifyError(r.error);
}

/** The payload without its op (the op has its own column). */
export function argsOf(p: CorrectionPayload): Record<string, unknown> {
  const { op: _, ...args } = p;
  return args;
}

// ── id re-mapping ─────────────────────────────────────────────────────────────────────────────

type IdMap = ReadonlyMap<number, number>;

export const personPerson = (a: number, b: number): ConstraintKey => ({
  faceA: null,
  faceB: null,
  personId: Math.min(a, b),
  otherPersonId: Math.max(a, b),
});

/** Person ids in a payload re-mapped (undo or redo had to give a person another id). */
export function remapPayload(p: CorrectionPayload, map: IdMap): CorrectionPayload {
  const m = (id: number) => map.get(id) ?? id;
  switch (p.op) {
    case 'rename':
    case 'confirm':
    case 'set-hidden':
    case 'set-cover':
    case 'dismiss':
      return { ...p, personId: m(p.personId) };
    case 'keep-apart':
      return { ...p, personIds: [m(p.personIds[0]), m(p.personIds[1])] };
    case 'merge':
      return { ...p, targetId: m(p.targetId), sourceIds: p.sourceIds.map(m) };
    case 'move': {
      const out: typeof p = { ...p, to: p.to === 'new' ? 'new' : m(p.to) };
      if (p.newPersonId !== undefined) out.newPersonId = m(p.newPersonId);
      return out;
    }
    case 'split': {
      const out: typeof p = { ...p };
      if (p.fromPersonId !== undefined) out.fromPersonId = m(p.fromPersonId);
      if (p.newPersonId !== undefined) out.newPersonId = m(p.newPersonId);
      return out;
    }
    case 'reject':
      return p;
    case 'add-face': {
      const out: typeof p = { ...p, to: p.to === 'new' ? 'new' : m(p.to) };
      if (p.newPersonId !== undefined) out.newPersonId = m(p.newPersonId);
      return out;
    }
  }
}

/** Face ids in a payload re-mapped (redo of an added face got another id). */
export function remapPayloadFaces(p: CorrectionPayload, map: IdMap): CorrectionPayload {
  const m = (id: number) => map.get(id) ?? id;
  if ('faceIds' in p) return { ...p, faceIds: p.faceIds.map(m) };
  if (p.op === 'set-cover') return { ...p, faceId: m(p.faceId) };
  return p;
}

export function remapKey(k: ConstraintKey, m: (id: number) => number): ConstraintKey {
  if (k.otherPersonId !== null && k.personId !== null) return personPerson(m(k.personId), m(k.otherPersonId));
  return { ...k, personId: k.personId === null ? null : m(k.personId) };
}

/**
 * Person ids in an undo image re-mapped. Everything else (the faces it drew, any field added later)
 * is carried over as it is: an image that lost its faces would leave a drawn face behind on undo.
 */
export function remapImage(img: UndoImage, map: IdMap): UndoImage {
  const m = (id: number) => map.get(id) ?? id;
  return {
    ...img,
    people: img.people.map((p) =>
      p.before === null ? { ...p, id: m(p.id) } : { ...p, id: m(p.id), before: { ...p.before, id: m(p.id) } },
    ),
    assignments: img.assignments.map((a) => ({
      faceId: a.faceId,
      before: a.before && { ...a.before, personId: m(a.before.personId) },
    })),
    constraints: img.constraints.map((c) => {
      const key = remapKey(c.key, m);
      return { key, before: c.before && { ...c.before, ...key } };
    }),
  };
}
