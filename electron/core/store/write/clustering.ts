// Writing the result of auto-clustering: assignments replaced, people kept stable, user data untouched.
import type Database from 'better-sqlite3';
import type { ClusterInput, ClusteringWriteResult } from '../types.ts';
import type { PeopleWrites } from './people.ts';
import { WRITE_SQL } from './sql.ts';

export class ClusteringWrites {
  readonly #people: PeopleWrites;
  readonly #autoAssignments;
  readonly #userAssignedPersons;
  readonly #personExists;
  readonly #deleteAutoAssignments;
  readonly #insertAuto;
  readonly #cannotLink;
  readonly #deleteEmptyPeople;

  constructor(db: Database.Database, people: PeopleWrites) {
    this.#people = people;
    this.#autoAssignments = db
      .prepare<[], [number, number]>(`SELECT face_id, person_id FROM assignments WHERE source = 'auto'`)
      .raw();
    this.#userAssignedPersons = db
      .prepare<[], [number, number]>(`SELECT face_id, person_id FROM assignments WHERE source = 'user'`)
      .raw();
    this.#personExists = db.prepare<[number], number>('SELECT 1 FROM people WHERE id = ?').pluck();
    this.#deleteAutoAssignments = db.prepare(`DELETE FROM assignments WHERE source = 'auto'`);
    // DO NOTHING on conflict: the only rows left after the delete above are the user's.
    this.#insertAuto = db.prepare<{ faceId: number; personId: number; confidence: number; now: number }>(
      `INSERT INTO assignments (face_id, person_id, source, confidence, assigned_at)
       VALUES (@faceId, @personId, 'auto', @confidence, @now) ON CONFLICT (face_id) DO NOTHING`,
    );
    this.#cannotLink = db.prepare<[number, number], number>(WRITE_SQL.cannotLink).pluck();
    // Auto-made people that lost all faces go; anything the user touched (name, hidden, a
    // constraint naming them) stays so that "not this person" keeps a target.
    this.#deleteEmptyPeople = db.prepare(
      `DELETE FROM people WHERE name IS NULL AND hidden = 0
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM constraints c WHERE c.person_id = people.id)
         AND NOT EXISTS (SELECT 1 FROM constraints c WHERE c.other_person_id = people.id)`,
    );
  }

  /** See LibraryWriter.writeClustering; callers run this in a transaction. */
  write(clusters: readonly ClusterInput[], now: number): ClusteringWriteResult {
    const user = new Map(this.#userAssignedPersons.all());
    const auto = new Map(this.#autoAssignments.all());
    const claimed = new Set<number>();
    for (const c of clusters) {
      if (c.personId !== undefined) {
        if (!this.#personExists.get(c.personId)) throw new Error(`person ${c.personId} does not exist`);
        claimed.add(c.personId);
      }
    }
    // Votes per (cluster, person): each face votes for the person it belongs to now.
    const votes: Array<{ cluster: number; person: number; score: number }> = [];
    clusters.forEach((c, i) => {
      if (c.personId !== undefined) return;
      const tally = new Map<number, number>();
      for (const { faceId } of c.faces) {
        const current = user.get(faceId) ?? auto.get(faceId);
        if (current !== undefined) tally.set(current, (tally.get(current) ?? 0) + 1);
      }
      for (const [person, score] of tally) votes.push({ cluster: i, person, score });
    });
    votes.sort((a, b) => b.score - a.score || a.cluster - b.cluster);
    const personIds: Array<number | undefined> = clusters.map((c) => c.personId);
    for (const v of votes) {
      if (personIds[v.cluster] !== undefined || claimed.has(v.person)) continue;
      personIds[v.cluster] = v.person;
      claimed.add(v.person);
    }
    let created = 0;
    const resolved = personIds.map((p) => {
      if (p !== undefined) return p;
      created++;
      return this.#people.create(null, now);
    });

    this.#deleteAutoAssignments.run();
    let assigned = 0;
    let keptUser = 0;
    let blocked = 0;
    clusters.forEach((c, i) => {
      const personId = resolved[i]!;
      for (const { faceId, confidence } of c.faces) {
        if (user.has(faceId)) keptUser++;
        else if (this.#cannotLink.get(faceId, personId)) blocked++;
        else assigned += this.#insertAuto.run({ faceId, personId, confidence, now }).changes;
      }
    });
    const removed = this.#deleteEmptyPeople.run().changes;
    this.#people.fixCovers(now);
    return { personIds: resolved, created, removed, assigned, keptUser, blocked };
  }
}
