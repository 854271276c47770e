// Schema v2: indexes for reviewing suggestions (auto-assigned faces, least confident first), per
// person and across everyone. Partial: user assignments and faces without a confidence never
// appear in a review, so they are left out of the index.
import type Database from 'better-sqlite3';

export const version = 2;

export function up(db: Database.Database): void {
  db.exec(`
    CREATE INDEX assignments_auto_by_person_confidence ON assignments (person_id, confidence)
      WHERE source = 'auto' AND confidence IS NOT NULL;
    CREATE INDEX assignments_auto_by_confidence ON assignments (confidence)
      WHERE source = 'auto' AND confidence IS NOT NULL;
  `);
}
