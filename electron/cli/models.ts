// `kith models`: which pipelines exist, which can run here, and on which execution providers.
import { MODELS, PIPELINES } from '../../ml/models/manifest.ts';
import { effectiveModelsDir, providersInEffect, verifiedModelPath } from '../../ml/models/registry.ts';
import { commonOptions, parse } from './args.ts';

export async function modelsCommand(args: string[]): Promise<number> {
  const { values } = parse(args, commonOptions);
  const loc = { modelsDir: values['models-dir'] };
  const models = [];
  for (const m of MODELS) {
    try {
      models.push({ id: m.id, task: m.task, path: await verifiedModelPath(m, loc), ok: true, error: null });
    } catch (err) {
      models.push({ id: m.id, task: m.task, path: null, ok: false, error: (err as Error).message });
    }
  }
  const okIds = new Set(models.filter((m) => m.ok).map((m) => m.id));
  const pipelines = PIPELINES.map((p) => ({
    id: p.id,
    label: p.label,
    available: [p.detector, p.landmarks, p.embedder].every((id) => id === undefined || okIds.has(id)),
  }));
  const report = {
    models_dir: effectiveModelsDir(loc) ?? null,
    providers: providersInEffect({}),
    auto: pipelines.find((p) => p.available)?.id ?? null,
    pipelines,
    models,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  process.stdout.write(
    `Models folder: ${report.models_dir ?? '(none: pass --models-dir or set KITH_MODELS_DIR)'}\n`,
  );
  process.stdout.write(`Execution providers: ${report.providers.join(', ')}\n\nPipelines:\n`);
  for (const p of pipelines) {
    const mark = p.id === report.auto ? '* ' : p.available ? '  ' : 'x ';
    process.stdout.write(`${mark}${p.id.padEnd(22)} ${p.label}${p.available ? '' : ' (missing files)'}\n`);
  }
  process.stdout.write('\nModels:\n');
  for (const m of models)
    process.stdout.write(`  ${m.ok ? 'ok ' : 'MISSING'} ${m.id.padEnd(22)} ${m.path ?? m.error}\n`);
  return 0;
}
