// Schema v3: faces.noise, the measured embedding noise of a small or over-compressed face
// (ml/embed/noise.ts). NULL for faces analysed before it existed and for faces not measured
// (large faces, embedders without a noise slack): clustering reads NULL as 0, so older libraries
// group exactly as before until their photos are analysed again.
import type Database from 'better-sqlite3';

export const version = 3;

export function up(db: Database.Database): void {
  db.exec('ALTER TABLE faces ADD COLUMN noise REAL CHECK (noise IS NULL OR noise >= 0)');
}
