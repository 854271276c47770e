// `--attach off|K:RATIO` of the benches that group faces (bench cluster, cluster-scale, finetune).
import { UsageError } from '../../electron/cli/args.ts';
import type { ClusterAttach } from '../../ml/models/manifest.ts';

/** `--attach off` or `--attach K:RATIO` (ml/cluster/attach.ts; RATIO × the grouping threshold, below it). */
export function parseAttach(text: string): ClusterAttach | null {
  if (text === 'off') return null;
  const parts = text.split(':').map(Number);
  const [k, ratio] = parts;
  if (!(parts.length === 2 && Number.isInteger(k) && k! >= 1 && ratio! > 0 && ratio! < 1)) {
    throw new UsageError(`--attach must be "off" or K:RATIO (e.g. 3:0.9), got "${text}"`);
  }
  return { k: k!, ratio: ratio! };
}
