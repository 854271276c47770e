// Public API of the scanner.
export {
  AnalyzerPool,
  type AnalyzerPoolOptions,
  type AnalyzerPoolStats,
  type PipelineInfo,
  PipelineInitError,
  WorkerCrashError,
} from './analyzer-pool.ts';
export { ScanController, type ScanControlState } from './controller.ts';
export { sha256File } from './hash.ts';
export {
  markInterruptedScans,
  type ScanOptions,
  type ScanProgress,
  type ScanResult,
  scanLibrary,
} from './scan.ts';
export {
  IMAGE_EXTENSIONS,
  isHiddenOrSystemFolder,
  SKIPPED_FOLDERS,
  type WalkEvent,
  type WalkOptions,
  walkImages,
} from './walk.ts';
