// Reads of people and assignments rows: the People list, a person's faces and photos, review
// suggestions, and rows as stored for corrections.
import type Database from 'better-sqlite3';
import type { AssignmentSource, Person, PersonFace, PersonWithFaces } from '../types.ts';
import { type FaceOnPhotoRow, faceOnPhotoOf } from './faces.ts';
import { type PhotoListing, type PhotoListingRow, photoListing } from './photos.ts';
import type { AssignmentRecord, PersonRecord } from './records.ts';
import { READ_SQL } from './sql.ts';

interface PersonRow {
  id: number;
  name: string | null;
  hidden: number;
  coverFaceId: number | null;
  faceCount: number;
  photoCount: number;
}

interface PersonRecordRow extends Omit<PersonRecord, 'hidden'> {
  hidden: number;
}

interface PersonFaceRow extends FaceOnPhotoRow {
  personId: number;
  source: AssignmentSource;
  confidence: number | null;
}

/** A low-confidence automatic assignment, for the review view. */
export interface SuggestionRow {
  faceId: number;
  photoId: number;
  personId: number;
  x: number;
  y: number;
  w: number;
  h: number;
  confidence: number;
}

function personOf(r: PersonRow): Person {
  return {
    id: r.id,
    name: r.name,
    hidden: r.hidden === 1,
    coverFaceId: r.coverFaceId,
    faceCount: r.faceCount,
    photoCount: r.photoCount,
  };
}

function personFaceOf(r: PersonFaceRow): PersonFace {
  return { ...faceOnPhotoOf(r), source: r.source, confidence: r.confidence };
}

export class PeopleReads {
  readonly #db: Database.Database;
  readonly #people;
  readonly #person;
  readonly #allPersonFaces;
  readonly #personFaces;
  readonly #personPhotos;
  readonly #userAssignments;
  readonly #assignments;
  readonly #suggestionsOfPerson;
  readonly #suggestions;
  readonly #record;
  readonly #assignment;
  readonly #assignmentsOf;
  readonly #hasUserFace;
  readonly #bestFace;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#db = db;
    this.#people = db.prepare<{ includeHidden: number }, PersonRow>(q.people);
    this.#person = db.prepare<[number], PersonRow>(q.person);
    this.#allPersonFaces = db.prepare<[], PersonFaceRow>(q.allPersonFaces);
    this.#personFaces = db.prepare<[number], PersonFaceRow>(q.personFaces);
    this.#personPhotos = db.prepare<[number], PhotoListingRow>(q.personPhotos);
    this.#userAssignments = db.prepare<[], { faceId: number; personId: number }>(q.userAssignments);
    this.#assignments = db.prepare<[], { faceId: number; personId: number; source: AssignmentSource }>(
      q.assignments,
    );
    this.#suggestionsOfPerson = db.prepare<[{ personId: number; max: number; limit: number }], SuggestionRow>(
      q.suggestionsOfPerson,
    );
    this.#suggestions = db.prepare<[{ max: number; limit: number }], SuggestionRow>(q.suggestions);
    this.#record = db.prepare<[number], PersonRecordRow>(q.personRecord);
    this.#assignment = db.prepare<[number], AssignmentRecord>(q.assignmentRecord);
    this.#assignmentsOf = db.prepare<[number], AssignmentRecord>(q.assignmentRecordsOfPerson);
    this.#hasUserFace = db.prepare<[number], number>(q.hasUserFace).pluck();
    this.#bestFace = db.prepare<[number], number>(q.bestFaceOfPerson).pluck();
  }

  list(includeHidden: boolean): Person[] {
    return this.#people.all({ includeHidden: includeHidden ? 1 : 0 }).map(personOf);
  }

  listWithFaces(includeHidden: boolean): PersonWithFaces[] {
    const people = this.#db.transaction(() => ({
      people: this.list(includeHidden),
      faces: this.#allPersonFaces.all(),
    }))();
    const byPerson = new Map<number, PersonWithFaces>();
    const out = people.people.map((p) => {
      const withFaces: PersonWithFaces = { ...p, faces: [] };
      byPerson.set(p.id, withFaces);
      return withFaces;
    });
    for (const r of people.faces) byPerson.get(r.personId)?.faces.push(personFaceOf(r));
    return out;
  }

  summary(id: number): Person | undefined {
    const row = this.#person.get(id);
    return row && personOf(row);
  }

  withFaces(id: number): PersonWithFaces | undefined {
    const row = this.#person.get(id);
    if (!row) return undefined;
    return { ...personOf(row), faces: this.#personFaces.all(id).map(personFaceOf) };
  }

  photos(personId: number): PhotoListing[] {
    return this.#personPhotos.all(personId).map(photoListing);
  }

  userAssignments(): Array<{ faceId: number; personId: number }> {
    return this.#userAssignments.all();
  }

  assignments(): Array<{ faceId: number; personId: number; source: AssignmentSource }> {
    return this.#assignments.all();
  }

  suggestions(personId: number | undefined, maxConfidence: number, limit: number): SuggestionRow[] {
    return personId === undefined
      ? this.#suggestions.all({ max: maxConfidence, limit })
      : this.#suggestionsOfPerson.all({ personId, max: maxConfidence, limit });
  }

  record(id: number): PersonRecord | undefined {
    const r = this.#record.get(id);
    return r && { ...r, hidden: r.hidden === 1 };
  }

  assignment(faceId: number): AssignmentRecord | undefined {
    return this.#assignment.get(faceId);
  }

  assignmentsOf(personId: number): AssignmentRecord[] {
    return this.#assignmentsOf.all(personId);
  }

  hasUserFace(personId: number): boolean {
    return this.#hasUserFace.get(personId) !== undefined;
  }

  bestFaceOf(personId: number): number | undefined {
    return this.#bestFace.get(personId);
  }
}
