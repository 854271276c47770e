// `kith export`: labeled faces out of a library as JSON, CSV, per-person folders, an embeddings
// dataset or XMP sidecars.
import { resolve } from 'node:path';
import {
  type EmbeddingDtype,
  EXPORT_FORMATS,
  type ExportFormat,
  type LinkMode,
  runExport,
  type SidecarStyle,
} from '../core/export/index.ts';
import { defaultLibraryDir } from '../core/paths.ts';
import { openLibraryReadonly } from '../core/store/library.ts';
import { commonOptions, parse, UsageError } from './args.ts';

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

export async function exportCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions,
    format: { type: 'string' },
    out: { type: 'string' },
    'named-only': { type: 'boolean' },
    hidden: { type: 'boolean' },
    link: { type: 'string' },
    sidecar: { type: 'string' },
    dtype: { type: 'string' },
  });
  if (values.format === undefined) throw new UsageError('export needs --format');
  const format = oneOf<ExportFormat>(values.format, EXPORT_FORMATS, 'format', 'json');
  if (format !== 'xmp' && values.out === undefined)
    throw new UsageError(`--format ${format} needs --out DIR`);
  const link = oneOf<LinkMode>(values.link, ['hard', 'symlink', 'copy'], 'link', 'hard');
  const sidecar = oneOf<SidecarStyle>(
    values.sidecar,
    ['photo.jpg.xmp', 'photo.xmp'],
    'sidecar',
    'photo.jpg.xmp',
  );
  const dtype = oneOf<EmbeddingDtype>(values.dtype, ['int8', 'float32'], 'dtype', 'int8');
  const libraryDir = resolve(values.library ?? defaultLibraryDir());
  const library = openLibraryReadonly(libraryDir);
  try {
    const result = await runExport(library.read, {
      format,
      out: values.out,
      namedOnly: values['named-only'] ?? false,
      includeHidden: values.hidden ?? false,
      link,
      sidecar,
      dtype,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      switch (result.format) {
        case 'json':
        case 'csv':
          process.stdout.write(`Wrote ${result.faces} faces of ${result.people} people to ${result.file}\n`);
          break;
        case 'folders':
          process.stdout.write(
            `${result.people} people, ${result.files} photos in ${result.out} ` +
              `(${result.linked.hard} hard links, ${result.linked.symlink} symlinks, ${result.linked.copy} copies; ` +
              `${result.removed} stale removed` +
              `${result.conflicts.length ? `; ${result.conflicts.length} left alone, not made by Kith` : ''}` +
              `${result.failed.length ? `; ${result.failed.length} failed` : ''})\n`,
          );
          for (const c of result.conflicts) process.stderr.write(`kith: conflict: ${c.message}\n`);
          for (const f of result.failed) process.stderr.write(`kith: ${f.message}\n`);
          break;
        case 'embeddings':
          process.stdout.write(
            `${result.count} embeddings (${result.dim}-d ${dtype}, ${result.embedderId}) in ${result.out}` +
              `${result.skipped ? `; ${result.skipped} faces without a matching embedding left out` : ''}\n`,
          );
          break;
        case 'xmp':
          process.stdout.write(`Wrote ${result.written.length} XMP sidecars\n`);
          for (const e of result.errors) process.stderr.write(`kith: ${e.message}\n`);
          break;
      }
    }
    // Something not exported (a file that failed, a place left alone) is a non-zero exit.
    const incomplete =
      (result.format === 'xmp' && result.errors.length > 0) ||
      (result.format === 'folders' && result.conflicts.length + result.failed.length > 0);
    return incomplete ? 1 : 0;
  } finally {
    library.close();
  }
}
