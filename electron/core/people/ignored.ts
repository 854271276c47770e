// Faces the user dismissed as junk ("not a face" / "ignore these", issue 15 item 2): they take no part
// in grouping or recognition and are not listed as unassigned. Kept as one setting (a sorted list of
// face ids) that the `dismiss` correction writes with its before-image, so undo and redo restore it
// exactly; faces of unchanged photos keep their ids through re-scans, so the list survives them.
import type { LibraryReader } from '../store/reader.ts';

export const IGNORED_FACES_KEY = 'people.ignoredFaces';

/** The dismissed face ids (empty when none, or when the setting is not a list of ids). */
export function ignoredFaces(read: Pick<LibraryReader, 'getSetting'>): Set<number> {
  const v = read.getSetting(IGNORED_FACES_KEY);
  if (!Array.isArray(v)) return new Set();
  return new Set(v.filter((x): x is number => Number.isSafeInteger(x) && x > 0));
}
