// The reader's SQL, in one table so tests can check every plan with EXPLAIN QUERY PLAN.
import { FACE_COLUMNS, PHOTO_COLUMNS } from '../rows.ts';

const SCAN_JOB_COLUMNS = `id, roots, state, pid, discovered, analyzed, unchanged, moved, skipped, missing,
  faces, error, started_at AS startedAt, updated_at AS updatedAt, finished_at AS finishedAt`;

const PERSON_COLUMNS = `p.id, p.name, p.hidden, p.cover_face_id AS coverFaceId,
  count(a.face_id) AS faceCount, count(DISTINCT f.photo_id) AS photoCount`;

const PERSON_FACE_SELECT = `SELECT a.person_id AS personId, f.id AS faceId, f.photo_id AS photoId, ph.path,
  ph.status AS photoStatus, f.x, f.y, f.w, f.h, a.source, a.confidence
  FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos ph ON ph.id = f.photo_id`;

const EMBEDDING_WHERE = `FROM faces f JOIN photos p ON p.id = f.photo_id
  WHERE f.embedder_id = @embedderId AND f.embedding IS NOT NULL AND f.q_overall >= @minQuality
    AND (@includeMissing OR p.status <> 'missing')`;

const PERSON_RECORD_COLUMNS = `id, name, hidden, cover_face_id AS coverFaceId, created_at AS createdAt,
  updated_at AS updatedAt`;
const ASSIGNMENT_RECORD_COLUMNS = `face_id AS faceId, person_id AS personId, source, confidence,
  assigned_at AS assignedAt`;
const CONSTRAINT_RECORD_COLUMNS = `id, kind, face_a AS faceA, face_b AS faceB, person_id AS personId,
  other_person_id AS otherPersonId, correction_id AS correctionId, created_at AS createdAt`;
const CORRECTION_COLUMNS = 'id, op, payload, undo, state, created_at AS createdAt';

// The app views' reads (review suggestions, photo grids, the photo viewer, face thumbnails).
// Review suggestions read auto assignments by confidence, lowest first: store migration 0002's
// partial indexes make that an index range scan (no sort, no full scan). A face assigned at no
// confidence (under 1%: at the very edge of the threshold) is never asked about (issue 15 item 9).

/**
 * A photo's date: its capture date, else its file's modification time as a local time like EXIF's
 * ("2020-01-05T10:00:00"), flagged approximate. Computed here, not stored: no migration, and a
 * date found later in the photo wins by itself.
 */
const TAKEN_AT = `COALESCE(p.taken_at,
    strftime('%Y-%m-%dT%H:%M:%S', p.mtime_ms / 1000, 'unixepoch', 'localtime')) AS takenAt,
    p.taken_at IS NULL AS dateApproximate`;
const LISTING_COLUMNS = `p.id AS photoId, p.path, ${TAKEN_AT}, p.width, p.height, p.status`;

/** Photos that show every person in the JSON array @ids (@n of them, distinct), dated first. */
const PHOTOS_WITH_ALL = `WITH hits AS (
    SELECT f.photo_id AS photoId FROM assignments a JOIN faces f ON f.id = a.face_id
    WHERE a.person_id IN (SELECT value FROM json_each(@ids))
    GROUP BY f.photo_id HAVING count(DISTINCT a.person_id) = @n)
  SELECT ${LISTING_COLUMNS}
  FROM hits h JOIN photos p ON p.id = h.photoId WHERE p.status = 'analyzed'`;
const PHOTO_ORDER = 'ORDER BY takenAt, p.path';

const VIEW_SQL = {
  suggestionsOfPerson: `SELECT a.face_id AS faceId, f.photo_id AS photoId, a.person_id AS personId,
    f.x, f.y, f.w, f.h, a.confidence
    FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos p ON p.id = f.photo_id
    WHERE a.person_id = @personId AND a.source = 'auto' AND a.confidence IS NOT NULL AND a.confidence >= 0.01 AND a.confidence <= @max
      AND p.status <> 'missing'
    ORDER BY a.confidence, a.face_id LIMIT @limit`,
  suggestions: `SELECT a.face_id AS faceId, f.photo_id AS photoId, a.person_id AS personId,
    f.x, f.y, f.w, f.h, a.confidence
    FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos p ON p.id = f.photo_id
      JOIN people pe ON pe.id = a.person_id
    WHERE a.source = 'auto' AND a.confidence IS NOT NULL AND a.confidence >= 0.01 AND a.confidence <= @max
      AND p.status <> 'missing' AND pe.hidden = 0
    ORDER BY a.confidence, a.face_id LIMIT @limit`,
  photosWithAll: `${PHOTOS_WITH_ALL} ${PHOTO_ORDER} LIMIT @limit OFFSET @offset`,
  photosWithAllCount: `SELECT count(*) FROM (${PHOTOS_WITH_ALL})`,
  allPhotos: `SELECT ${LISTING_COLUMNS}
    FROM photos p WHERE p.status = 'analyzed' ${PHOTO_ORDER} LIMIT @limit OFFSET @offset`,
  allPhotosCount: `SELECT count(*) FROM photos WHERE status = 'analyzed'`,
  faceOnPhoto: `SELECT f.id AS faceId, f.photo_id AS photoId, f.source, f.x, f.y, f.w, f.h, p.path, p.status,
    p.width, p.height, p.mtime_ms AS mtimeMs
    FROM faces f JOIN photos p ON p.id = f.photo_id WHERE f.id = ?`,
  photoFaces: `SELECT f.id AS faceId, f.source, f.x, f.y, f.w, f.h, a.person_id AS personId,
    pe.name AS personName, a.source AS assignment
    FROM faces f LEFT JOIN assignments a ON a.face_id = f.id LEFT JOIN people pe ON pe.id = a.person_id
    WHERE f.photo_id = ? ORDER BY f.x, f.id`,
  photoListing: `SELECT ${LISTING_COLUMNS} FROM photos p WHERE p.id = ?`,
  personPhotos: `SELECT DISTINCT ${LISTING_COLUMNS}
    FROM assignments a JOIN faces f ON f.id = a.face_id JOIN photos p ON p.id = f.photo_id
    WHERE a.person_id = ?`,
  unassignedCount: `SELECT count(*) FROM faces f JOIN photos ph ON ph.id = f.photo_id
    WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.face_id = f.id) AND ph.status <> 'missing'`,
} as const;

/** The reader's queries; exported so tests can check their plans with EXPLAIN QUERY PLAN. */
export const READ_SQL = {
  photoById: `SELECT ${PHOTO_COLUMNS} FROM photos WHERE id = ?`,
  photoByPath: `SELECT ${PHOTO_COLUMNS} FROM photos WHERE path = ?`,
  photosByHash: `SELECT ${PHOTO_COLUMNS} FROM photos WHERE content_hash = ? ORDER BY id`,
  photosInRange: 'SELECT id, path, status FROM photos WHERE path >= ? AND path < ? ORDER BY path',
  statusCounts: 'SELECT status, count(*) AS n FROM photos GROUP BY status',
  skipped: `SELECT id, path, skip_reason AS reason, skip_detail AS detail FROM photos
    WHERE status = 'skipped' ORDER BY path`,
  facesOfPhoto: `SELECT ${FACE_COLUMNS} FROM faces WHERE photo_id = ? ORDER BY id`,
  embeddingCount: `SELECT count(*) ${EMBEDDING_WHERE}`,
  embeddings: `SELECT f.id, f.photo_id, f.q_overall, f.noise, f.embedding ${EMBEDDING_WHERE} ORDER BY f.id`,
  people: `SELECT ${PERSON_COLUMNS} FROM people p
    LEFT JOIN assignments a ON a.person_id = p.id LEFT JOIN faces f ON f.id = a.face_id
    WHERE @includeHidden OR p.hidden = 0
    GROUP BY p.id ORDER BY faceCount DESC, p.id`,
  person: `SELECT ${PERSON_COLUMNS} FROM people p
    LEFT JOIN assignments a ON a.person_id = p.id LEFT JOIN faces f ON f.id = a.face_id
    WHERE p.id = ? GROUP BY p.id`,
  allPersonFaces: `${PERSON_FACE_SELECT} ORDER BY ph.path, f.id`,
  personFaces: `${PERSON_FACE_SELECT} WHERE a.person_id = ? ORDER BY ph.path, f.id`,
  scanJob: `SELECT ${SCAN_JOB_COLUMNS} FROM scan_jobs WHERE id = ?`,
  scanJobs: `SELECT ${SCAN_JOB_COLUMNS} FROM scan_jobs ORDER BY id DESC LIMIT ?`,
  scanJobsInState: `SELECT ${SCAN_JOB_COLUMNS} FROM scan_jobs WHERE state = ? ORDER BY id`,
  setting: 'SELECT value FROM settings WHERE key = ?',
  constraints: `SELECT id, kind, face_a AS faceA, face_b AS faceB, person_id AS personId,
    other_person_id AS otherPersonId FROM constraints ORDER BY id`,
  userAssignments: `SELECT face_id AS faceId, person_id AS personId FROM assignments WHERE source = 'user'
    ORDER BY face_id`,
  facesCreatedSince: 'SELECT id FROM faces WHERE created_at >= ? ORDER BY id',
  lastFaceCreatedAt: 'SELECT MAX(created_at) FROM faces',
  pipelineCounts: `SELECT pipeline_id AS pipelineId, count(*) AS photos FROM photos
    WHERE analyzed_at IS NOT NULL AND pipeline_id IS NOT NULL GROUP BY pipeline_id ORDER BY photos DESC, pipeline_id`,
  embedderCounts: `SELECT embedder_id AS embedderId, count(*) AS faces FROM faces
    WHERE embedder_id IS NOT NULL GROUP BY embedder_id ORDER BY faces DESC, embedder_id`,
  assignments: `SELECT face_id AS faceId, person_id AS personId, source FROM assignments ORDER BY face_id`,
  unassignedFaces: `SELECT f.id AS faceId, f.photo_id AS photoId, ph.path, ph.status AS photoStatus, f.x, f.y, f.w, f.h,
    f.q_overall AS quality
    FROM faces f JOIN photos ph ON ph.id = f.photo_id
    WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.face_id = f.id) AND ph.status <> 'missing'
    ORDER BY ph.path, f.id`,
  // ── rows as stored, for corrections and their undo ──
  personRecord: `SELECT ${PERSON_RECORD_COLUMNS} FROM people WHERE id = ?`,
  assignmentRecord: `SELECT ${ASSIGNMENT_RECORD_COLUMNS} FROM assignments WHERE face_id = ?`,
  assignmentRecordsOfPerson: `SELECT ${ASSIGNMENT_RECORD_COLUMNS} FROM assignments WHERE person_id = ?
    ORDER BY face_id`,
  hasUserFace: `SELECT 1 FROM assignments WHERE person_id = ? AND source = 'user' LIMIT 1`,
  /** The face a person is best shown by: user faces first, then quality (as writeClustering's covers). */
  bestFaceOfPerson: `SELECT a.face_id FROM assignments a JOIN faces f ON f.id = a.face_id WHERE a.person_id = ?
    ORDER BY (a.source = 'user') DESC, f.q_overall DESC, f.id LIMIT 1`,
  faceExists: 'SELECT 1 FROM faces WHERE id = ?',
  constraintFaceFace: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE face_a = ? AND face_b = ?`,
  constraintFacePerson: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE face_a = ? AND person_id = ?`,
  constraintPersonPerson: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints
    WHERE person_id = ? AND other_person_id = ?`,
  /** Face–person and person–person rows naming a person (two index searches, no OR). */
  constraintsOfPerson: `SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE person_id = @personId
    UNION ALL SELECT ${CONSTRAINT_RECORD_COLUMNS} FROM constraints WHERE other_person_id = @personId`,
  correction: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE id = ?`,
  // Undone rows are always the newest (a new correction deletes them), so both ends are short walks.
  lastDoneCorrection: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE state = 'done' ORDER BY id DESC LIMIT 1`,
  nextCorrectionAfter: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE id > ? ORDER BY id LIMIT 1`,
  corrections: `SELECT ${CORRECTION_COLUMNS} FROM corrections ORDER BY id DESC LIMIT ?`,
  correctionsInRange: `SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE id > ? AND id < ? ORDER BY id`,
  ...VIEW_SQL,
} as const;
