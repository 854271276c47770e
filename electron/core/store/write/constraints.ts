// Writes to constraints rows: must-link / cannot-link between faces and people, one row per pair.
import type Database from 'better-sqlite3';
import type { ConstraintKey, ConstraintRecord } from '../read/records.ts';

export type ConstraintInput =
  | { kind: 'must_link' | 'cannot_link'; faceA: number; faceB: number }
  | { kind: 'must_link' | 'cannot_link'; faceId: number; personId: number }
  | { kind: 'cannot_link'; personA: number; personB: number };

type ConstraintParams = { kind: string; a: number; b: number; now: number };
type ConstraintRowParams = Omit<ConstraintRecord, 'id'> & { id: number | null };

export class ConstraintWrites {
  readonly #now: () => number;
  readonly #upsert;
  readonly #idTaken;
  readonly #insertRecord;
  readonly #delete;
  readonly #idAt;

  constructor(db: Database.Database, now: () => number) {
    this.#now = now;
    // One upsert per constraint form: ON CONFLICT must name the partial unique index it hits.
    // A later correction on the same pair replaces the earlier kind (the user's newest intent wins).
    const upsertSql = (columns: string, target: string) =>
      `INSERT INTO constraints (kind, ${columns}, created_at) VALUES (@kind, @a, @b, @now)
       ON CONFLICT ${target} DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at`;
    this.#upsert = {
      faceFace: db.prepare<ConstraintParams>(
        upsertSql('face_a, face_b', '(face_a, face_b) WHERE face_b IS NOT NULL'),
      ),
      facePerson: db.prepare<ConstraintParams>(
        upsertSql(
          'face_a, person_id',
          '(face_a, person_id) WHERE face_a IS NOT NULL AND person_id IS NOT NULL',
        ),
      ),
      personPerson: db.prepare<ConstraintParams>(
        upsertSql(
          'person_id, other_person_id',
          '(person_id, other_person_id) WHERE other_person_id IS NOT NULL',
        ),
      ),
    };
    // Exact-row statements for corrections and their undo (see core/people/corrections.ts).
    this.#idTaken = db.prepare<[number], number>('SELECT 1 FROM constraints WHERE id = ?').pluck();
    this.#insertRecord = db
      .prepare<ConstraintRowParams, number>(
        `INSERT INTO constraints (id, kind, face_a, face_b, person_id, other_person_id, correction_id,
           created_at)
         VALUES (@id, @kind, @faceA, @faceB, @personId, @otherPersonId, @correctionId, @createdAt)
         RETURNING id`,
      )
      .pluck();
    this.#delete = db.prepare<[number]>('DELETE FROM constraints WHERE id = ?');
    this.#idAt = {
      faceFace: db
        .prepare<[number | null, number], number>(
          'SELECT id FROM constraints WHERE face_a = ? AND face_b = ?',
        )
        .pluck(),
      facePerson: db
        .prepare<[number, number | null], number>(
          'SELECT id FROM constraints WHERE face_a = ? AND person_id = ?',
        )
        .pluck(),
      personPerson: db
        .prepare<[number | null, number | null], number>(
          'SELECT id FROM constraints WHERE person_id = ? AND other_person_id = ?',
        )
        .pluck(),
    };
  }

  add(c: ConstraintInput): void {
    const now = this.#now();
    if ('faceA' in c) {
      const [a, b] = c.faceA < c.faceB ? [c.faceA, c.faceB] : [c.faceB, c.faceA];
      this.#upsert.faceFace.run({ kind: c.kind, a, b, now });
    } else if ('faceId' in c) {
      this.#upsert.facePerson.run({ kind: c.kind, a: c.faceId, b: c.personId, now });
    } else {
      const [a, b] = c.personA < c.personB ? [c.personA, c.personB] : [c.personB, c.personA];
      this.#upsert.personPerson.run({ kind: c.kind, a, b, now });
    }
  }

  putAt(key: ConstraintKey, kind: ConstraintRecord['kind'], correctionId: number | null): void {
    const existing = this.#idAtKey(key);
    if (existing !== undefined) this.#delete.run(existing);
    this.#insertRecord.get({ ...key, id: null, kind, correctionId, createdAt: this.#now() });
  }

  insertRecord(c: ConstraintRecord): number {
    const id = this.#idTaken.get(c.id) ? null : c.id;
    return this.#insertRecord.get({ ...c, id })!;
  }

  deleteAt(key: ConstraintKey): void {
    const id = this.#idAtKey(key);
    if (id !== undefined) this.#delete.run(id);
  }

  #idAtKey(key: ConstraintKey): number | undefined {
    const q = this.#idAt;
    if (key.faceB !== null) return q.faceFace.get(key.faceA, key.faceB);
    if (key.faceA !== null) return q.facePerson.get(key.faceA, key.personId);
    return q.personPerson.get(key.personId, key.otherPersonId);
  }
}
