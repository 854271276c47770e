// Builds the embed step of a pipeline from the manifest: one model, a fusion of several, or a
// model's embedding projected to fewer dimensions.
import { type ModelEntry, modelById } from '../models/manifest.ts';
import { loadProjection, type ModelSession } from '../models/registry.ts';
import { Embedder, type FaceEmbedder } from './embedder.ts';
import { FusedEmbedder } from './fusion.ts';
import { ProjectedEmbedder } from './projected.ts';

/**
 * `flip` overrides the manifest's mirrored-crop setting (of every part, for a fusion; of the inner
 * embedder, for a projection). Returns the sessions it opened so the pipeline can close them.
 * A projection's resource is read and verified here: a damaged file fails the pipeline's creation.
 * `denoise` (blur + noise, ml/embed/noise.ts) defaults to whether the entry has a noise slack; a
 * projection's inner model follows the projection's entry, whose slack is the one calibrated.
 */
export function createEmbedder(
  entry: ModelEntry,
  session: (id: string) => ModelSession,
  flip?: boolean,
  denoise = (entry.noiseSlack ?? 0) > 0,
): { embedder: FaceEmbedder; sessions: ModelSession[] } {
  if (entry.source.kind === 'projected') {
    const inner = createEmbedder(modelById(entry.source.model), session, flip ?? entry.flip, denoise);
    return {
      embedder: new ProjectedEmbedder(inner.embedder, loadProjection(entry)),
      sessions: inner.sessions,
    };
  }
  if (entry.source.kind !== 'fusion') {
    const s = session(entry.id);
    return {
      embedder: new Embedder(s, flip ?? entry.flip ?? false, denoise),
      sessions: [s],
    };
  }
  const sessions: ModelSession[] = [];
  const parts = entry.source.parts.map((p) => {
    const s = session(p.model);
    sessions.push(s);
    const part = modelById(p.model);
    // Each part blurs as it was calibrated; noise is measured only if the fusion's grouping reads it.
    const blur = (part.noiseSlack ?? 0) > 0;
    return {
      embedder: new Embedder(s, flip ?? entry.flip ?? part.flip ?? false, blur, blur && denoise),
      weight: p.weight,
    };
  });
  return { embedder: new FusedEmbedder(parts), sessions };
}
