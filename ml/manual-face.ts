// A face the user drew by hand (a face the detector missed): the pipeline's own landmark, align and
// embed stages run on the user's box, so the face can join its person like any detected one.
// - Pipelines with the 68-point model run it on the box (two passes, as for detected faces).
// - YuNet-only pipelines run YuNet on the region around the box, with a low score bar (the user says
//   a face is there), and take the 5 points of the detection that best overlaps the box.
// - When neither gives plausible points (a profile, a blurred or covered face), the ArcFace template's
//   5 points placed in the box stand in: the crop is then the box itself, which still embeds usefully.
import { cpus } from 'node:os';
import { ARCFACE_112 } from './align/similarity.ts';
import type { RgbImage } from './align/warp.ts';
import { Landmark68Detector, stabilityFactor, YunetDetector } from './detect/detectors.ts';
import { createEmbedder } from './embed/create.ts';
import type { FaceEmbedder } from './embed/embedder.ts';
import { iou } from './geometry/box.ts';
import { modelById } from './models/manifest.ts';
import type { ProviderName } from './models/providers.ts';
import { ModelSession, resolvePipeline } from './models/registry.ts';
import { faceQuality, frontalScore, laplacianVariance } from './quality.ts';
import type { Box, FaceQuality, Landmarks5, Point } from './types.ts';

export interface ManualFace {
  landmarks: Landmarks5;
  /** Where the 5 points came from. */
  landmarkSource: 'landmarks' | 'detector' | 'template';
  quality: FaceQuality;
  /** L2-normalised. */
  embedding: Float32Array;
}

/** The ArcFace template's 5 points placed in the box (the template's 112×112 square ≈ the face box). */
export function templateLandmarks(box: Box): Landmarks5 {
  return ARCFACE_112.map(
    ([x, y]): Point => [box.x + (x / 112) * box.w, box.y + (y / 112) * box.h],
  ) as unknown as Landmarks5;
}

/**
 * Points that can belong to a face in this box: all inside it (with a 25% margin), eyes apart by
 * 15–100% of the box width and above the mouth corners.
 */
export function plausibleLandmarks(p: Landmarks5, box: Box): boolean {
  const mx = box.w * 0.25;
  const my = box.h * 0.25;
  const inside = p.every(
    ([x, y]) =>
      Number.isFinite(x) &&
      Number.isFinite(y) &&
      x >= box.x - mx &&
      x <= box.x + box.w + mx &&
      y >= box.y - my &&
      y <= box.y + box.h + my,
  );
  if (!inside) return false;
  const [le, re, , ml, mr] = p;
  const eyes = Math.hypot(re[0] - le[0], re[1] - le[1]);
  const eyeY = (le[1] + re[1]) / 2;
  const mouthY = (ml[1] + mr[1]) / 2;
  return eyes >= 0.15 * box.w && eyes <= box.w && mouthY > eyeY;
}

/** The integer region of `img` covering `r` (clamped), copied out. */
function crop(img: RgbImage, r: Box): { img: RgbImage; x: number; y: number } {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(img.width, Math.ceil(r.x + r.w));
  const y1 = Math.min(img.height, Math.ceil(r.y + r.h));
  const w = Math.max(1, x1 - x0);
  const h = Math.max(1, y1 - y0);
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const src = ((y0 + row) * img.width + x0) * 3;
    data.set(img.data.subarray(src, src + w * 3), row * w * 3);
  }
  return { img: { data, width: w, height: h }, x: x0, y: y0 };
}

export interface ManualFaceOptions {
  /** Pipeline id, or 'auto' (default): the same choice a scan makes. */
  pipeline?: string | undefined;
  modelsDir?: string | undefined;
  /** ONNX Runtime intra-op threads (default: half the cores; the app keeps running meanwhile). */
  threads?: number | undefined;
  providers?: readonly ProviderName[] | undefined;
}

/** The landmark, align and embed stages of one pipeline, for boxes the user drew. */
export class ManualFaceEmbedder {
  private constructor(
    readonly pipelineId: string,
    readonly embedderId: string,
    private readonly points: (img: RgbImage, box: Box) => Promise<Landmarks5 | null>,
    private readonly pointSource: 'landmarks' | 'detector',
    private readonly embedder: FaceEmbedder,
    private readonly sessions: ModelSession[],
  ) {}

  static async create(options: ManualFaceOptions = {}): Promise<ManualFaceEmbedder> {
    const loc = { modelsDir: options.modelsDir };
    const entry = await resolvePipeline(options.pipeline ?? 'auto', loc);
    const sessionOptions = {
      threads: options.threads ?? Math.max(1, Math.floor(cpus().length / 2)),
      providers: options.providers,
    };
    const session = (id: string) => new ModelSession(modelById(id), loc, sessionOptions);
    const e = modelById(entry.embedder);
    const embed = createEmbedder(e, session, entry.flip);
    const sessions = [...embed.sessions];
    let points: (img: RgbImage, box: Box) => Promise<Landmarks5 | null>;
    if (entry.landmarks) {
      const lm = session(entry.landmarks);
      sessions.push(lm);
      // Only its landmark passes are used: the box is the user's, not a detector's.
      const detector = new Landmark68Detector({ detect: async () => [] }, lm);
      points = async (img, box) => {
        const { landmarks, instability } = await detector.landmarks5(img, box);
        return stabilityFactor(instability) > 0 ? landmarks : null;
      };
    } else {
      const det = session(entry.detector);
      sessions.push(det);
      const yunet = new YunetDetector(det);
      points = async (img, box) => {
        const side = Math.max(box.w, box.h);
        const region = crop(img, {
          x: box.x - side,
          y: box.y - side,
          w: box.w + 2 * side,
          h: box.h + 2 * side,
        });
        const found = await yunet.detect(region.img, {
          minFaceSize: Math.max(6, side * 0.3),
          scoreThreshold: 0.3,
          nmsIou: 0.3,
        });
        let best: (typeof found)[number] | undefined;
        let bestIou = 0.3;
        for (const c of found) {
          const b = { ...c.box, x: c.box.x + region.x, y: c.box.y + region.y };
          const o = iou(b, box);
          if (c.points && o >= bestIou) {
            best = c;
            bestIou = o;
          }
        }
        const p = best?.points;
        if (!p) return null;
        return [0, 1, 2, 3, 4].map(
          (i): Point => [p[2 * i]! + region.x, p[2 * i + 1]! + region.y],
        ) as unknown as Landmarks5;
      };
    }
    return new ManualFaceEmbedder(
      entry.id,
      e.id,
      points,
      entry.landmarks ? 'landmarks' : 'detector',
      embed.embedder,
      sessions,
    );
  }

  /** Landmarks, quality and embedding of the face in `box` (pixels of `img`). */
  async embedBox(img: RgbImage, box: Box): Promise<ManualFace> {
    const found = await this.points(img, box);
    const ok = found !== null && plausibleLandmarks(found, box);
    const landmarks = ok ? found : templateLandmarks(box);
    const { embedding, crop: aligned } = await this.embedder.embed(img, landmarks);
    const sharpness = laplacianVariance(aligned.data, aligned.width, aligned.height);
    // Detector confidence 1: the user says this is a face.
    const quality = faceQuality(1, Math.min(box.w, box.h), sharpness, frontalScore(landmarks));
    return {
      landmarks,
      landmarkSource: ok ? this.pointSource : 'template',
      quality,
      embedding,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}
