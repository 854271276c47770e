/** Writer queries whose plans matter at scale; exported for the EXPLAIN QUERY PLAN tests. */
export const WRITE_SQL = {
  oldFaces: `SELECT id, x, y, w, h FROM faces WHERE photo_id = ? AND source = 'detected'`,
  manualFaces: `SELECT id, x, y, w, h FROM faces WHERE photo_id = ? AND source = 'manual'`,
  cannotLink: `SELECT 1 FROM constraints WHERE kind = 'cannot_link' AND face_a = ? AND person_id = ?`,
  activeJobs: `SELECT id, pid FROM scan_jobs WHERE state IN ('running', 'paused')`,
} as const;
