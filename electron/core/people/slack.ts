// The per-face slack that clustering and recognition forgive (ml/embed/noise.ts): the embedder's
// calibrated noiseSlack times each face's measured noise. None for embedders without one (and for
// test embedders that are not in the manifest).
import { slackOf } from '../../../ml/embed/noise.ts';
import { MODELS } from '../../../ml/models/manifest.ts';

export function faceSlack(m: { embedderId: string; noise: Float32Array }): Float32Array | undefined {
  const k = MODELS.find((e) => e.id === m.embedderId)?.noiseSlack ?? 0;
  return k > 0 ? slackOf(m.noise, k) : undefined;
}
