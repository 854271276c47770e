// `kith bench library`: a library at scale. Builds a tree of N photos in nested folders from the
// data sets (hard links, else symbolic links: no copies), then measures what a user of a large
// library waits for: the first scan (photos/s), a re-scan that finds nothing new, opening People;
// and what it costs: peak memory, database size per photo.
//
// Every path is its own photo: a link to a photo already in the library is analysed again (the
// scanner treats identical content at two existing paths as two photos; only a path that is gone
// makes it a move), so N links measure N analyses even when the sets hold fewer distinct photos.
import { link, mkdir, readdir, rm, stat, symlink } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import {
  commonOptions,
  endProgress,
  intOption,
  parse,
  progressLine,
  UsageError,
} from '../../electron/cli/args.ts';
import { runScanJob } from '../../electron/core/scan-job.ts';
import { walkImages } from '../../electron/core/scanner/walk.ts';
import { LibraryService } from '../../electron/core/service/library-service.ts';
import { openLibrary } from '../../electron/core/store/library.ts';

export interface BenchLibraryReport {
  photos: number;
  /** Distinct source files the tree links to. */
  sources: number;
  folders: number;
  pipeline: string;
  first_scan: {
    seconds: number;
    analyzed: number;
    photos_per_second: number;
    faces: number;
    grouping_seconds: number;
  };
  rescan: { seconds: number; scan_seconds: number; unchanged: number; analyzed: number };
  open_people: { seconds: number; people: number };
  peak_rss_mb: number;
  db_bytes_per_photo: number;
}

const PER_FOLDER = 100;

/** Links `count` photos into `root/YYYY/MM/NN/`, cycling through `sources`. */
async function buildTree(root: string, sources: readonly string[], count: number): Promise<number> {
  const folders = new Set<string>();
  let useSymlink = false;
  for (let i = 0; i < count; i++) {
    const f = Math.floor(i / PER_FOLDER);
    const dir = join(root, String(2000 + Math.floor(f / 24)), String((f % 12) + 1).padStart(2, '0'), `${f}`);
    if (!folders.has(dir)) {
      await mkdir(dir, { recursive: true });
      folders.add(dir);
    }
    const src = sources[i % sources.length]!;
    const dest = join(dir, `${String(i).padStart(6, '0')}-${basename(src, extname(src))}${extname(src)}`);
    if (!useSymlink) {
      try {
        await link(src, dest);
        continue;
      } catch (err) {
        if (
          (err as NodeJS.ErrnoException).code !== 'EXDEV' &&
          (err as NodeJS.ErrnoException).code !== 'EPERM'
        )
          throw err;
        useSymlink = true; // another file system: links by name instead
      }
    }
    await symlink(src, dest);
  }
  return folders.size;
}

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true }))
    if (e.isFile()) n += (await stat(join(dir, e.name))).size;
  return n;
}

export async function benchLibraryCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions,
    out: { type: 'string' },
    photos: { type: 'string' },
    data: { type: 'string', multiple: true },
    workers: { type: 'string' },
  });
  if (!values.out)
    throw new UsageError('bench library: --out DIR is required (the tree and library go there)');
  if (!values.data?.length) throw new UsageError('bench library: --data DIR is required (one or more)');
  const count = intOption(values.photos, 'photos', 20_000);
  const out = resolve(values.out);
  const tree = join(out, 'photos');
  const libraryDir = join(out, 'library');
  await rm(tree, { recursive: true, force: true });
  await rm(libraryDir, { recursive: true, force: true });
  const progress = progressLine();

  const sources: string[] = [];
  for await (const ev of walkImages(values.data.map((d) => resolve(d))))
    if (ev.type === 'file' && ev.size > 0) sources.push(ev.path);
  if (sources.length === 0) throw new Error('bench library: no photos under --data');
  const folders = await buildTree(tree, sources, count);

  const scanOptions = {
    roots: [tree],
    pipeline: values.pipeline ?? 'auto',
    modelsDir: values['models-dir'],
    workers: values.workers === undefined ? undefined : intOption(values.workers, 'workers', 2),
  };
  const library = openLibrary(libraryDir, { create: true });
  let first: Awaited<ReturnType<typeof runScanJob>>;
  let again: Awaited<ReturnType<typeof runScanJob>>;
  let firstSeconds: number;
  let rescanSeconds: number;
  try {
    let t = performance.now();
    first = await runScanJob({
      ...scanOptions,
      library,
      loadModelsFirst: true, // photos/s of the photos; a re-scan below loads models only if needed
      onProgress: (p) =>
        progress(
          `library: first scan ${p.processed}/${p.discovered} photos, ${p.rate.toFixed(1)} photos/s${p.etaSeconds === null ? '' : `, ETA ${Math.round(p.etaSeconds)} s`}`,
        ),
    });
    firstSeconds = (performance.now() - t) / 1000;
    endProgress();
    t = performance.now();
    again = await runScanJob({ ...scanOptions, library });
    rescanSeconds = (performance.now() - t) / 1000;
  } finally {
    library.close();
  }

  // Opening People as the app does: the library service on the folder, then the list.
  const t = performance.now();
  const service = LibraryService.open({ libraryDir });
  const people = await service.handlers.listPeople({ sort: 'size', search: '', includeHidden: false });
  const openSeconds = (performance.now() - t) / 1000;
  await service.close();

  const analyzed = first.scan.counts.analyzed;
  const report: BenchLibraryReport = {
    photos: first.scan.counts.discovered,
    sources: sources.length,
    folders,
    pipeline: first.pipeline.id,
    first_scan: {
      seconds: firstSeconds,
      analyzed,
      photos_per_second: analyzed / (first.scan.durationMs / 1000),
      faces: first.scan.counts.faces,
      grouping_seconds: first.clustering?.seconds ?? 0,
    },
    rescan: {
      seconds: rescanSeconds,
      scan_seconds: again.scan.durationMs / 1000,
      unchanged: again.scan.counts.unchanged,
      analyzed: again.scan.counts.analyzed,
    },
    open_people: { seconds: openSeconds, people: people.total },
    // maxRSS covers the whole process, analysis worker threads included.
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    db_bytes_per_photo: (await dirBytes(libraryDir)) / Math.max(1, first.scan.counts.discovered),
  };
  const f = (x: number, d = 1) => x.toFixed(d);
  process.stdout.write(
    [
      `Library of ${report.photos} photos in ${report.folders} folders (links to ${report.sources} files), pipeline ${report.pipeline}:`,
      `  first scan: ${f(report.first_scan.photos_per_second)} photos/s (${report.first_scan.analyzed} analysed, ${report.first_scan.faces} faces), ${f(report.first_scan.seconds)} s with model loading and grouping (${f(report.first_scan.grouping_seconds)} s)`,
      `  re-scan, nothing new: ${f(report.rescan.seconds, 2)} s (${f(report.rescan.scan_seconds, 2)} s walking and checking ${report.rescan.unchanged} files)`,
      `  open People: ${f(report.open_people.seconds, 2)} s for ${report.open_people.people} people`,
      `  peak RSS ${f(report.peak_rss_mb, 0)} MB, database ${f(report.db_bytes_per_photo / 1024, 1)} KB per photo`,
      '',
    ].join('\n'),
  );
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}
