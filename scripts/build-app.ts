// `npm run build` (after the renderer): the app's JavaScript, built once. esbuild bundles the Electron
// main process, the library service's utility process and the worker threads into dist/app (ES
// modules sharing chunks), so `npm start` and the package run built code and need neither tsx nor
// esbuild at run time. The runtime dependencies (native modules and the like, package.json
// `dependencies`) stay external and load from node_modules. The default models' three .onnx files are
// copied out of their npm package (a devDependency) into dist/models, checked against the manifest.
// See [Note: source and built layouts] in ml/util/app-layout.ts.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { MODELS } from '../ml/models/manifest.ts';
import { sha256File } from '../ml/util/hash.ts';
import { WORKER_BUNDLES } from '../ml/util/ts-worker.ts';
import { repoRoot } from '../test/helpers/shared.ts';

/** The app's bundles: dist/app/<name>.mjs from each source entry. */
export const APP_ENTRIES: Readonly<Record<string, string>> = {
  main: 'electron/shell/main.ts',
  'service-process': 'electron/shell/service-process.ts',
  ...WORKER_BUNDLES,
};

export interface BuildResult {
  /** The folder written: <outDir>/app, <outDir>/models. */
  outDir: string;
  /** Every source file (relative to the repository) that went into a bundle. */
  inputs: string[];
  /** The packages the bundles import at run time (left external). */
  externals: string[];
  /** The model files copied, relative to outDir. */
  models: string[];
}

async function runtimeDependencies(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {});
}

/** Bundles the app into `outDir/app`. */
export async function bundleApp(outDir: string): Promise<{ inputs: string[]; externals: string[] }> {
  const appDir = join(outDir, 'app');
  await rm(appDir, { recursive: true, force: true });
  const dependencies = await runtimeDependencies();
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: Object.entries(APP_ENTRIES).map(([out, src]) => ({ in: src, out })),
    outdir: appDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // One flat folder: a worker's bundle is found next to the chunk that starts it (ts-worker.ts).
    chunkNames: 'chunk-[hash]',
    external: ['electron', ...dependencies],
    // Bundled CommonJS code calls require() for Node's built-ins; ES modules have none of their own.
    banner: {
      js: "import { createRequire as __kithRequire } from 'node:module'; const require = __kithRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  return { inputs: sourcesOf(result.metafile), externals: externalsOf(result.metafile) };
}

/** The files that put code into the bundles (a module only re-exported and never used adds none). */
function sourcesOf(meta: Metafile): string[] {
  const used = new Set<string>();
  for (const o of Object.values(meta.outputs)) {
    for (const [p, { bytesInOutput }] of Object.entries(o.inputs)) if (bytesInOutput > 0) used.add(p);
  }
  return [...used].map((p) => relative(repoRoot, join(repoRoot, p))).sort();
}

function externalsOf(meta: Metafile): string[] {
  const out = new Set<string>();
  for (const o of Object.values(meta.outputs)) {
    for (const i of o.imports) if (i.external && !i.path.startsWith('node:')) out.add(i.path);
  }
  return [...out].sort();
}

/** Copies the npm-shipped models into `outDir/models`; a file that does not match its pin fails the build. */
export async function copyModels(outDir: string): Promise<string[]> {
  const require = createRequire(join(repoRoot, 'package.json'));
  const dir = join(outDir, 'models');
  await mkdir(dir, { recursive: true });
  const copied: string[] = [];
  for (const m of MODELS) {
    if (m.source.kind !== 'npm') continue;
    const from = join(dirname(require.resolve(`${m.source.package}/package.json`)), m.source.path);
    const actual = await sha256File(from);
    if (actual !== m.sha256)
      throw new Error(`${from} has sha256 ${actual}, the manifest pins ${m.sha256} (${m.id}).`);
    const to = join(dir, basename(m.source.path));
    await copyFile(from, to);
    copied.push(relative(outDir, to));
  }
  return copied;
}

/** The whole step: bundles, models, and dist/app/build.json listing what went in. */
export async function buildApp(outDir: string = join(repoRoot, 'dist')): Promise<BuildResult> {
  const { inputs, externals } = await bundleApp(outDir);
  const models = await copyModels(outDir);
  const result: BuildResult = { outDir, inputs, externals, models };
  await writeFile(
    join(outDir, 'app', 'build.json'),
    `${JSON.stringify({ inputs, externals, models }, null, 1)}\n`,
  );
  return result;
}

if (process.argv[1] === import.meta.filename) {
  const r = await buildApp();
  console.log(`dist/app: ${r.inputs.length} sources bundled; external: ${r.externals.join(', ')}`);
  console.log(`dist/models: ${r.models.length} files`);
}
