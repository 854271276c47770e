// `--attach off|K:RATIO` of the benches that group faces (bench cluster, cluster-scale, finetune).
import { UsageError } from '../../electron/cli/args.ts';

/** `--attach off` or `--attach K:RATIO` (ml/cluster/attach.ts; RATIO × the grouping threshold). */
export function parseAttach(text: string): { k: number; ratio: number } | null {
  if (text === 'off') return null;
  const [k, ratio] = text.split(':').map(Number);
  if (!(Number.isInteger(k) && k! >= 1 && ratio !== undefined && ratio > 0 && ratio <= 1)) {
    throw new UsageError(`--attach must be "off" or K:RATIO (e.g. 3:0.9), got "${text}"`);
  }
  return { k: k!, ratio };
}
