// Export of labeled identities (JSON, CSV, per-person folders, embeddings, XMP sidecars) and import
// of face regions other apps wrote. Used by `kith export` and the app's Export dialog.
import { resolve } from 'node:path';
import type { ExifTool } from 'exiftool-vendored';
import type { LibraryReader } from '../store/reader.ts';
import { writeFileAtomic } from './atomic.ts';
import { type EmbeddingDtype, type EmbeddingsResult, exportEmbeddings } from './embeddings.ts';
import { exportFolders, type FoldersResult, type LinkMode } from './folders.ts';
import { collectFaces } from './records.ts';
import { facesCsv, facesJson } from './tabular.ts';
import { exportXmp, type SidecarStyle, type XmpExportResult } from './xmp.ts';

export { type EmbeddingDtype, type EmbeddingsIndex, exportEmbeddings, npyBytes } from './embeddings.ts';
export { ExportError } from './errors.ts';
export {
  exportFolders,
  type FoldersProblem,
  type FoldersResult,
  JOURNAL_FILE,
  type LinkMode,
  MANIFEST_FILE,
  personFolderName,
} from './folders.ts';
export {
  IMPORT_MIN_IOU,
  type ImportRegionsOptions,
  type ImportRegionsResult,
  importRegions,
} from './import.ts';
export { type CollectOptions, collectFaces, type ExportFace } from './records.ts';
export { mpRegionsOf, mwgRegionsOf, type NamedRegion, regionsOfTags } from './regions.ts';
export { MAX_SIDECAR_BYTES, MAX_SIDECAR_REGIONS, type SkippedSidecar } from './sidecar-limits.ts';
export {
  CSV_COLUMNS,
  type FacesJson,
  facesCsv,
  facesJson,
  JSON_SCHEMA_ID,
  JSON_SCHEMA_VERSION,
} from './tabular.ts';
export {
  exportXmp,
  readRegions,
  type SidecarStyle,
  sidecarPath,
  withExifTool,
  type XmpExportResult,
} from './xmp.ts';

export type ExportFormat = 'json' | 'csv' | 'folders' | 'xmp' | 'embeddings';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'folders', 'xmp', 'embeddings'];

export const JSON_FILE = 'kith-faces.json';
export const CSV_FILE = 'kith-faces.csv';

export interface ExportOptions {
  format: ExportFormat;
  /** Folder to write into; required except for xmp (next to each photo). */
  out?: string | undefined;
  namedOnly?: boolean | undefined;
  includeHidden?: boolean | undefined;
  link?: LinkMode | undefined;
  sidecar?: SidecarStyle | undefined;
  dtype?: EmbeddingDtype | undefined;
  exiftool?: ExifTool | undefined;
}

export type ExportResult =
  | { format: 'json' | 'csv'; file: string; faces: number; people: number }
  | ({ format: 'folders'; out: string } & FoldersResult)
  | ({ format: 'embeddings'; out: string } & EmbeddingsResult)
  | ({ format: 'xmp'; photos: number } & XmpExportResult);

export async function runExport(read: LibraryReader, options: ExportOptions): Promise<ExportResult> {
  // XMP regions need a name: an unnamed region tells other apps nothing.
  const namedOnly = options.format === 'xmp' ? true : (options.namedOnly ?? false);
  const faces = collectFaces(read, { namedOnly, includeHidden: options.includeHidden ?? false });
  const people = new Set(faces.map((f) => f.personId)).size;
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (options.format === 'xmp') {
    const r = await exportXmp(faces, {
      style: options.sidecar ?? 'photo.jpg.xmp',
      ...(out !== undefined ? { out } : {}),
      ...(options.exiftool ? { exiftool: options.exiftool } : {}),
    });
    return { format: 'xmp', photos: new Set(faces.map((f) => f.path)).size, ...r };
  }
  if (out === undefined) throw new Error(`--format ${options.format} needs --out DIR`);
  switch (options.format) {
    case 'json': {
      const file = resolve(out, JSON_FILE);
      writeFileAtomic(file, `${JSON.stringify(facesJson(faces), null, 1)}\n`);
      return { format: 'json', file, faces: faces.length, people };
    }
    case 'csv': {
      const file = resolve(out, CSV_FILE);
      writeFileAtomic(file, facesCsv(faces));
      return { format: 'csv', file, faces: faces.length, people };
    }
    case 'folders':
      return { format: 'folders', out, ...exportFolders(faces, out, options.link ?? 'hard') };
    case 'embeddings':
      return { format: 'embeddings', out, ...exportEmbeddings(read, faces, out, options.dtype ?? 'int8') };
  }
}
