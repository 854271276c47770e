// Face detectors behind one interface. Both return faces in the pixels of the image they are
// given, with 5 landmarks (YuNet predicts them; the RFB path adds a 68-point model).
import { cropRegion, type RgbImage, warpSimilarity } from '../align/warp.ts';
import { resizeRgb } from '../image/decode.ts';
import { resizeToPlanarTensor, TensorScratch, toPlanarTensor } from '../image/tensor.ts';
import {
  boxAroundPoints,
  fivePointsFrom68,
  landmarkCrop,
  landmarkInstability,
  landmarksToImage,
} from '../landmarks/landmarks68.ts';
import { type ModelSession, ort } from '../models/registry.ts';
import type { DetectedFace, Landmarks5 } from '../types.ts';
import { type Candidate, nms } from './nms.ts';
import { REFINE_DEFAULTS, type RefineOptions, refineHints, refineRegions, refineScale } from './refine.ts';
import { decodeRfb } from './rfb.ts';
import { planTiles } from './tiles.ts';
import { decodeYunet } from './yunet.ts';

export interface DetectOptions {
  /** Smallest face to find, in pixels of the given image. */
  minFaceSize: number;
  scoreThreshold: number;
  nmsIou: number;
}

/** A detector proper: boxes with scores, and 5 points when the model predicts them. */
export interface BoxDetector {
  detect(img: RgbImage, options: DetectOptions): Promise<Candidate[]>;
}

/** Boxes plus the 5 points alignment needs. */
export interface FaceDetector {
  detect(img: RgbImage, options: DetectOptions): Promise<DetectedFace[]>;
}

function pointsToLandmarks(p: Float32Array): Landmarks5 {
  return [
    [p[0]!, p[1]!],
    [p[2]!, p[3]!],
    [p[4]!, p[5]!],
    [p[6]!, p[7]!],
    [p[8]!, p[9]!],
  ];
}

function scaleCandidate(c: Candidate, s: number, dx = 0, dy = 0): Candidate {
  const points = c.points ? c.points.map((v, i) => (i % 2 === 0 ? v / s + dx : v / s + dy)) : null;
  return {
    box: { x: c.box.x / s + dx, y: c.box.y / s + dy, w: c.box.w / s, h: c.box.h / s },
    score: c.score,
    points,
  };
}

/**
 * Scales at which to run a detector so faces from `minFaceSize` up to the whole image are seen:
 * a coarse pass with the long side at `coarseSide` (big faces), and, when small faces would be
 * too small there, a fine pass where `minFaceSize` becomes `smallestFace` network pixels.
 */
export function detectionScales(
  width: number,
  height: number,
  minFaceSize: number,
  coarseSide: number,
  smallestFace: number,
): number[] {
  const coarse = Math.min(1, coarseSide / Math.max(width, height));
  const fine = Math.min(1, smallestFace / minFaceSize);
  return fine > coarse * 1.25 ? [coarse, fine] : [coarse];
}

/**
 * A fine (small-face) pass only keeps faces the coarse pass could have missed: ones at most
 * `reliable` network pixels at the coarse scale, and not lying inside a coarse face (parts of a
 * big face, e.g. an eye region seen up close on a tile, otherwise come back as extra "faces").
 */
export function keepFineCandidates(
  fine: readonly Candidate[],
  coarse: readonly Candidate[],
  coarseScale: number,
  reliable = 40,
): Candidate[] {
  const maxSide = reliable / coarseScale;
  return fine.filter((f) => {
    if (Math.max(f.box.w, f.box.h) > maxSide) return false;
    const area = f.box.w * f.box.h;
    return !coarse.some((c) => {
      const w = Math.min(f.box.x + f.box.w, c.box.x + c.box.w) - Math.max(f.box.x, c.box.x);
      const h = Math.min(f.box.y + f.box.h, c.box.y + c.box.h) - Math.max(f.box.y, c.box.y);
      return w > 0 && h > 0 && (w * h) / area > 0.5;
    });
  });
}

/**
 * YuNet's input: the image at w×h, BGR 0–255, zero-padded to padW×padH. Shrinking by up to 2×
 * is a bilinear resize fused with the packing (what OpenCV's FaceDetectorYN is fed: cv::resize,
 * INTER_LINEAR); stronger shrinking goes through libvips' Lanczos first so no pixels are skipped.
 */
export async function yunetInput(
  img: RgbImage,
  w: number,
  h: number,
  padW: number,
  padH: number,
  into?: Float32Array,
): Promise<Float32Array> {
  const src = img.width > 2 * w || img.height > 2 * h ? await resizeRgb(img, w, h) : img;
  return resizeToPlanarTensor(src, w, h, 'BGR', 0, 1, padW, padH, into);
}

/** YuNet: any input size (multiple of 32), 5 landmarks included. */
export class YunetDetector implements BoxDetector {
  readonly #scratch = new TensorScratch();

  constructor(
    private readonly model: ModelSession,
    private readonly coarseSide = 640,
    private readonly refine: RefineOptions = REFINE_DEFAULTS,
  ) {}

  async detect(img: RgbImage, options: DetectOptions): Promise<Candidate[]> {
    const [coarseScale, minFaceScale] = detectionScales(
      img.width,
      img.height,
      options.minFaceSize,
      this.coarseSide,
      12,
    ) as [number, number | undefined];
    const fineScale = refineScale(coarseScale, minFaceScale);
    // Candidates down to HINT_SCORE come along: the weak ones only say where to look closer.
    const first = nms(
      await this.pass(img, coarseScale, Math.min(options.scoreThreshold, HINT_SCORE)),
      options.nmsIou,
    );
    const coarse = first.filter((c) => c.score >= options.scoreThreshold);
    const all = [...coarse];
    if (fineScale !== undefined) {
      const weak = first.filter((c) => c.score < options.scoreThreshold);
      const hints = refineHints(coarse, weak, coarseScale, this.refine.smallFace);
      for (const r of refineRegions(img.width, img.height, hints, coarse.length > 0, this.refine)) {
        const whole = r.w === img.width && r.h === img.height;
        const part = whole ? img : cropRegion(img, r.x, r.y, r.w, r.h);
        const found = (await this.pass(part, fineScale, options.scoreThreshold)).map((c) =>
          scaleCandidate(c, 1, r.x, r.y),
        );
        all.push(...keepFineCandidates(nms(found, options.nmsIou), coarse, coarseScale));
      }
    }
    return nms(all, options.nmsIou).filter((c) => Math.min(c.box.w, c.box.h) >= options.minFaceSize);
  }

  /**
   * One network pass over `img` scaled by `s`; candidates in `img` pixels, before NMS. Public for
   * the crowd research bench (bench/crowd-variants.ts), which tries passes the app does not make.
   */
  async pass(img: RgbImage, s: number, scoreThreshold: number): Promise<Candidate[]> {
    const w = Math.max(1, Math.round(img.width * s));
    const h = Math.max(1, Math.round(img.height * s));
    const padW = Math.ceil(w / 32) * 32;
    const padH = Math.ceil(h / 32) * 32;
    const out = await this.#scratch.use(3 * padW * padH, async (buf) => {
      const input = new ort.Tensor('float32', await yunetInput(img, w, h, padW, padH, buf), [
        1,
        3,
        padH,
        padW,
      ]);
      return this.model.run({ [this.model.entry.input.name]: input });
    });
    const get = (name: string): Float32Array => out[name]!.data as Float32Array;
    const found = decodeYunet(
      {
        cls: [get('cls_8'), get('cls_16'), get('cls_32')],
        obj: [get('obj_8'), get('obj_16'), get('obj_32')],
        bbox: [get('bbox_8'), get('bbox_16'), get('bbox_32')],
        kps: [get('kps_8'), get('kps_16'), get('kps_32')],
      },
      padW,
      padH,
      scoreThreshold,
    );
    return found.map((c) => scaleCandidate(c, w / img.width));
  }
}

/** Coarse candidates from this score up mark where the fine pass should look (below it: noise). */
export const HINT_SCORE = 0.3;

/**
 * Ultra-Light RFB (fixed input, e.g. 320×240): boxes only. Small faces in bigger photos are
 * found on overlapping tiles at a finer scale.
 */
export class RfbDetector implements BoxDetector {
  constructor(private readonly detector: ModelSession) {}

  async #run(img: RgbImage, threshold: number): Promise<Candidate[]> {
    const { width: iw, height: ih, name } = this.detector.entry.input;
    const resized = img.width === iw && img.height === ih ? img : await resizeRgb(img, iw, ih);
    const e = this.detector.entry;
    const tensor = new ort.Tensor('float32', toPlanarTensor(resized, 'RGB', e.mean, e.std), [1, 3, ih, iw]);
    const out = await this.detector.run({ [name]: tensor });
    return decodeRfb(
      out.scores!.data as Float32Array,
      out.boxes!.data as Float32Array,
      img.width,
      img.height,
      threshold,
    );
  }

  async detect(img: RgbImage, options: DetectOptions): Promise<Candidate[]> {
    const { width: iw, height: ih } = this.detector.entry.input;
    const scales = detectionScales(img.width, img.height, options.minFaceSize, Math.max(iw, ih), 14);
    const coarse = nms(await this.#run(img, options.scoreThreshold), options.nmsIou);
    const all: Candidate[] = [...coarse];
    for (const s of scales.slice(1)) {
      // Tiles of the network's input size at scale s, i.e. windows of iw/s × ih/s image pixels.
      const tw = Math.round(iw / s);
      const th = Math.round(ih / s);
      for (const t of planTiles(img.width, img.height, tw, th)) {
        const tile = cropRegion(img, t.x, t.y, t.w, t.h);
        const found = nms(await this.#run(tile, options.scoreThreshold), options.nmsIou);
        all.push(
          ...keepFineCandidates(
            found.map((c) => scaleCandidate(c, 1, t.x, t.y)),
            coarse,
            scales[0]!,
          ),
        );
      }
    }
    return nms(all, options.nmsIou).filter((c) => Math.min(c.box.w, c.box.h) >= options.minFaceSize);
  }
}

/** Uses the detector's own 5 points (YuNet). */
export class FivePointDetector implements FaceDetector {
  constructor(private readonly detector: BoxDetector) {}

  async detect(img: RgbImage, options: DetectOptions): Promise<DetectedFace[]> {
    const found = await this.detector.detect(img, options);
    return found.map((c) => {
      if (!c.points) throw new Error('FivePointDetector needs a detector that predicts landmarks');
      return { box: c.box, score: c.score, landmarks: pointsToLandmarks(c.points) };
    });
  }
}

/**
 * Any detector + the 68-point landmark model. Landmarks run twice, the second time on a crop
 * re-centred on the first pass's points, which is what makes the 5 points good enough for
 * alignment (a detector's box alone gives poorly centred crops).
 */
export class Landmark68Detector implements FaceDetector {
  constructor(
    private readonly detector: BoxDetector,
    private readonly landmarks: ModelSession,
  ) {}

  async detect(img: RgbImage, options: DetectOptions): Promise<DetectedFace[]> {
    const faces: DetectedFace[] = [];
    for (const c of await this.detector.detect(img, options)) {
      const { landmarks, instability } = await this.landmarks5(img, c.box);
      faces.push({ box: c.box, score: c.score * stabilityFactor(instability), landmarks });
    }
    return faces;
  }

  async landmarks68(
    img: RgbImage,
    crop: { x: number; y: number; w: number; h: number },
  ): Promise<Float32Array> {
    const { width: size, name } = this.landmarks.entry.input;
    const s = size / crop.w;
    const patch = warpSimilarity(img, { a: s, b: 0, tx: -crop.x * s, ty: -crop.y * s }, size, size);
    const grey = new Float32Array(size * size);
    for (let i = 0; i < grey.length; i++) {
      const v = 0.299 * patch.data[3 * i]! + 0.587 * patch.data[3 * i + 1]! + 0.114 * patch.data[3 * i + 2]!;
      grey[i] = (v - this.landmarks.entry.mean) / this.landmarks.entry.std;
    }
    const out = await this.landmarks.run({ [name]: new ort.Tensor('float32', grey, [1, 1, size, size]) });
    return landmarksToImage(out.output!.data as Float32Array, crop);
  }

  /**
   * Two passes give the points; a third, re-centred on the second, only measures how much they
   * still move. On a real face they settle (≤ 2% of the eye distance); on the detector's false
   * positives (hands, paintings, fabric) they wander (≥ 9%), measured on photos-dev.
   */
  async landmarks5(
    img: RgbImage,
    box: { x: number; y: number; w: number; h: number },
  ): Promise<{ landmarks: Landmarks5; instability: number }> {
    const first = await this.landmarks68(img, landmarkCrop(box, LANDMARK_EXPAND));
    const refined = await this.landmarks68(img, landmarkCrop(boxAroundPoints(first), REFINE_EXPAND));
    const check = await this.landmarks68(img, landmarkCrop(boxAroundPoints(refined), REFINE_EXPAND));
    return { landmarks: fivePointsFrom68(refined), instability: landmarkInstability(refined, check) };
  }
}

/**
 * The RFB path's confidence is the detector's score scaled down for unstable landmarks: 1 up to
 * 4% of the eye distance, 0 from 12%. Unstable "faces" then fall below the quality bar and stay
 * out of people (they are still listed as unassigned faces).
 */
export function stabilityFactor(instability: number): number {
  return Math.min(1, Math.max(0, (0.12 - instability) / 0.08));
}

/** Crop expansion for the first landmark pass, tuned with `kith bench lfw` (see README). */
export const LANDMARK_EXPAND = 1.1;
/** Second pass: the square around the 68 points, with margin. */
export const REFINE_EXPAND = 1.1;
