// Writes to people and assignments rows: the primitives corrections build on, and exact rows for undo.
import type Database from 'better-sqlite3';
import type { AssignmentRecord, PersonRecord } from '../read/records.ts';
import type { AssignmentSource } from '../types.ts';

type PersonParams = Omit<PersonRecord, 'hidden' | 'id'> & { id: number | null; hidden: number };

export class PeopleWrites {
  readonly #now: () => number;
  readonly #insert;
  readonly #rename;
  readonly #setHidden;
  readonly #setCover;
  readonly #fixCovers;
  readonly #idTaken;
  readonly #insertRecord;
  readonly #updateRecord;
  readonly #delete;
  readonly #assign;
  readonly #putAssignment;
  readonly #unassign;
  readonly #unassignPerson;

  constructor(db: Database.Database, now: () => number) {
    this.#now = now;
    this.#insert = db
      .prepare<{ name: string | null; now: number }, number>(
        'INSERT INTO people (name, created_at, updated_at) VALUES (@name, @now, @now) RETURNING id',
      )
      .pluck();
    this.#rename = db.prepare<[string | null, number, number]>(
      'UPDATE people SET name = ?, updated_at = ? WHERE id = ?',
    );
    this.#setHidden = db.prepare<[number, number, number]>(
      'UPDATE people SET hidden = ?, updated_at = ? WHERE id = ?',
    );
    this.#setCover = db.prepare<[number | null, number, number]>(
      'UPDATE people SET cover_face_id = ?, updated_at = ? WHERE id = ?',
    );
    // A cover must be one of the person's faces; otherwise take their best-quality face.
    this.#fixCovers = db.prepare<[number]>(
      `UPDATE people SET updated_at = ?, cover_face_id = (
         SELECT a.face_id FROM assignments a JOIN faces f ON f.id = a.face_id
         WHERE a.person_id = people.id ORDER BY (a.source = 'user') DESC, f.q_overall DESC, f.id LIMIT 1)
       WHERE cover_face_id IS NULL OR NOT EXISTS (
         SELECT 1 FROM assignments a WHERE a.face_id = people.cover_face_id AND a.person_id = people.id)`,
    );
    this.#idTaken = db.prepare<[number], number>('SELECT 1 FROM people WHERE id = ?').pluck();
    this.#insertRecord = db
      .prepare<PersonParams, number>(
        `INSERT INTO people (id, name, hidden, cover_face_id, created_at, updated_at)
         VALUES (@id, @name, @hidden, @coverFaceId, @createdAt, @updatedAt) RETURNING id`,
      )
      .pluck();
    this.#updateRecord = db.prepare<PersonParams>(
      `UPDATE people SET name = @name, hidden = @hidden, cover_face_id = @coverFaceId,
         created_at = @createdAt, updated_at = @updatedAt WHERE id = @id`,
    );
    this.#delete = db.prepare<[number]>('DELETE FROM people WHERE id = ?');
    this.#assign = db.prepare<{
      faceId: number;
      personId: number;
      source: AssignmentSource;
      confidence: number | null;
      now: number;
    }>(
      `INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at)
       VALUES (@faceId, @personId, @source, @confidence, @now)
       ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source,
         confidence = excluded.confidence, assigned_at = excluded.assigned_at`,
    );
    this.#putAssignment = db.prepare<AssignmentRecord>(
      `INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at)
       VALUES (@faceId, @personId, @source, @confidence, @assignedAt)
       ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source,
         confidence = excluded.confidence, assigned_at = excluded.assigned_at`,
    );
    this.#unassign = db.prepare<[number]>('DELETE FROM assignments WHERE face_id = ?');
    this.#unassignPerson = db.prepare<[number]>('DELETE FROM assignments WHERE person_id = ?');
  }

  create(name: string | null, now = this.#now()): number {
    return this.#insert.get({ name, now })!;
  }

  rename(id: number, name: string | null): void {
    this.#rename.run(name, this.#now(), id);
  }

  setHidden(id: number, hidden: boolean): void {
    this.#setHidden.run(hidden ? 1 : 0, this.#now(), id);
  }

  setCover(id: number, faceId: number | null): void {
    this.#setCover.run(faceId, this.#now(), id);
  }

  fixCovers(now = this.#now()): void {
    this.#fixCovers.run(now);
  }

  insertRecord(p: PersonRecord): number {
    const id = this.#idTaken.get(p.id) ? null : p.id;
    return this.#insertRecord.get({ ...p, id, hidden: p.hidden ? 1 : 0 })!;
  }

  updateRecord(p: PersonRecord): void {
    this.#updateRecord.run({ ...p, hidden: p.hidden ? 1 : 0 });
  }

  delete(id: number): void {
    this.#delete.run(id);
  }

  assign(faceId: number, personId: number, source: AssignmentSource, confidence: number | null): void {
    this.#assign.run({ faceId, personId, source, confidence, now: this.#now() });
  }

  putAssignmentRecord(a: AssignmentRecord): void {
    this.#putAssignment.run(a);
  }

  unassignFace(faceId: number): void {
    this.#unassign.run(faceId);
  }

  unassignPerson(personId: number): number {
    return this.#unassignPerson.run(personId).changes;
  }
}
