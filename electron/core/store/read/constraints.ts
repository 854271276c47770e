// Reads of constraints rows: the clusterer's constraints, and rows as stored for corrections.
import type Database from 'better-sqlite3';
import type { Constraint, ConstraintKind } from '../types.ts';
import type { ConstraintKey, ConstraintRecord } from './records.ts';
import { READ_SQL } from './sql.ts';

interface ConstraintRow {
  id: number;
  kind: ConstraintKind;
  faceA: number | null;
  faceB: number | null;
  personId: number | null;
  otherPersonId: number | null;
}

function constraintOf(r: ConstraintRow): Constraint {
  if (r.faceA !== null && r.faceB !== null) {
    return { id: r.id, kind: r.kind, form: 'face-face', faceA: r.faceA, faceB: r.faceB };
  }
  if (r.faceA !== null && r.personId !== null) {
    return { id: r.id, kind: r.kind, form: 'face-person', faceId: r.faceA, personId: r.personId };
  }
  // The table's CHECK allows only these three forms; person–person rows are always cannot_link.
  return {
    id: r.id,
    kind: 'cannot_link',
    form: 'person-person',
    personA: r.personId!,
    personB: r.otherPersonId!,
  };
}

export class ConstraintReads {
  readonly #all;
  readonly #faceFace;
  readonly #facePerson;
  readonly #personPerson;
  readonly #ofPerson;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#all = db.prepare<[], ConstraintRow>(q.constraints);
    this.#faceFace = db.prepare<[number, number], ConstraintRecord>(q.constraintFaceFace);
    this.#facePerson = db.prepare<[number, number], ConstraintRecord>(q.constraintFacePerson);
    this.#personPerson = db.prepare<[number, number], ConstraintRecord>(q.constraintPersonPerson);
    this.#ofPerson = db.prepare<{ personId: number }, ConstraintRecord>(q.constraintsOfPerson);
  }

  all(): Constraint[] {
    return this.#all.all().map(constraintOf);
  }

  at(key: ConstraintKey): ConstraintRecord | undefined {
    if (key.faceA !== null && key.faceB !== null) return this.#faceFace.get(key.faceA, key.faceB);
    if (key.faceA !== null && key.personId !== null) return this.#facePerson.get(key.faceA, key.personId);
    if (key.personId !== null && key.otherPersonId !== null) {
      return this.#personPerson.get(key.personId, key.otherPersonId);
    }
    return undefined;
  }

  ofPerson(personId: number): ConstraintRecord[] {
    return this.#ofPerson.all({ personId });
  }
}
