// The labeled faces of a library, flattened to one record per face: what every export format writes.
import type { Box, Landmarks5 } from '../../../ml/types.ts';
import type { LibraryReader } from '../store/reader.ts';
import type { AssignmentSource, Face, Photo } from '../store/types.ts';

export interface ExportFace {
  personId: number;
  personName: string | null;
  faceId: number;
  photoId: number;
  path: string;
  /** Oriented photo size (EXIF orientation applied), null when the photo was never analysed. */
  photoWidth: number | null;
  photoHeight: number | null;
  /** Box in oriented photo pixels, top-left origin. */
  box: Box;
  /** The box divided by the photo size (top-left based, in [0, 1]); null without a size. */
  boxNormalized: Box | null;
  landmarks: Landmarks5 | null;
  /** How the face got its person: confirmed by the user, or by clustering. */
  assignment: AssignmentSource;
  /** Clustering's confidence for automatic assignments (null for user ones). */
  confidence: number | null;
  detScore: number | null;
  quality: number | null;
  /** The embedder that produced the face's embedding. */
  modelId: string | null;
}

export interface CollectOptions {
  /** Only people with a name (default false: everyone, unnamed people by id). */
  namedOnly?: boolean;
  includeHidden?: boolean;
}

/** Every assigned face of the selected people, people largest first, faces by photo path. */
export function collectFaces(read: LibraryReader, options: CollectOptions = {}): ExportFace[] {
  const people = read.listPeopleWithFaces({ includeHidden: options.includeHidden ?? false });
  const photos = new Map<number, Photo | undefined>();
  const faces = new Map<number, Map<number, Face>>();
  const photoOf = (id: number) => {
    if (!photos.has(id)) photos.set(id, read.getPhoto(id));
    return photos.get(id);
  };
  const faceOf = (photoId: number, faceId: number) => {
    let m = faces.get(photoId);
    if (!m) {
      m = new Map(read.listFaces(photoId).map((f) => [f.id, f]));
      faces.set(photoId, m);
    }
    return m.get(faceId);
  };
  const out: ExportFace[] = [];
  for (const p of people) {
    if (options.namedOnly && !p.name) continue;
    for (const pf of p.faces) {
      const photo = photoOf(pf.photoId);
      const face = faceOf(pf.photoId, pf.faceId);
      const w = photo?.width ?? null;
      const h = photo?.height ?? null;
      out.push({
        personId: p.id,
        personName: p.name,
        faceId: pf.faceId,
        photoId: pf.photoId,
        path: pf.path,
        photoWidth: w,
        photoHeight: h,
        box: pf.box,
        boxNormalized: w && h ? { x: pf.box.x / w, y: pf.box.y / h, w: pf.box.w / w, h: pf.box.h / h } : null,
        landmarks: face?.landmarks ?? null,
        assignment: pf.source,
        confidence: pf.confidence,
        detScore: face?.quality?.detScore ?? null,
        quality: face?.quality?.overall ?? null,
        modelId: face?.embedderId ?? null,
      });
    }
  }
  return out;
}
