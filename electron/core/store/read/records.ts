// Rows as stored, for corrections and their undo (core/people/corrections.ts snapshots them so undo
// can restore them exactly).
import type { AssignmentSource, ConstraintKind } from '../types.ts';

/** A people row as stored (corrections snapshot it so undo can restore it exactly). */
export interface PersonRecord {
  id: number;
  name: string | null;
  hidden: boolean;
  coverFaceId: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An assignments row as stored. */
export interface AssignmentRecord {
  faceId: number;
  personId: number;
  source: AssignmentSource;
  confidence: number | null;
  assignedAt: number;
}

/** A constraints row as stored: the raw columns, so one shape covers all three forms. */
export interface ConstraintRecord {
  id: number;
  kind: ConstraintKind;
  faceA: number | null;
  faceB: number | null;
  personId: number | null;
  otherPersonId: number | null;
  correctionId: number | null;
  createdAt: number;
}

/** The pair a constraint is about, as stored (face_a < face_b, person_id < other_person_id). */
export type ConstraintKey = Pick<ConstraintRecord, 'faceA' | 'faceB' | 'personId' | 'otherPersonId'>;

export type CorrectionState = 'done' | 'undone';

/** A corrections (undo log) row; payload and undo are parsed JSON, checked by their owner. */
export interface CorrectionRecord {
  id: number;
  op: string;
  payload: unknown;
  undo: unknown;
  state: CorrectionState;
  createdAt: number;
}
