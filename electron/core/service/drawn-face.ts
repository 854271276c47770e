// Faces the user draws on a photo: checked, analysed by the face model's own stages, then added
// through the corrections (so undo covers them).
import { basename } from 'node:path';
import type { ManualFaceEmbedder } from '../../../ml/manual-face.ts';
import type { Box } from '../../../ml/types.ts';
import { ApiError, type Output, type ParsedInput } from '../../shared/api.ts';
import { type Corrections, clampBox, type ManualFaceData } from '../people/corrections.ts';
import { sameFaceAsDrawn } from '../store/writer.ts';
import type { ServiceContext } from './context.ts';
import type { ServiceSettings } from './settings.ts';

export class ServiceDrawnFaces {
  readonly #ctx: ServiceContext;
  readonly #settings: ServiceSettings;
  readonly #corrections: Corrections;
  /** The face model's stages for hand-drawn faces, made on first use (per pipeline setting). */
  #manual: { pipeline: string; embedder: Promise<ManualFaceEmbedder> } | null = null;

  constructor(ctx: ServiceContext, settings: ServiceSettings, corrections: Corrections) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#corrections = corrections;
  }

  /** Adds the face drawn on a photo to a person (or a new one); the caller reports the change. */
  async add(input: ParsedInput<'addFace'>): Promise<Output<'addFace'>> {
    const read = this.#ctx.library.read;
    const photo = read.getPhoto(input.photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${input.photoId}.`);
    if (photo.status === 'missing') throw new ApiError('conflict', `${basename(photo.path)} is missing.`);
    // Checked before any model runs: a box off the photo or an unknown person fails at once.
    const box = clampBox(input.box, photo.width, photo.height);
    if (!box)
      throw new ApiError('invalid-request', 'Draw the box on the photo (at least 4 pixels each way).');
    if (input.to !== 'new' && !read.getPersonRecord(input.to)) {
      throw new ApiError('not-found', `There is no person #${input.to}.`);
    }
    if (read.listFaces(photo.id).some((f) => sameFaceAsDrawn(box, f.box))) {
      throw new ApiError(
        'conflict',
        'That face is already marked on this photo: select it to move it to a person instead.',
      );
    }
    const face = await this.#analyze(photo.path, box);
    if (this.#ctx.closed) throw new ApiError('conflict', 'The library is closing.');
    return this.#corrections.addFace(photo.id, box, input.to, face);
  }

  /** Releases the face model (the library is closing). */
  async close(): Promise<void> {
    const manual = this.#manual;
    this.#manual = null;
    if (manual) await manual.embedder.then((e) => e.close()).catch(() => {});
  }

  async #embedder(): Promise<ManualFaceEmbedder> {
    const setting = this.#settings.settings().pipeline;
    const modelsDir = this.#ctx.options.modelsDir;
    // 'auto' is the library's own pipeline while it runs, as for scans: its embeddings compare.
    const { keptPipeline } = await import('../library-models.ts');
    const pipeline =
      setting === 'auto' ? ((await keptPipeline(this.#ctx.library, { modelsDir })) ?? 'auto') : setting;
    // Synchronous from here: concurrent calls for the same pipeline share one embedder.
    if (this.#manual?.pipeline !== pipeline) {
      const old = this.#manual;
      const embedder = import('../../../ml/manual-face.ts').then((m) =>
        m.ManualFaceEmbedder.create({ pipeline, modelsDir }),
      );
      embedder.catch(() => {}); // reported by the call that awaits it
      this.#manual = { pipeline, embedder };
      if (old) void old.embedder.then((e) => e.close()).catch(() => {});
    }
    return this.#manual!.embedder;
  }

  /**
   * Landmarks, quality and embedding of a drawn face, by the face model's own stages on the photo
   * (async: ONNX Runtime and sharp work off the event loop). Without a usable face model (missing
   * files, or one whose embeddings the library's faces cannot be compared with) the face is kept
   * without an embedding: it is still the person's, it just does not help recognise others.
   */
  async #analyze(path: string, box: Box): Promise<ManualFaceData> {
    const none: ManualFaceData = { landmarks: null, quality: null, embedding: null, embedderId: null };
    let embedder: ManualFaceEmbedder;
    try {
      embedder = await this.#embedder();
    } catch {
      return none;
    }
    const libraryEmbedder = this.#ctx.library.read.embedderCounts()[0]?.embedderId;
    const { decodeImage } = await import('../../../ml/image/decode.ts');
    const img = await decodeImage(path, { maxSide: 3072 });
    const s = img.scale;
    const r = await embedder.embedBox(img, { x: box.x * s, y: box.y * s, w: box.w * s, h: box.h * s });
    const comparable = libraryEmbedder === undefined || libraryEmbedder === embedder.embedderId;
    return {
      landmarks: r.landmarks.map(
        ([x, y]) => [x / s, y / s] as const,
      ) as unknown as ManualFaceData['landmarks'],
      quality: { ...r.quality, size: r.quality.size / s },
      embedding: comparable ? r.embedding : null,
      embedderId: comparable ? embedder.embedderId : null,
    };
  }
}
