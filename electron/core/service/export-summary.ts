// The Export dialog's side of runExport: the request checked, the result summarised in words.
import { ApiError, type ExportSummary, type ParsedInput } from '../../shared/api.ts';
import { ExportError, type ExportResult, runExport } from '../export/index.ts';
import type { LibraryReader } from '../store/reader.ts';

/** The Export dialog's summary of what runExport wrote. */
function exportSummary(r: ExportResult): ExportSummary {
  switch (r.format) {
    case 'json':
    case 'csv':
      return {
        format: r.format,
        path: r.file,
        people: r.people,
        items: r.faces,
        message: `Wrote ${r.faces} faces of ${r.people} people to ${r.file}.`,
        errors: [],
      };
    case 'folders':
      return {
        format: r.format,
        path: r.out,
        people: r.people,
        items: r.files,
        message:
          `${r.people} people, ${r.files} photos in ${r.out} (${r.linked.hard} hard links, ` +
          `${r.linked.symlink} symlinks, ${r.linked.copy} copies; ${r.removed} stale removed)` +
          `${r.conflicts.length ? `; ${r.conflicts.length} left alone (not made by Kith)` : ''}` +
          `${r.failed.length ? `; ${r.failed.length} failed` : ''}.`,
        errors: [...r.conflicts, ...r.failed],
      };
    case 'embeddings':
      return {
        format: r.format,
        path: r.out,
        people: 0,
        items: r.count,
        message:
          `${r.count} embeddings (${r.dim}-d, ${r.embedderId}) in ${r.out}` +
          `${r.skipped ? `; ${r.skipped} faces without a matching embedding left out` : ''}.`,
        errors: [],
      };
    case 'xmp':
      return {
        format: r.format,
        path: null,
        people: 0,
        items: r.written.length,
        message: `Wrote ${r.written.length} XMP sidecars for ${r.photos} photos.`,
        errors: r.errors,
      };
  }
}

/** Runs an export from the Export dialog; a bad request is an invalid-request error. */
export async function exportLibrary(
  read: LibraryReader,
  input: ParsedInput<'exportLibrary'>,
): Promise<ExportSummary> {
  if (input.format !== 'xmp' && input.out === undefined) {
    throw new ApiError('invalid-request', `Choose a folder to export ${input.format} into.`);
  }
  try {
    return exportSummary(
      await runExport(read, {
        format: input.format,
        out: input.out,
        namedOnly: input.namedOnly,
        link: input.link,
        sidecar: input.sidecar,
      }),
    );
  } catch (err) {
    if (err instanceof ExportError) throw new ApiError('invalid-request', err.message);
    throw err;
  }
}
