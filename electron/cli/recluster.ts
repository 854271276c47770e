// `kith recluster [--threshold T]`: regroup every face into people from scratch, keeping person
// ids, names and every correction. --threshold sets the library's stricter ↔ looser setting.
import { resolve } from 'node:path';
import { modelById } from '../../ml/models/manifest.ts';
import { defaultLibraryDir } from '../core/paths.ts';
import { recluster } from '../core/people/recluster.ts';
import { effectiveThreshold, thresholdSettingKey } from '../core/scan-job.ts';
import { openLibrary } from '../core/store/library.ts';
import { commonOptions, parse, UsageError } from './args.ts';

export async function reclusterCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { ...commonOptions, threshold: { type: 'string' } });
  const library = openLibrary(resolve(values.library ?? defaultLibraryDir()));
  try {
    const embedderId = library.read.embedderCounts()[0]?.embedderId;
    if (!embedderId) throw new Error('This library has no faces yet: run `kith scan <folder>` first.');
    if (values.threshold !== undefined) {
      const t = Number(values.threshold);
      if (!(t > 0 && t < 4))
        throw new UsageError(
          `--threshold must be a squared-L2 distance in (0, 4), got "${values.threshold}"`,
        );
      library.write.setSetting(thresholdSettingKey(embedderId), t);
    }
    const model = modelById(embedderId);
    const calibrated = model.clusterThreshold ?? model.threshold ?? 1;
    const threshold = effectiveThreshold(library, embedderId, calibrated);
    const r = await recluster(library, { embedderId, threshold });
    const people = library.read.listPeople({ includeHidden: true }).filter((p) => p.faceCount > 0).length;
    const json = { embedder: embedderId, threshold, calibrated_threshold: calibrated, ...r, people };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(json)}\n`
        : `Regrouped ${r.faces} faces (${embedderId}, threshold ${threshold.toFixed(3)}; calibrated ${calibrated.toFixed(3)}): ${people} people, ${r.unassigned} faces unassigned, ${r.seconds.toFixed(2)} s.\n`,
    );
    return 0;
  } finally {
    library.close();
  }
}
