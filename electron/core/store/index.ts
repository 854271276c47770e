// Public API of the library store.
export { blobOf, float32Of, int8Of } from './blobs.ts';
export { isDamage, LibraryDamagedError, LibraryMissingError, storageProblem } from './errors.ts';
export {
  LIBRARY_FILE,
  type Library,
  type OpenLibraryOptions,
  openLibrary,
  openLibraryReadonly,
  type ReadonlyLibrary,
} from './library.ts';
export { LibraryTooNewError, type MigrateResult, type Migration, migrate, schemaVersion } from './migrate.ts';
export { migrations, SCHEMA_VERSION } from './migrations/index.ts';
export { LibraryReader, READ_SQL } from './reader.ts';
export type * from './types.ts';
export { type ConstraintInput, LibraryWriter, ScanAlreadyRunningError, WRITE_SQL } from './writer.ts';
