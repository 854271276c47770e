// Names from other apps: face regions in sidecars and images (Lightroom, digiKam, Picasa, Windows
// Photo Gallery, an earlier Kith export) become named, confirmed faces. Each region is matched to a
// detected face of the photo by box overlap (IoU, best pairs first, one to one).
//
// The user's word in Kith wins over a file: a face the user already assigned, or told "not this
// person", is left alone. Otherwise the face joins the person with that name (one is made if none),
// as the user's own correction would (so re-clustering keeps it and undo can take it back).
import type { ExifTool } from 'exiftool-vendored';
import { matchByIou } from '../../../ml/geometry/box.ts';
import { cleanName } from '../../shared/names.ts';
import { Corrections } from '../people/corrections.ts';
import type { Library } from '../store/library.ts';
import type { NamedRegion } from './regions.ts';
import type { SkippedSidecar } from './sidecar-limits.ts';
import { readRegions, withExifTool } from './xmp.ts';

/** Detector boxes and hand-drawn regions differ in margins; 0.3 pairs them without crossing faces. */
export const IMPORT_MIN_IOU = 0.3;

export interface ImportRegionsOptions {
  minIou?: number;
  exiftool?: ExifTool;
  /** Reads a photo's regions (tests, or a caller with its own reader); default: exiftool. */
  readRegions?: (photo: string, onSkip: (skipped: SkippedSidecar) => void) => Promise<NamedRegion[]>;
}

export interface ImportRegionsResult {
  /** Photos that had named regions. */
  photos: number;
  regions: number;
  /** Faces that got a name from a region (moved, confirmed or their person named). */
  named: number;
  /** Faces that already had that name as a user assignment (a re-import). */
  unchanged: number;
  /** Faces left alone because the user put them elsewhere or rejected the name. */
  keptUser: number;
  /** Regions no detected face overlaps enough (or photos not in the library / not analysed). */
  unmatched: Array<{ path: string; name: string }>;
  /** Sidecars not read, with why (too large, too many regions). */
  skipped: SkippedSidecar[];
}

/** Greedy one-to-one matching, best overlap first. */
function matchRegions(
  regions: readonly NamedRegion[],
  faces: ReadonlyArray<{ id: number; area: NamedRegion['area'] }>,
  minIou: number,
): { pairs: Array<{ faceId: number; name: string }>; unmatched: NamedRegion[] } {
  const matched = matchByIou(
    regions.map((r) => r.area),
    faces.map((f) => f.area),
    minIou,
  );
  const usedR = new Set(matched.map(([i]) => i));
  const pairs = matched.map(([i, j]) => ({ faceId: faces[j]!.id, name: regions[i]!.name }));
  return { pairs, unmatched: regions.filter((_, i) => !usedR.has(i)) };
}

type Outcome = 'named' | 'unchanged' | 'kept-user';

function applyName(
  library: Library,
  corrections: Corrections,
  byName: Map<string, number>,
  faceId: number,
  name: string,
): Outcome {
  const { read } = library;
  const current = read.getAssignment(faceId);
  const target = byName.get(name);
  if (current?.source === 'user') {
    if (current.personId === target) return 'unchanged';
    const own = read.getPersonRecord(current.personId);
    // A face the user confirmed in a still-unnamed person: the region only adds the name.
    if (target !== undefined || !own || own.name !== null) return 'kept-user';
    corrections.renamePerson(own.id, name);
    byName.set(name, own.id);
    return 'named';
  }
  if (target !== undefined) {
    const rejected = read.getConstraintAt({
      faceA: faceId,
      faceB: null,
      personId: target,
      otherPersonId: null,
    });
    if (rejected?.kind === 'cannot_link') return 'kept-user';
    if (current?.personId === target) corrections.confirmFaces([faceId], target);
    else corrections.moveFaces([faceId], target);
    return 'named';
  }
  const person = current ? read.getPersonRecord(current.personId) : undefined;
  if (person && person.name === null) {
    // Clustering already grouped this face: the region names the whole (unnamed) person.
    corrections.renamePerson(person.id, name);
    corrections.confirmFaces([faceId], person.id);
    byName.set(name, person.id);
    return 'named';
  }
  corrections.moveFaces([faceId], 'new');
  const last = corrections.history(1)[0]?.payload;
  const created = last?.op === 'move' ? last.newPersonId : undefined;
  if (created === undefined) throw new Error(`face ${faceId}: the new person for "${name}" was not recorded`);
  corrections.renamePerson(created, name);
  byName.set(name, created);
  return 'named';
}

/**
 * Reads the face regions of `photoPaths` (library paths of analysed photos) and names the matching
 * faces. Call it after the photos were analysed and people were clustered. Re-running it is harmless.
 */
export async function importRegions(
  library: Library,
  photoPaths: readonly string[],
  options: ImportRegionsOptions = {},
): Promise<ImportRegionsResult> {
  const minIou = options.minIou ?? IMPORT_MIN_IOU;
  const result: ImportRegionsResult = {
    photos: 0,
    regions: 0,
    named: 0,
    unchanged: 0,
    keptUser: 0,
    unmatched: [],
    skipped: [],
  };
  const onSkip = (s: SkippedSidecar) => result.skipped.push(s);
  const corrections = new Corrections(library);
  const byName = new Map<string, number>();
  for (const p of library.read.listPeople({ includeHidden: true })) {
    if (p.name && !byName.has(p.name)) byName.set(p.name, p.id);
  }
  const run = async (read: NonNullable<ImportRegionsOptions['readRegions']>) => {
    for (const path of photoPaths) {
      const photo = library.read.getPhotoByPath(path);
      if (photo?.status !== 'analyzed' || !photo.width || !photo.height) continue;
      // Names enter the library here: whatever the reader gives goes through the name rule (cleaned).
      const regions = (await read(path, onSkip)).flatMap((r) => {
        const name = cleanName(r.name);
        return name === null ? [] : [{ ...r, name }];
      });
      if (regions.length === 0) continue;
      result.photos++;
      result.regions += regions.length;
      const { width, height } = photo;
      const faces = library.read.listFaces(photo.id).map((f) => ({
        id: f.id,
        area: { x: f.box.x / width, y: f.box.y / height, w: f.box.w / width, h: f.box.h / height },
      }));
      const { pairs, unmatched } = matchRegions(regions, faces, minIou);
      for (const u of unmatched) result.unmatched.push({ path, name: u.name });
      for (const { faceId, name } of pairs) {
        const outcome = applyName(library, corrections, byName, faceId, name);
        if (outcome === 'named') result.named++;
        else if (outcome === 'unchanged') result.unchanged++;
        else result.keptUser++;
      }
    }
  };
  if (options.readRegions) await run(options.readRegions);
  else await withExifTool((et) => run((photo, skip) => readRegions(et, photo, skip)), options.exiftool);
  return result;
}
