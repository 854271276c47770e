// `kith models`: which pipelines exist, which can run here, and on which execution providers.
import { join } from 'node:path';
import { downloadModel } from '../../ml/models/download.ts';
import { MODELS, modelById, PIPELINES } from '../../ml/models/manifest.ts';
import { effectiveModelsDir, providersInEffect, verifiedModelPath } from '../../ml/models/registry.ts';
import { commonOptions, endProgress, parse, progressLine, UsageError } from './args.ts';

/**
 * `kith models download ID --models-dir DIR [--url URL]`: the model manager. Fetches the file
 * from its published URL (or a mirror the user names), verifies sha256, renames it into place.
 * Nothing is ever downloaded unless the user runs this.
 */
async function downloadCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...commonOptions, url: { type: 'string' } });
  const id = positionals[0];
  if (!id) throw new UsageError('models download: give a model id (see `kith models`)');
  const entry = modelById(id);
  if (entry.source.kind === 'fusion') {
    const parts = entry.source.parts.map((p) => p.model).join(' and ');
    throw new UsageError(`models download: ${id} has no file of its own: it runs ${parts}`);
  }
  if (entry.source.kind === 'projected') {
    throw new UsageError(
      `models download: ${id} has no model file of its own: it runs ${entry.source.model} and projects its embedding with a file that ships with Kith`,
    );
  }
  if (entry.source.kind !== 'models-dir') {
    throw new UsageError(`models download: ${id} is installed by npm with Kith; nothing to download`);
  }
  const dir = effectiveModelsDir({ modelsDir: values['models-dir'] });
  if (!dir) throw new UsageError('models download: --models-dir DIR (or KITH_MODELS_DIR) is required');
  const progress = progressLine();
  const r = await downloadModel({
    url: values.url ?? entry.url,
    sha256: entry.sha256,
    dest: join(dir, entry.source.file),
    onProgress: (p) =>
      progress(
        `download ${id}: ${(p.receivedBytes / 1e6).toFixed(1)}${p.totalBytes ? ` / ${(p.totalBytes / 1e6).toFixed(1)}` : ''} MB`,
      ),
  });
  endProgress();
  process.stdout.write(
    values.json
      ? `${JSON.stringify(r)}\n`
      : `${r.downloaded ? 'Downloaded' : 'Already present'}: ${r.path} (${r.bytes} bytes, sha256 ${r.sha256})\n`,
  );
  return 0;
}

export async function modelsCommand(args: string[]): Promise<number> {
  if (args[0] === 'download') return downloadCommand(args.slice(1));
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
  const pipelineRows = pipelines.map((p) => [
    p.id === report.auto ? '*' : p.available ? '' : 'x',
    p.id,
    `${p.label}${p.available ? '' : ' (missing files)'}`,
  ]);
  for (const line of alignColumns(pipelineRows)) process.stdout.write(`${line}\n`);
  process.stdout.write('\nModels:\n');
  const modelRows = models.map((m) => [' ', m.ok ? 'ok' : 'MISSING', m.id, m.path ?? m.error ?? '']);
  for (const line of alignColumns(modelRows)) process.stdout.write(`${line}\n`);
  return 0;
}

/** Rows of cells as lines whose columns line up (each as wide as its widest cell; the last unpadded). */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join(' ')
      .trimEnd(),
  );
}
