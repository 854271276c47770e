// The model registry: one manifest entry per model file Kith can run, and the pipelines
// that combine them. Hashes pin the exact bytes; a file that does not match is never loaded.

/** Where a model file comes from. */
export type ModelSource =
  /** Shipped inside an npm dependency: present after `npm install`, no download. */
  | { kind: 'npm'; package: string; path: string }
  /** A file in the user's models folder (`--models-dir`, setting, or KITH_MODELS_DIR). */
  | { kind: 'models-dir'; file: string }
  /**
   * No file of its own: an embedder that runs these embedders on the same aligned crop and fuses
   * their embeddings (`ml/embed/fusion.ts`). Weights sum to 1.
   */
  | { kind: 'fusion'; parts: ReadonlyArray<{ model: string; weight: number }> }
  /**
   * No model file of its own: runs embedder `model` and maps its embedding to fewer dimensions by the
   * linear projection (PCA) in `resource`, a file shipped with the app (path from the app root;
   * `ml/embed/projected.ts`). The entry's `sha256` pins the resource.
   */
  | { kind: 'projected'; model: string; resource: string };

export type ModelTask = 'detector' | 'landmarks68' | 'embedder';

export interface ModelEntry {
  id: string;
  task: ModelTask;
  source: ModelSource;
  sha256: string;
  /** Input tensor [channels, height, width]; 0 = dynamic (must be a multiple of `stride`). */
  input: { name: string; channels: 1 | 3; height: number; width: number; stride?: number };
  colour: 'RGB' | 'BGR' | 'grey';
  /** Pixel normalisation: (value − mean) / std, per channel, on 0–255 values. */
  mean: number;
  std: number;
  outputs: readonly string[];
  /** Embedders: vector length. */
  embeddingSize?: number;
  /** Embedders: 5-point template the crop is aligned to (112×112 ArcFace template). */
  alignment?: 'arcface-112';
  /**
   * Embedders: squared-L2 distance at which two faces are called the same person.
   * Calibrated on LFW dev folds with `kith bench lfw` (the threshold it prints).
   */
  threshold?: number;
  /**
   * Embedders: the squared-L2 threshold for grouping faces into people (average-linkage merges and
   * k-NN joins), calibrated with `kith bench cluster --sweep` on lfw-dev. Stricter than the
   * verification threshold: in a photo library most pairs of faces are different people, and one
   * wrong merge joins two whole clusters.
   */
  clusterThreshold?: number;
  /**
   * Embedders: also embed the mirrored crop and add the two vectors. Costs a second inference;
   * kept only where `kith bench lfw` shows it pays (MobileFaceNet: 99.00% → 99.23%).
   */
  flip?: boolean;
  /**
   * Embedders: how much of a face's measured noise (ml/embed/noise.ts) is forgiven in each distance
   * it takes part in: d' = d − k·(noise_a + noise_b). 0 or unset: none. Calibrated with
   * `kith bench cluster --degrade` (see README).
   */
  noiseSlack?: number;
  /**
   * Embedders: the second grouping pass in which small clusters join a larger one their faces sit
   * next to (ml/cluster/attach.ts): each face's k nearest faces there must average at most
   * `ratio` × the grouping threshold (so it follows the user's stricter ↔ looser setting).
   * Calibrated with `kith bench cluster [--degrade …] --attach k:ratio` on lfw-dev.
   */
  clusterAttach?: ClusterAttach;
  licence: string;
  /** Where the file was published (for the model manager's download and for provenance). */
  url: string;
}

/** The attach pass's setting (ModelEntry.clusterAttach): k nearest faces, threshold = ratio × T. */
export interface ClusterAttach {
  k: number;
  ratio: number;
}

const FUSION_WEIGHT = 0.5;
const FUSION_THRESHOLD = 1.49;
const FUSION_CLUSTER_THRESHOLD = 1.15;
// faceplugin-feature-128, calibrated on the lfw-dev faces the PCA was fitted on (in-sample):
// `kith bench lfw --pipeline yunet-faceplugin-128` threshold 1.405 (faceplugin-128: 1.442; held out,
// PCA on the other folds: 1.424), `kith bench cluster --sweep` best pairwise F at 1.15.
// Noise slack 0.5 for both, from `kith bench cluster --degrade scale=0.5,quality=20
// --save-embeddings` swept over k and threshold: the largest gain that keeps pairwise precision
// ≥ 0.99 at 1.15 (128-d: F 0.849 → 0.909, P 0.9905; 512-d: 0.863 → 0.913, P 0.9912).
// Grouping 1.15 → 1.10 with the attach pass (k 3, 0.9 × the threshold; the same pass serves the
// 512-d form and the fusion): on lfw-dev at half size + JPEG q20 pairwise F 0.885 (P 0.992) →
// 0.952 (P 0.993), at full quality 0.9918 → 0.9932 (`kith bench cluster [--degrade
// scale=0.5,quality=20] [--attach off] --sweep …`, docs/BENCHMARKS.md).
const PROJECTED_THRESHOLD = 1.4;
const PROJECTED_CLUSTER_THRESHOLD = 1.1;
const FACEPLUGIN_ATTACH = { k: 3, ratio: 0.9 };

export const MODELS: readonly ModelEntry[] = [
  {
    id: 'faceplugin-rfb320',
    task: 'detector',
    source: { kind: 'npm', package: 'faceplugin-face-recognition-js', path: 'model/fr_detect.onnx' },
    sha256: '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854',
    input: { name: 'input', channels: 3, height: 240, width: 320 },
    colour: 'RGB',
    mean: 127,
    std: 128,
    outputs: ['scores', 'boxes'],
    licence:
      'MIT (npm package faceplugin-face-recognition-js); Ultra-Light-Fast-Generic-Face-Detector RFB-320',
    url: 'https://registry.npmjs.org/faceplugin-face-recognition-js/-/faceplugin-face-recognition-js-0.0.1.tgz',
  },
  {
    id: 'faceplugin-landmark68',
    task: 'landmarks68',
    source: { kind: 'npm', package: 'faceplugin-face-recognition-js', path: 'model/fr_landmark.onnx' },
    sha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258',
    input: { name: 'input', channels: 1, height: 64, width: 64 },
    colour: 'grey',
    mean: 0,
    std: 256,
    outputs: ['output'],
    licence: 'MIT (npm package faceplugin-face-recognition-js)',
    url: 'https://registry.npmjs.org/faceplugin-face-recognition-js/-/faceplugin-face-recognition-js-0.0.1.tgz',
  },
  {
    id: 'faceplugin-feature',
    task: 'embedder',
    source: { kind: 'npm', package: 'faceplugin-face-recognition-js', path: 'model/fr_feature.onnx' },
    sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
    input: { name: 'input', channels: 3, height: 112, width: 112 },
    colour: 'BGR',
    mean: 127.5,
    std: 127.5,
    outputs: ['output'],
    embeddingSize: 512,
    alignment: 'arcface-112',
    threshold: 1.47,
    // With the attach pass, as faceplugin-feature-128: lfw-dev pairwise F
    // 0.9917 → 0.9941 at full quality, 0.903 → 0.953 (P 0.995) at half size + q20.
    clusterThreshold: 1.1,
    noiseSlack: 0.5,
    clusterAttach: FACEPLUGIN_ATTACH,
    licence: 'MIT (npm package); weights exported from a third-party project, training data undocumented',
    url: 'https://registry.npmjs.org/faceplugin-face-recognition-js/-/faceplugin-face-recognition-js-0.0.1.tgz',
  },
  {
    // The paper's 128 bytes: faceplugin's 512-d embedding projected onto its top 128 principal
    // directions (fitted on 5,373 lfw-dev faces, resources/projections/README.md), then stored as
    // 512 B float + 128 B int8 a face instead of 2,048 + 512. Held out (PCA fitted on the other
    // folds) on lfw-dev with YuNet: LFW 99.33% vs 99.37% at 512-d (docs/BENCHMARKS.md).
    id: 'faceplugin-feature-128',
    task: 'embedder',
    source: {
      kind: 'projected',
      model: 'faceplugin-feature',
      resource: 'resources/projections/faceplugin-feature-pca128.bin',
    },
    sha256: '3919096d0e8cb542fd0fca0480a79254ff64d2710c9c89eb5f77326657d6d75c',
    // No input of its own: faceplugin-feature's crop and normalisation apply.
    input: { name: '', channels: 3, height: 112, width: 112 },
    colour: 'RGB',
    mean: 0,
    std: 1,
    outputs: [],
    embeddingSize: 128,
    alignment: 'arcface-112',
    threshold: PROJECTED_THRESHOLD,
    clusterThreshold: PROJECTED_CLUSTER_THRESHOLD,
    noiseSlack: 0.5,
    clusterAttach: FACEPLUGIN_ATTACH,
    licence: 'as faceplugin-feature; the projection: MIT (Kith), fitted on LFW (research benchmark)',
    url: '',
  },
  {
    id: 'yunet-n',
    task: 'detector',
    source: { kind: 'models-dir', file: 'yunet_n_dynamic.onnx' },
    sha256: '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12',
    input: { name: 'input', channels: 3, height: 0, width: 0, stride: 32 },
    colour: 'BGR',
    mean: 0,
    std: 1,
    outputs: [
      'cls_8',
      'cls_16',
      'cls_32',
      'obj_8',
      'obj_16',
      'obj_32',
      'bbox_8',
      'bbox_16',
      'bbox_32',
      'kps_8',
      'kps_16',
      'kps_32',
    ],
    licence: 'Apache-2.0 (ShiqiYu/libfacedetection.train)',
    url: 'https://github.com/ShiqiYu/libfacedetection.train/raw/0047ac24/onnx/yunet_n_dynamic.onnx',
  },
  {
    id: 'mobilefacenet',
    task: 'embedder',
    source: { kind: 'models-dir', file: 'mobilefacenet_foamliu.onnx' },
    sha256: 'b7120c095d60094f28a4a54ba6a8bf51b297a6273fb40ef6350dfec1f63d9507',
    input: { name: 'input0', channels: 3, height: 112, width: 112 },
    colour: 'RGB',
    mean: 127.5,
    std: 127.5,
    outputs: ['output0'],
    embeddingSize: 128,
    alignment: 'arcface-112',
    threshold: 1.45,
    clusterThreshold: 1.15,
    // Attach pass (bench cluster --save-embeddings, then swept): lfw-dev pairwise F 0.9869 → 0.9922
    // at full quality, 0.849 → 0.922 (P 0.994) at half size + q20; a ratio of 0.9 costs precision.
    clusterAttach: { k: 3, ratio: 0.86 },
    flip: true,
    licence: 'Apache-2.0 code (foamliu/MobileFaceNet); trained on MS-Celeb-1M (research-use terms)',
    url: 'https://github.com/foamliu/MobileFaceNet/raw/a6cc9032/weights/MobileFaceNet.onnx',
  },
  {
    // Both embedders on the same aligned crop, each with its mirrored crop, fused by weighted
    // concatenation (= weighted sum of their squared L2 distances). Threshold and cluster threshold
    // from 759 lfw-dev pairs / 1,050 faces of folds 1–2 only (README): re-measure on all folds with
    // `kith bench lfw|cluster --pipeline accurate`.
    id: 'fusion-faceplugin-mobilefacenet',
    task: 'embedder',
    source: {
      kind: 'fusion',
      parts: [
        { model: 'faceplugin-feature', weight: FUSION_WEIGHT },
        { model: 'mobilefacenet', weight: 1 - FUSION_WEIGHT },
      ],
    },
    sha256: '',
    input: { name: '', channels: 3, height: 112, width: 112 },
    colour: 'RGB',
    mean: 0,
    std: 1,
    outputs: [],
    embeddingSize: 640,
    alignment: 'arcface-112',
    threshold: FUSION_THRESHOLD,
    clusterThreshold: FUSION_CLUSTER_THRESHOLD,
    // Attach pass: lfw-dev pairwise F 0.9919 → 0.9936 at full quality, 0.875 → 0.942 (P 0.998)
    // at half size + q20 (a ratio of 0.94 costs full-quality precision).
    clusterAttach: FACEPLUGIN_ATTACH,
    flip: true,
    licence: 'as its parts (faceplugin-feature, mobilefacenet)',
    url: '',
  },
];

/**
 * The ids of the model files an entry needs: its own, its parts' for a fusion, its inner
 * embedder's for a projection (whose resource file is the entry's own, not a model file).
 */
export function modelFileIds(id: string): string[] {
  const entry = modelById(id);
  if (entry.source.kind === 'fusion') return entry.source.parts.flatMap((p) => modelFileIds(p.model));
  if (entry.source.kind === 'projected') return modelFileIds(entry.source.model);
  return [id];
}

export interface PipelineEntry {
  id: string;
  label: string;
  detector: string;
  /** Only for detectors without their own 5 points. */
  landmarks?: string;
  embedder: string;
  /** Overrides the embedder's `flip` setting (the fast pipeline embeds one crop per face). */
  flip?: boolean;
}

/**
 * In order of preference: the first whose files are all present and verified is the default for a
 * new library (a library keeps the pipeline that analysed it: electron/core/library-models.ts).
 * Measured with `kith bench lfw` on lfw-dev and `kith bench speed` on wider-dev (see README):
 * YuNet finds far more faces in group photos than RFB-320. YuNet's own 5 points + the faceplugin
 * embedding (99.37%) is the default, projected to 128-d (the `-128` ids: 4× less stored a face for
 * 99.33% held-out, docs/BENCHMARKS.md); the 512-d ids stay for the libraries they analysed. The
 * 68-point landmark passes add 0.10 points of LFW accuracy (99.47%, within one standard error) for
 * more CPU time per photo. MobileFaceNet with the mirrored crop costs about as much (2 × ~5 ms vs
 * ~9 ms a face on one thread, once the faceplugin weights are prepared: registry.ts loadModelBytes)
 * at 99.23% (TAR@FAR 0.1% 97.4% vs 98.8%). Without a models folder, `faceplugin-128` then
 * `faceplugin` (npm files only).
 */
export const PIPELINES: readonly PipelineEntry[] = [
  {
    id: 'yunet-faceplugin-128',
    label: 'YuNet + faceplugin embedding, 128-d',
    detector: 'yunet-n',
    embedder: 'faceplugin-feature-128',
  },
  {
    id: 'yunet-faceplugin',
    label: 'YuNet + faceplugin embedding, 512-d',
    detector: 'yunet-n',
    embedder: 'faceplugin-feature',
  },
  {
    // Most accurate, about twice the embedding time of the default: for the user to pick. Never
    // 'auto': it needs the default's files too, and the default comes first.
    id: 'accurate',
    label: 'Accurate: YuNet + faceplugin and MobileFaceNet fused, mirrored crops (models folder, slower)',
    detector: 'yunet-n',
    embedder: 'fusion-faceplugin-mobilefacenet',
  },
  {
    id: 'yunet-landmarks-faceplugin',
    label: 'YuNet + 68-point landmarks + faceplugin embedding (most accurate, slower)',
    detector: 'yunet-n',
    landmarks: 'faceplugin-landmark68',
    embedder: 'faceplugin-feature',
  },
  {
    id: 'yunet-mobilefacenet',
    label: 'YuNet + MobileFaceNet (models folder)',
    detector: 'yunet-n',
    embedder: 'mobilefacenet',
  },
  {
    // Never picked by 'auto' before the pipelines above: LFW 99.00% (vs 99.23% with the mirrored
    // crop), for about half the embedding time. For big libraries on slow machines.
    id: 'fast',
    label: 'Fast: YuNet + MobileFaceNet, one crop per face (models folder)',
    detector: 'yunet-n',
    embedder: 'mobilefacenet',
    flip: false,
  },
  {
    id: 'faceplugin-128',
    label: 'faceplugin RFB-320 + 68-point landmarks + embedding, 128-d (installed with npm)',
    detector: 'faceplugin-rfb320',
    landmarks: 'faceplugin-landmark68',
    embedder: 'faceplugin-feature-128',
  },
  {
    id: 'faceplugin',
    label: 'faceplugin RFB-320 + 68-point landmarks + embedding, 512-d (installed with npm)',
    detector: 'faceplugin-rfb320',
    landmarks: 'faceplugin-landmark68',
    embedder: 'faceplugin-feature',
  },
];

export function modelById(id: string): ModelEntry {
  const entry = MODELS.find((m) => m.id === id);
  if (!entry) throw new Error(`Unknown model "${id}". Known: ${MODELS.map((m) => m.id).join(', ')}`);
  return entry;
}

export function pipelineById(id: string): PipelineEntry {
  const entry = PIPELINES.find((p) => p.id === id);
  if (!entry) throw new Error(`Unknown pipeline "${id}". Known: ${PIPELINES.map((p) => p.id).join(', ')}`);
  return entry;
}
