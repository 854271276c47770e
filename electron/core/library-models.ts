// Which pipeline and models folder a scan of an existing library uses. A library remembers both:
// the pipeline is the one that analysed its photos, the folder the last one a scan used. Without
// them, a scan that forgot `--models-dir` would pick a weaker default pipeline with 'auto' and
// silently analyse every photo again with it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pipelineById } from '../../ml/models/manifest.ts';
import { effectiveModelsDir, type ModelLocation, pipelineUnavailable } from '../../ml/models/registry.ts';
import type { Library } from './store/library.ts';

/** Setting: the models folder (absolute) of the library's last scan that had one. */
export const MODELS_DIR_SETTING = 'scan.modelsDir';

export interface LibraryModels {
  /** A pipeline id, or 'auto' for a library with no analysed photo yet. */
  pipeline: string;
  modelsDir: string | undefined;
  /** Set when the library's remembered folder is used (no --models-dir, no KITH_MODELS_DIR). */
  rememberedDir: string | null;
}

export class LibraryModelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryModelsError';
  }
}

/** The pipeline that analysed most of the library's photos, if it is one this version knows. */
export function libraryPipeline(library: Library): string | null {
  const top = library.read.pipelineCounts()[0]?.pipelineId;
  if (top === undefined) return null;
  try {
    return pipelineById(top).id;
  } catch {
    return null; // a pipeline since retired: nothing to keep
  }
}

/**
 * What 'auto' runs for `library`: its own pipeline while that can run here, else null (then the
 * best available, as for a new library). So a later version's new default never analyses a
 * library's photos again (the scanner re-analyses photos of any other pipeline), nor gives drawn
 * faces embeddings its faces cannot be compared with.
 */
export async function keptPipeline(library: Library, loc: ModelLocation): Promise<string | null> {
  const own = libraryPipeline(library);
  if (own === null) return null;
  return (await pipelineUnavailable(pipelineById(own), loc)) === null ? own : null;
}

/**
 * The pipeline and models folder for scanning `library`. An explicit pipeline (not 'auto') is the
 * user's choice and is used as given. Otherwise the library's own pipeline is kept, with the given
 * folder, else KITH_MODELS_DIR, else the one the library remembers; when it cannot run here, a
 * LibraryModelsError says how to point at its models or to switch on purpose.
 */
export async function chooseLibraryModels(
  library: Library,
  requested: { pipeline?: string | undefined; modelsDir?: string | undefined },
): Promise<LibraryModels> {
  const given = effectiveModelsDir({ modelsDir: requested.modelsDir });
  const stored = library.read.getSetting(MODELS_DIR_SETTING);
  const remembered = typeof stored === 'string' && stored !== '' ? stored : null;
  const useRemembered = given === undefined && remembered !== null && existsSync(remembered);
  const modelsDir = given ?? (useRemembered ? remembered : undefined);
  const choice = { modelsDir, rememberedDir: useRemembered ? remembered : null };
  if (requested.pipeline !== undefined && requested.pipeline !== 'auto') {
    return { pipeline: requested.pipeline, ...choice };
  }
  const own = libraryPipeline(library);
  if (own === null) return { pipeline: 'auto', ...choice };
  const why = await pipelineUnavailable(pipelineById(own), { modelsDir });
  if (why === null) return { pipeline: own, ...choice };
  const folder =
    remembered !== null && given === undefined
      ? ` Its models folder was ${remembered}${useRemembered ? '' : ', which is gone'}.`
      : '';
  throw new LibraryModelsError(
    `This library's photos were analysed with the ${own} pipeline, which cannot run here: ${why}${folder}\n` +
      `Pass --models-dir DIR with its model files to keep it, or --pipeline ID to analyse every photo again with another one (\`kith models\` lists them).`,
  );
}

/** Remembers the models folder a scan used (a scan without one keeps the folder remembered). */
export function rememberModelsDir(library: Library, modelsDir: string | undefined): void {
  if (modelsDir !== undefined) library.write.setSetting(MODELS_DIR_SETTING, resolve(modelsDir));
}
