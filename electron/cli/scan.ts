// `kith scan <folder>…`: progress on stderr, a summary on stdout with one line per skipped file;
// with --json the summary is one JSON object instead (ScanSummary), for scripts.
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { chooseLibraryModels, rememberModelsDir } from '../core/library-models.ts';
import { defaultLibraryDir } from '../core/paths.ts';
import { runScanJob } from '../core/scan-job.ts';
import { ScanController } from '../core/scanner/index.ts';
import { fsErrorMessage } from '../core/scanner/walk.ts';
import { openLibrary } from '../core/store/library.ts';
import { printable } from '../shared/names.ts';
import { commonOptions, endProgress, intOption, parse, progressLine, UsageError } from './args.ts';

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** `kith scan --json`: one line on stdout. */
export interface ScanSummary {
  library: string;
  pipeline: string;
  embedder: string;
  /** 'done', or 'cancelled' (Ctrl-C: finished photos stay recorded; the next scan resumes). */
  state: string;
  seconds: number;
  photos: {
    found: number;
    analyzed: number;
    unchanged: number;
    moved: number;
    missing: number;
    skipped: number;
  };
  faces: number;
  /** How people were updated: every face regrouped, new faces recognised, or not at all. */
  grouping: 'full' | 'incremental' | null;
  people: number;
  unassigned: number;
  skipped: Array<{ path: string; reason: string; detail: string | null }>;
  unreadable: Array<{ path: string; target: string; code: string; message: string }>;
  /** XMP sidecars whose face regions were not read, with why (too large, too many regions). */
  sidecarsSkipped: Array<{ path: string; reason: string }>;
}

/** Why a folder given to scan cannot be scanned, or null when it can be listed. */
function unscannable(root: string): string | null {
  try {
    if (!statSync(root).isDirectory()) return 'not a folder';
    readdirSync(root);
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return 'no such folder';
    return `${fsErrorMessage(e, root)}${e.code ? ` (${e.code})` : ''}`;
  }
}

export async function scanCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...commonOptions,
    workers: { type: 'string' },
    'min-face': { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('scan: give at least one folder');
  const libraryDir = resolve(values.library ?? defaultLibraryDir());
  const roots = positionals.map((p) => resolve(p));
  // A folder that is not there or cannot be read is the user's mistake (a typo, an unplugged drive):
  // say so and scan nothing, rather than a "done" scan that found nothing in it.
  const bad = roots.flatMap((r) => {
    const why = unscannable(r);
    return why === null ? [] : [`cannot scan ${printable(r)}: ${why}`];
  });
  if (bad.length > 0) throw new Error(`scan: ${bad.join('; ')}`);
  const library = openLibrary(libraryDir, { create: true });
  const controller = new ScanController();
  // Ctrl-C cancels cleanly: finished photos stay recorded and the next scan resumes.
  const onSigint = (): void => controller.cancel();
  process.once('SIGINT', onSigint);
  const progress = progressLine();
  try {
    const models = await chooseLibraryModels(library, {
      pipeline: values.pipeline,
      modelsDir: values['models-dir'],
    });
    if (models.rememberedDir !== null)
      process.stderr.write(
        `scan: using the library's models folder ${printable(models.rememberedDir)} (--models-dir to change)\n`,
      );
    const r = await runScanJob({
      library,
      roots,
      pipeline: models.pipeline,
      modelsDir: models.modelsDir,
      workers: values.workers === undefined ? undefined : intOption(values.workers, 'workers', 2),
      minFaceSize:
        values['min-face'] === undefined ? undefined : intOption(values['min-face'], 'min-face', 20),
      controller,
      onProgress: (p) => {
        const eta = p.etaSeconds === null ? '' : `, ETA ${duration(p.etaSeconds)}`;
        progress(
          `scan: ${p.processed}/${p.discovered}${p.walkDone ? '' : '+'} photos, ${p.faces} faces, ${p.skipped} skipped, ${p.rate.toFixed(1)} photos/s analysed${eta}`,
        );
      },
    });
    endProgress();
    if (r.scan.state === 'done') rememberModelsDir(library, models.modelsDir);
    // A root that became unreadable during the scan: the summary says which, the exit status fails.
    const status = r.scan.errors.some((e) => e.target === 'root') ? 1 : 0;
    const c = r.scan.counts;
    const people = library.read.listPeople({ includeHidden: true }).filter((p) => p.faceCount > 0).length;
    const unassigned = library.read.listUnassignedFaces().length;
    if (values.json) {
      const summary: ScanSummary = {
        library: libraryDir,
        pipeline: r.pipeline.id,
        embedder: r.pipeline.embedderId,
        state: r.scan.state,
        seconds: r.scan.durationMs / 1000,
        photos: {
          found: c.discovered,
          analyzed: c.analyzed,
          unchanged: c.unchanged,
          moved: c.moved,
          missing: c.missing,
          skipped: c.skipped,
        },
        faces: c.faces,
        grouping: r.clustering?.mode ?? null,
        people,
        unassigned,
        skipped: r.scan.skippedFiles.map((s) => ({
          path: s.path,
          reason: s.reason,
          detail: s.detail ?? null,
        })),
        unreadable: r.scan.errors.map((e) => ({
          path: e.path,
          target: e.target,
          code: e.code,
          message: e.message,
        })),
        sidecarsSkipped: r.imported?.skipped.map((s) => ({ path: s.path, reason: s.reason })) ?? [],
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return status;
    }
    const out: string[] = [
      `Library: ${printable(libraryDir)}`,
      `Pipeline: ${r.pipeline.id} (embedder ${r.pipeline.embedderId})`,
      `Scan ${r.scan.state} in ${(r.scan.durationMs / 1000).toFixed(1)} s: ${c.discovered} photos found, ${c.analyzed} analysed, ${c.unchanged} unchanged, ${c.moved} moved, ${c.missing} missing, ${c.skipped} skipped; ${c.faces} faces found.`,
    ];
    if (r.clustering?.mode === 'full') {
      out.push(
        `People: regrouped all ${r.clustering.faces} faces: ${people} people, ${unassigned} faces unassigned.`,
      );
    } else if (r.clustering) {
      const c = r.clustering;
      out.push(
        `People: ${c.joined} of ${c.candidates} new faces joined their people, ${c.newPeople} new people; ${people} people, ${unassigned} faces unassigned.`,
      );
    } else if (r.scan.state === 'done') {
      out.push(`People: unchanged, no new faces; ${people} people, ${unassigned} faces unassigned.`);
    } else {
      out.push('People: not regrouped (scan cancelled; run the scan again to resume).');
    }
    // Paths and decoder messages come from the disk: printable() keeps escape codes off the terminal.
    for (const s of r.scan.skippedFiles)
      out.push(`skipped: ${printable(s.path)}: ${s.reason}${s.detail ? ` (${printable(s.detail)})` : ''}`);
    for (const e of r.scan.errors)
      out.push(`unreadable ${e.target}: ${printable(e.path)}: ${e.code} ${printable(e.message)}`);
    for (const s of r.imported?.skipped ?? [])
      out.push(`sidecar skipped: ${printable(s.path)}: ${printable(s.reason)}`);
    process.stdout.write(`${out.join('\n')}\n`);
    return status;
  } finally {
    process.off('SIGINT', onSigint);
    library.close();
  }
}
