// A small library built with the store writer on real photos copied to a temp folder: no scan, no models.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Corrections } from '../../../electron/core/people/corrections.ts';
import { type Library, openLibrary } from '../../../electron/core/store/library.ts';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';
import type { Box, Landmarks5 } from '../../../ml/types.ts';
import { sharedDataDir } from '../../helpers/shared.ts';

export const EMBEDDER = 'test-embedder';
export const KNN_DIR = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples/test');

/** Photo file → faces (box in pixels, person name or null for an unnamed person, undefined = unassigned). */
export const LAYOUT: Record<string, Array<{ box: Box; person?: string | null }>> = {
  'obama_and_biden.jpg': [
    { box: { x: 300, y: 200, w: 220, h: 260 }, person: 'Barack Obama' },
    { box: { x: 1200, y: 250, w: 200, h: 240 }, person: 'Joe Biden, "VP"' },
  ],
  'obama1.jpg': [{ box: { x: 100, y: 80, w: 150, h: 180 }, person: 'Barack Obama' }],
  'kit_with_rose.jpg': [
    { box: { x: 40, y: 30, w: 90, h: 100 }, person: null },
    { box: { x: 200, y: 40, w: 80, h: 90 } },
  ],
};

function landmarksOf(b: Box): Landmarks5 {
  const p = (fx: number, fy: number) => [b.x + fx * b.w, b.y + fy * b.h] as const;
  return [p(0.3, 0.4), p(0.7, 0.4), p(0.5, 0.6), p(0.35, 0.8), p(0.65, 0.8)];
}

function embeddingOf(seed: number): Float32Array {
  const v = new Float32Array(128);
  let s = seed * 9973 + 1;
  for (let i = 0; i < v.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[i] = s / 2147483648 - 0.5;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export interface Fixture {
  root: string;
  photosDir: string;
  library: Library;
  /** Face ids by photo file name, in LAYOUT order. */
  faces: Record<string, number[]>;
  paths: Record<string, string>;
  close(): void;
}

/** Copies the photos and records their faces; with `people`, assigns and names them as LAYOUT says. */
export async function buildFixture(
  options: { people?: boolean; root?: string; libraryName?: string } = {},
): Promise<Fixture> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'kith-export-'));
  const photosDir = join(root, 'photos');
  const library = openLibrary(join(root, options.libraryName ?? 'library'), { create: true });
  const faces: Record<string, number[]> = {};
  const paths: Record<string, string> = {};
  let seed = 1;
  for (const [file, layout] of Object.entries(LAYOUT)) {
    const path = join(photosDir, file);
    if (!options.root) {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(photosDir, { recursive: true });
      copyFileSync(join(KNN_DIR, file), path);
    }
    const meta = await sharp(path).metadata();
    const { faceIds } = library.write.recordAnalysis(
      { path, size: 1, mtimeMs: 1, contentHash: null },
      {
        width: meta.width!,
        height: meta.height!,
        takenAt: null,
        pipelineId: 'test',
        embedderId: EMBEDDER,
        faces: layout.map((f) => {
          const embedding = embeddingOf(seed++);
          return {
            box: f.box,
            landmarks: landmarksOf(f.box),
            quality: { detScore: 0.9, size: f.box.w, sharpness: 100, frontal: 0.9, overall: 0.8 },
            embedding,
            embeddingQ: quantizeInt8(embedding),
          };
        }),
      },
    );
    faces[file] = faceIds;
    paths[file] = path;
  }
  if (options.people) {
    const corrections = new Corrections(library);
    const byName = new Map<string, number>();
    for (const [file, layout] of Object.entries(LAYOUT)) {
      layout.forEach((f, i) => {
        const faceId = faces[file]![i]!;
        if (f.person === undefined) return;
        const existing = f.person === null ? undefined : byName.get(f.person);
        if (existing !== undefined) {
          corrections.moveFaces([faceId], existing);
          return;
        }
        corrections.moveFaces([faceId], 'new');
        const last = corrections.history(1)[0]!.payload;
        const id = last.op === 'move' ? last.newPersonId! : -1;
        if (f.person !== null) {
          corrections.renamePerson(id, f.person);
          byName.set(f.person, id);
        }
      });
    }
  }
  return {
    root,
    photosDir,
    library,
    faces,
    paths,
    close: () => {
      library.close();
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
