// `kith bench …`: measurements anyone can rerun. Each prints a readable report, and with
// --json its last stdout line is one JSON object (a stable contract for scripts and checks).
import { resolve } from 'node:path';
import { benchLfw } from '../../ml/bench/lfw.ts';
import { commonOptions, endProgress, intOption, parse, progressLine, UsageError } from './args.ts';
import { benchSpeed } from './bench-speed.ts';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export async function benchCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  const { values } = parse(rest, {
    ...commonOptions,
    data: { type: 'string' },
    workers: { type: 'string' },
    limit: { type: 'string' },
  });
  if (!values.data) throw new UsageError(`bench ${kind ?? ''}: --data DIR is required`);
  const data = resolve(values.data);
  const pipelineOptions = { pipeline: values.pipeline ?? 'auto', modelsDir: values['models-dir'] };
  const progress = progressLine();
  switch (kind) {
    case 'lfw': {
      const r = await benchLfw(data, pipelineOptions, (done, total) =>
        progress(`lfw: ${done}/${total} images`),
      );
      endProgress();
      process.stdout.write(
        [
          `LFW verification, ${r.pipeline} (embedder ${r.embedder}), ${r.images} images, ${r.no_face} without a face`,
          `  float32: accuracy ${pct(r.accuracy)} ± ${pct(r.accuracy_se)}, TAR@FAR=0.1% ${pct(r.tar_at_far_0_001)}, threshold ${r.threshold.toFixed(3)}`,
          `  int8:    accuracy ${pct(r.int8.accuracy)} ± ${pct(r.int8.accuracy_se)}, TAR@FAR=0.1% ${pct(r.int8.tar_at_far_0_001)}, threshold ${r.int8.threshold.toFixed(3)}`,
          `  ${r.faces_per_second.toFixed(1)} faces/s end to end (decode, detect, align, embed), ${r.seconds.toFixed(1)} s`,
          '',
        ].join('\n'),
      );
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    case 'speed': {
      const r = await benchSpeed(data, {
        ...pipelineOptions,
        workers: intOption(values.workers, 'workers', 2),
        limit: values.limit === undefined ? undefined : intOption(values.limit, 'limit', 1),
        onProgress: (text) => progress(text),
      });
      endProgress();
      process.stdout.write(r.text);
      if (values.json) process.stdout.write(`${JSON.stringify(r.json)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`Unknown benchmark "${kind ?? ''}". Known: lfw, speed.`);
  }
}
