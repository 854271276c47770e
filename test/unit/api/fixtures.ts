// A small real library for API tests: generated JPEGs on disk, three identities (unit vectors in 16
// dimensions with a little noise), faces written with the store writer and grouped by the real
// re-clustering. No models needed; runs in a second.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { recluster } from '../../../electron/core/people/recluster.ts';
import type { ScanJobOptions, ScanJobResult } from '../../../electron/core/scan-job.ts';
import { dispatch } from '../../../electron/core/service/dispatch.ts';
import { LibraryService } from '../../../electron/core/service/library-service.ts';
import type { FaceInput } from '../../../electron/core/store/index.ts';
import type { Envelope, MethodName, Output } from '../../../electron/shared/api.ts';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';

export const EMBEDDER = 'api-test-embedder';
export const THRESHOLD = 0.6;
const DIM = 16;

/** Photos as lists of identities; identity i sits near the unit vector e_i. */
export const PHOTOS: number[][] = [[0, 1], [0, 2], [1, 2], [0], [0, 1, 2], [1]];

function noise(seed: number, i: number): number {
  const s = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
}

function faceOf(identity: number, seed: number, slot: number): FaceInput {
  const v = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = (i === identity ? 1 : 0) + 0.03 * noise(seed, i);
  const n = Math.hypot(...v);
  const embedding = v.map((x) => x / n);
  const box = { x: 10 + slot * 100, y: 40, w: 80, h: 100 };
  const p = (dx: number, dy: number) => [box.x + dx, box.y + dy] as const;
  return {
    box,
    landmarks: [p(25, 35), p(55, 35), p(40, 55), p(28, 75), p(52, 75)],
    quality: { detScore: 0.95, size: 80, sharpness: 120, frontal: 0.9, overall: 0.7 },
    embedding,
    embeddingQ: quantizeInt8(embedding),
  };
}

export interface ApiFixture {
  root: string;
  photosDir: string;
  libraryDir: string;
  service: LibraryService;
  /** Face ids per identity, photo order. */
  faces: number[][];
  photoIds: number[];
  /** Calls of the fake scan job. */
  scans: ScanJobOptions[];
  /** Resolves the fake scan job in flight. */
  finishScan(): void;
  close(): Promise<void>;
}

/** A fake scan job: reports progress, honours pause/cancel, re-clusters like runScanJob. */
function fakeScan(fx: { scans: ScanJobOptions[]; release: (() => void) | null }) {
  return async (options: ScanJobOptions): Promise<ScanJobResult> => {
    fx.scans.push(options);
    const counts = { discovered: 6, analyzed: 0, unchanged: 6, moved: 0, skipped: 0, missing: 0, faces: 0 };
    const progress = (state: 'running' | 'done' | 'cancelled', processed: number) =>
      options.onProgress?.({
        ...counts,
        jobId: 1,
        state,
        walkDone: true,
        processed,
        rate: 2,
        etaSeconds: 6 - processed,
        currentPath: null,
      });
    progress('running', 1);
    await new Promise<void>((resolve) => {
      fx.release = resolve;
      options.controller?.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const cancelled = options.controller?.signal.aborted === true;
    progress(cancelled ? 'cancelled' : 'done', 6);
    const clustering = cancelled
      ? null
      : {
          mode: 'full' as const,
          ...(await recluster(options.library, {
            embedderId: EMBEDDER,
            threshold: options.threshold ?? THRESHOLD,
          })),
        };
    return {
      pipeline: { id: 'fake', embedderId: EMBEDDER, threshold: THRESHOLD } as ScanJobResult['pipeline'],
      scan: {
        jobId: 1,
        state: cancelled ? 'cancelled' : 'done',
        counts,
        skippedFiles: [],
        analyzedPaths: [],
        errors: [],
        durationMs: 5,
      },
      clustering,
      imported: null,
    };
  };
}

export async function buildApiFixture(): Promise<ApiFixture> {
  const root = await mkdtemp(join(tmpdir(), 'kith-api-'));
  const photosDir = join(root, 'photos');
  const libraryDir = join(root, 'library');
  await mkdir(photosDir, { recursive: true });
  const state = { scans: [] as ScanJobOptions[], release: null as (() => void) | null };
  const service = LibraryService.open({ libraryDir, runScan: fakeScan(state), create: true });
  const lib = service.library;
  const faces: number[][] = [[], [], []];
  const photoIds: number[] = [];
  let seed = 1;
  for (const [i, ids] of PHOTOS.entries()) {
    const path = join(photosDir, `photo-${i}.jpg`);
    await sharp({
      create: { width: 320, height: 200, channels: 3, background: { r: 40 * i, g: 120, b: 200 } },
    })
      .jpeg()
      .toFile(path);
    const { photoId, faceIds } = lib.write.recordAnalysis(
      { path, size: 1000 + i, mtimeMs: 1_700_000_000_000, contentHash: null },
      {
        width: 320,
        height: 200,
        takenAt: `2020-01-0${6 - i}T10:00:00`,
        pipelineId: 'fake',
        embedderId: EMBEDDER,
        faces: ids.map((id, slot) => faceOf(id, seed++, slot)),
      },
    );
    photoIds.push(photoId);
    ids.forEach((id, k) => {
      faces[id]!.push(faceIds[k]!);
    });
  }
  await recluster(lib, { embedderId: EMBEDDER, threshold: THRESHOLD });
  await service.handlers.addFolder({ path: photosDir });
  return {
    root,
    photosDir,
    libraryDir,
    service,
    faces,
    photoIds,
    scans: state.scans,
    finishScan: () => state.release?.(),
    close: async () => {
      await service.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Calls through dispatch (validation + error mapping), checking every answer against the contract. */
export function apiCaller(fixture: () => ApiFixture) {
  return {
    async call<M extends MethodName>(name: M, input?: unknown): Promise<Output<M>> {
      const r = await dispatch(fixture().service.handlers, name, input, { validateOutput: true });
      if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
      return r.value as Output<M>;
    },
    async fails(name: string, input: unknown, code: string): Promise<void> {
      const r: Envelope<unknown> = await dispatch(fixture().service.handlers, name, input, {
        validateOutput: true,
      });
      assert.equal(r.ok, false, `${name} should fail`);
      if (!r.ok) assert.equal(r.error.code, code, r.error.message);
    },
  };
}
