// The attach pass of grouping (ml/cluster/attach.ts) for an embedder: its calibrated k and ratio,
// scaled to the threshold in use. None for embedders without one (and test embedders).
import type { AttachOptions } from '../../../ml/cluster/index.ts';
import { MODELS } from '../../../ml/models/manifest.ts';

export function attachFor(embedderId: string, threshold: number): AttachOptions | undefined {
  const a = MODELS.find((e) => e.id === embedderId)?.clusterAttach;
  return a ? { k: a.k, threshold: a.ratio * threshold } : undefined;
}
