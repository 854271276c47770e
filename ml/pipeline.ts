// The face pipeline: decode → detect (+5 points) → align → embed → quality.
// Sessions are created lazily on first use, once per pipeline instance.
import { cpus } from 'node:os';
import type { RgbImage } from './align/warp.ts';
import {
  type BoxDetector,
  type DetectOptions,
  type FaceDetector,
  FivePointDetector,
  Landmark68Detector,
  RfbDetector,
  YunetDetector,
} from './detect/detectors.ts';
import { createEmbedder } from './embed/create.ts';
import type { EmbedOptions, FaceEmbedder } from './embed/embedder.ts';
import { faceNoise, measuresNoise } from './embed/noise.ts';
import { type DecodedImage, decodeImage } from './image/decode.ts';
import { closeRawReader } from './image/raw.ts';
import { modelById } from './models/manifest.ts';
import type { ProviderName } from './models/providers.ts';
import { ModelSession, resolvePipeline } from './models/registry.ts';
import { faceQuality, frontalScore, laplacianVariance } from './quality.ts';
import type { AnalyzedFace, DetectedFace, FacePipeline, Landmarks5, PhotoAnalysis } from './types.ts';

export interface PipelineOptions {
  /** Pipeline id from the registry, or 'auto' (default): the best one whose model files are present. */
  pipeline?: string | undefined;
  /** Folder holding model files that are not shipped by npm packages. */
  modelsDir?: string | undefined;
  /** Intra-op threads for ONNX Runtime in this process/worker (default: all cores). */
  threads?: number | undefined;
  providers?: readonly ProviderName[] | undefined;
  /** Smallest face kept, in original-photo pixels (default 20). */
  minFaceSize?: number | undefined;
  /** Photos are decoded with their long side at most this (shrink-on-load); default 3072. */
  maxSide?: number | undefined;
  /**
   * Big photos are decoded shrunk by 1/3, 1/5 or 1/9 (nearly free for JPEG, see CHEAP_DIVISORS)
   * while the long side stays at least this; default 1000: a 12-MP photo's 4032 px become 1344, an
   * 8-MP photo's 3264 become 1088, a 24-MP photo's 6000 become 1200; below 3000 px, full size.
   */
  workingSide?: number | undefined;
  /** Detector score threshold (default depends on the detector). */
  scoreThreshold?: number | undefined;
  /** Embed the mirrored crop too and add the vectors (default: the embedder's manifest setting). */
  flip?: boolean | undefined;
  /**
   * A landmark model to align by instead of the pipeline's (e.g. the 68-point one after YuNet):
   * for benchmarks that compare alignments (`kith bench lfw|cluster --landmarks ID`).
   */
  landmarks?: string | undefined;
}

/** Stage timings in milliseconds, accumulated over the pipeline's life (for `kith bench speed`). */
export interface StageTimes {
  decode: number;
  detect: number;
  align: number;
  embed: number;
}

export class KithPipeline implements FacePipeline {
  readonly times: StageTimes = { decode: 0, detect: 0, align: 0, embed: 0 };

  constructor(
    readonly id: string,
    readonly embedderId: string,
    readonly embeddingSize: number,
    readonly threshold: number,
    private readonly detector: FaceDetector,
    private readonly embedder: FaceEmbedder,
    private readonly sessions: ModelSession[],
    private readonly detect: DetectOptions & { maxSide: number; workingSide: number },
  ) {}

  async analyzeFile(path: string): Promise<PhotoAnalysis> {
    const t0 = performance.now();
    const img = await decodeImage(path, { maxSide: this.detect.maxSide, shrinkTo: this.detect.workingSide });
    this.times.decode += performance.now() - t0;
    return this.analyzeDecoded(img);
  }

  /** Detects in the decoded image and maps every coordinate back to original pixels. */
  async analyzeDecoded(img: DecodedImage): Promise<PhotoAnalysis> {
    const s = img.scale;
    const rgb: RgbImage = { data: img.data, width: img.width, height: img.height };
    const t1 = performance.now();
    const found = await this.detector.detect(rgb, {
      ...this.detect,
      minFaceSize: Math.max(6, this.detect.minFaceSize * s),
    });
    this.times.detect += performance.now() - t1;
    const faces: AnalyzedFace[] = [];
    const measureNoise = measuresNoise(Math.max(img.originalWidth, img.originalHeight), img.jpegQuality);
    for (const f of found) faces.push(this.#toOriginal(await this.embedFace(rgb, f, { measureNoise }), s));
    return { width: img.originalWidth, height: img.originalHeight, takenAt: img.takenAt, faces };
  }

  /** Detection only, in the given image's pixels (benchmarks use it to pick the face they want). */
  detectFaces(img: RgbImage, options?: Partial<DetectOptions>): Promise<DetectedFace[]> {
    return this.detector.detect(img, { ...this.detect, ...options });
  }

  /** Align + embed + quality for one detected face, in the image's own pixels. */
  async embedFace(img: RgbImage, face: DetectedFace, options?: EmbedOptions): Promise<AnalyzedFace> {
    const t0 = performance.now();
    const { embedding, crop, unblurred } = await this.embedder.embed(img, face.landmarks, options);
    this.times.embed += performance.now() - t0;
    const t1 = performance.now();
    const sharpness = laplacianVariance(crop.data, crop.width, crop.height);
    const quality = faceQuality(
      face.score,
      Math.min(face.box.w, face.box.h),
      sharpness,
      frontalScore(face.landmarks),
    );
    this.times.align += performance.now() - t1;
    const analysed = { box: face.box, landmarks: face.landmarks, quality, embedding };
    return unblurred ? { ...analysed, noise: faceNoise(embedding, unblurred) } : analysed;
  }

  #toOriginal(f: AnalyzedFace, s: number): AnalyzedFace {
    if (s === 1) return f;
    const lm = f.landmarks.map(([x, y]) => [x / s, y / s] as const) as unknown as Landmarks5;
    return {
      ...f,
      box: { x: f.box.x / s, y: f.box.y / s, w: f.box.w / s, h: f.box.h / s },
      landmarks: lm,
      quality: { ...f.quality, size: f.quality.size / s },
    };
  }

  /**
   * Execution providers in use, best first ('cuda', 'dml', 'coreml', 'cpu'): the list the model
   * sessions were created with, after any fallback to the CPU (a GPU provider that fails to load
   * drops the session to 'cpu'). Before the first photo, the list the sessions will ask for;
   * `ready()` creates them so this reports what is actually used.
   */
  get providers(): string[] {
    const created = this.sessions.filter((m) => m.created);
    const from = created.find((m) => m.providers[0] !== 'cpu') ?? created[0] ?? this.sessions[0];
    return from ? from.providers : ['cpu'];
  }

  /** Creates every model session now (instead of on first use), e.g. to report `providers`. */
  async ready(): Promise<void> {
    await Promise.all(this.sessions.map((m) => m.session()));
  }

  async close(): Promise<void> {
    // This thread's exiftool process, started by the first RAW photo.
    await Promise.all([...this.sessions.map((m) => m.close()), closeRawReader()]);
  }
}

export async function createPipeline(options: PipelineOptions = {}): Promise<KithPipeline> {
  const loc = { modelsDir: options.modelsDir };
  const entry = await resolvePipeline(options.pipeline ?? 'auto', loc);
  const sessionOptions = { threads: options.threads ?? cpus().length, providers: options.providers };
  const session = (id: string): ModelSession => new ModelSession(modelById(id), loc, sessionOptions);
  const det = session(entry.detector);
  const e = modelById(entry.embedder);
  const embed = createEmbedder(e, session, options.flip ?? entry.flip);
  const sessions = [det, ...embed.sessions];
  const isYunet = det.entry.outputs.includes('kps_8');
  const boxes: BoxDetector = isYunet ? new YunetDetector(det) : new RfbDetector(det);
  const defaultScore = isYunet ? 0.6 : 0.7;
  let detector: FaceDetector;
  const landmarks = options.landmarks ?? entry.landmarks;
  if (landmarks) {
    const lm = session(landmarks);
    sessions.push(lm);
    detector = new Landmark68Detector(boxes, lm);
  } else {
    detector = new FivePointDetector(boxes);
  }
  if (!e.embeddingSize || e.threshold === undefined) throw new Error(`Model ${e.id} is not an embedder`);
  return new KithPipeline(
    entry.id,
    e.id,
    e.embeddingSize,
    e.clusterThreshold ?? e.threshold,
    detector,
    embed.embedder,
    sessions,
    {
      minFaceSize: options.minFaceSize ?? 20,
      maxSide: options.maxSide ?? 3072,
      workingSide: options.workingSide ?? 1000,
      scoreThreshold: options.scoreThreshold ?? defaultScore,
      nmsIou: 0.3,
    },
  );
}
