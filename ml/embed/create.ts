// Builds the embed step of a pipeline from the manifest: one model, or a fusion of several.
import { type ModelEntry, modelById } from '../models/manifest.ts';
import type { ModelSession } from '../models/registry.ts';
import { Embedder, type FaceEmbedder } from './embedder.ts';
import { FusedEmbedder } from './fusion.ts';

/**
 * `flip` overrides the manifest's mirrored-crop setting (of every part, for a fusion).
 * Returns the sessions it opened so the pipeline can close them.
 */
export function createEmbedder(
  entry: ModelEntry,
  session: (id: string) => ModelSession,
  flip?: boolean,
): { embedder: FaceEmbedder; sessions: ModelSession[] } {
  if (entry.source.kind !== 'fusion') {
    const s = session(entry.id);
    return {
      embedder: new Embedder(s, flip ?? entry.flip ?? false, (entry.noiseSlack ?? 0) > 0),
      sessions: [s],
    };
  }
  const sessions: ModelSession[] = [];
  const parts = entry.source.parts.map((p) => {
    const s = session(p.model);
    sessions.push(s);
    const part = modelById(p.model);
    const denoise = (part.noiseSlack ?? 0) > 0;
    return { embedder: new Embedder(s, flip ?? entry.flip ?? part.flip ?? false, denoise), weight: p.weight };
  });
  return { embedder: new FusedEmbedder(parts), sessions };
}
