// Schema v1: photos, faces, people, assignments, constraints, corrections, models, scan jobs, settings.
// [Note: schema conventions]
// - STRICT tables: SQLite checks column types, so a string never lands in an INTEGER column.
// - Times are INTEGER unix milliseconds; JSON lives in TEXT columns checked by json_valid().
// - content_hash is the SHA-256 of the whole file as 64 lowercase hex digits (see scanner/hash.ts).
// - Embeddings are little-endian float32 BLOBs (length = 4 × dim); embedding_q is the int8 form
//   (scale 127, FaceNet's "128-byte" embedding for 128-d models).
// - Every foreign key has an index on the child column, so cascades and "faces of X" never scan a table.
import type Database from 'better-sqlite3';

export const version = 1;

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE photos (
      id            INTEGER PRIMARY KEY,
      path          TEXT    NOT NULL UNIQUE,
      size          INTEGER NOT NULL,
      mtime_ms      INTEGER NOT NULL,
      content_hash  TEXT,
      width         INTEGER,
      height        INTEGER,
      taken_at      TEXT,
      status        TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'analyzed', 'skipped', 'missing')),
      skip_reason   TEXT,
      skip_detail   TEXT,
      pipeline_id   TEXT,
      analyzed_at   INTEGER,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX photos_by_content_hash ON photos (content_hash);
    CREATE INDEX photos_by_status ON photos (status);

    -- source 'manual' = a box the user drew; re-analysis only replaces 'detected' faces.
    CREATE TABLE faces (
      id           INTEGER PRIMARY KEY,
      photo_id     INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
      source       TEXT    NOT NULL DEFAULT 'detected' CHECK (source IN ('detected', 'manual')),
      x            REAL    NOT NULL,
      y            REAL    NOT NULL,
      w            REAL    NOT NULL,
      h            REAL    NOT NULL,
      landmarks    TEXT    CHECK (landmarks IS NULL OR json_valid(landmarks)),
      det_score    REAL,
      q_size       REAL,
      q_sharpness  REAL,
      q_frontal    REAL,
      q_overall    REAL,
      embedding    BLOB,
      embedding_q  BLOB,
      embedder_id  TEXT,
      created_at   INTEGER NOT NULL,
      CHECK (source = 'manual' OR (landmarks IS NOT NULL AND det_score IS NOT NULL AND q_overall IS NOT NULL
             AND embedding IS NOT NULL AND embedding_q IS NOT NULL AND embedder_id IS NOT NULL)),
      CHECK (embedding IS NULL OR length(embedding) = 4 * length(embedding_q))
    ) STRICT;
    CREATE INDEX faces_by_photo ON faces (photo_id);
    CREATE INDEX faces_by_embedder ON faces (embedder_id);

    CREATE TABLE people (
      id             INTEGER PRIMARY KEY,
      name           TEXT,
      hidden         INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
      cover_face_id  INTEGER REFERENCES faces (id) ON DELETE SET NULL,
      created_at     INTEGER NOT NULL,
      updated_at     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX people_by_cover_face ON people (cover_face_id);

    -- One person per face. 'user' rows are corrections: clustering never rewrites them.
    -- person_id has no cascade on purpose: deleting a person must move or drop its faces explicitly.
    CREATE TABLE assignments (
      face_id      INTEGER PRIMARY KEY REFERENCES faces (id) ON DELETE CASCADE,
      person_id    INTEGER NOT NULL REFERENCES people (id),
      source       TEXT    NOT NULL CHECK (source IN ('auto', 'user')),
      confidence   REAL,
      assigned_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX assignments_by_person ON assignments (person_id);

    -- [Note: constraint forms]
    -- face–face   (face_a < face_b):      must_link = same person; cannot_link = "split apart".
    -- face–person (face_a, person_id):    must_link = "confirmed in P"; cannot_link = "not P, ever".
    -- person–person (person_id < other_person_id), cannot_link only: two people are different
    --   (a split without storing every face pair). Merging is done by moving faces, not by a row here.
    -- correction_id says which logged correction created the row, so undo can remove exactly it.
    CREATE TABLE constraints (
      id               INTEGER PRIMARY KEY,
      kind             TEXT    NOT NULL CHECK (kind IN ('must_link', 'cannot_link')),
      face_a           INTEGER REFERENCES faces (id) ON DELETE CASCADE,
      face_b           INTEGER REFERENCES faces (id) ON DELETE CASCADE,
      person_id        INTEGER REFERENCES people (id) ON DELETE CASCADE,
      other_person_id  INTEGER REFERENCES people (id) ON DELETE CASCADE,
      correction_id    INTEGER REFERENCES corrections (id) ON DELETE SET NULL,
      created_at       INTEGER NOT NULL,
      CHECK (
        (face_a IS NOT NULL AND face_b IS NOT NULL AND person_id IS NULL AND other_person_id IS NULL
          AND face_a < face_b)
        OR (face_a IS NOT NULL AND face_b IS NULL AND person_id IS NOT NULL AND other_person_id IS NULL)
        OR (face_a IS NULL AND face_b IS NULL AND person_id IS NOT NULL AND other_person_id IS NOT NULL
          AND person_id < other_person_id AND kind = 'cannot_link')
      )
    ) STRICT;
    -- At most one constraint per pair: a later correction replaces the earlier one's kind.
    CREATE UNIQUE INDEX constraints_face_face ON constraints (face_a, face_b) WHERE face_b IS NOT NULL;
    CREATE UNIQUE INDEX constraints_face_person ON constraints (face_a, person_id)
      WHERE face_a IS NOT NULL AND person_id IS NOT NULL;
    CREATE UNIQUE INDEX constraints_person_person ON constraints (person_id, other_person_id)
      WHERE other_person_id IS NOT NULL;
    CREATE INDEX constraints_by_face_b ON constraints (face_b);
    CREATE INDEX constraints_by_person ON constraints (person_id);
    CREATE INDEX constraints_by_other_person ON constraints (other_person_id);
    CREATE INDEX constraints_by_correction ON constraints (correction_id);

    -- Undo/redo log. state 'undone' rows are the redo stack; a new correction discards them.
    CREATE TABLE corrections (
      id          INTEGER PRIMARY KEY,
      op          TEXT    NOT NULL,
      payload     TEXT    NOT NULL CHECK (json_valid(payload)),
      undo        TEXT    NOT NULL CHECK (json_valid(undo)),
      state       TEXT    NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone')),
      created_at  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE models (
      id        TEXT PRIMARY KEY,
      sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
      file      TEXT NOT NULL,
      added_at  INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- pid lets the next scan tell a live scan from one that was killed ('interrupted').
    CREATE TABLE scan_jobs (
      id           INTEGER PRIMARY KEY,
      roots        TEXT    NOT NULL CHECK (json_valid(roots)),
      state        TEXT    NOT NULL
                   CHECK (state IN ('running', 'paused', 'cancelled', 'done', 'interrupted', 'failed')),
      pid          INTEGER,
      discovered   INTEGER NOT NULL DEFAULT 0,
      analyzed     INTEGER NOT NULL DEFAULT 0,
      unchanged    INTEGER NOT NULL DEFAULT 0,
      moved        INTEGER NOT NULL DEFAULT 0,
      skipped      INTEGER NOT NULL DEFAULT 0,
      missing      INTEGER NOT NULL DEFAULT 0,
      faces        INTEGER NOT NULL DEFAULT 0,
      error        TEXT,
      started_at   INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL,
      finished_at  INTEGER
    ) STRICT;
    CREATE INDEX scan_jobs_by_state ON scan_jobs (state);

    CREATE TABLE settings (
      key    TEXT PRIMARY KEY,
      value  TEXT NOT NULL CHECK (json_valid(value))
    ) STRICT, WITHOUT ROWID;
  `);
}
