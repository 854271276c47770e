// `npm run build:native` (run by `npm start` and `npm run dist`): better-sqlite3 built for Electron's
// ABI, kept apart from Node's. The library service runs in Electron's utility process, whose
// NODE_MODULE_VERSION differs from the system Node's; node_modules keeps Node's build (the CLI and the
// tests need exactly that one), and the store picks the Electron build by path under Electron
// (electron/core/store/native-binding.ts). Nothing here writes inside node_modules: the package is
// copied to a staging folder (.kith-cache/native) and built there, then the one .node file is copied
// to dist/native/better-sqlite3/electron-v<ABI>-<platform>-<arch>/.
//
// Making the build needs the network: prebuild-install fetches better-sqlite3's published Electron
// prebuild from GitHub; failing that, @electron/rebuild compiles it against Electron's headers, fetched
// from electronjs.org (and needs a C++ toolchain). A finished build is reused until better-sqlite3 or
// Electron changes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { electronBindingPath, NATIVE_DIR, type NativeTarget } from '../electron/core/store/native-binding.ts';
import { repoRoot } from '../test/helpers/shared.ts';

const require = createRequire(join(repoRoot, 'package.json'));
// node-abi (no types of its own): Electron's NODE_MODULE_VERSION by Electron version, offline.
const { getAbi } = require('node-abi') as { getAbi(target: string, runtime: 'electron' | 'node'): string };

type ElectronTarget = NativeTarget & { electron: string };

/** Makes `<stage>/node_modules/better-sqlite3/build/Release/better_sqlite3.node` for `target`. */
export type MakeBuild = (stage: string, target: ElectronTarget) => Promise<void>;

export interface NativeBuildOptions {
  /** Default: the installed electron package's version. */
  electronVersion?: string;
  platform?: string;
  arch?: string;
  /** Default dist/native. */
  nativeDir?: string;
  /** Staging folder. Default .kith-cache/native. */
  cacheDir?: string;
  /** How the build is made (tests pass a stand-in). Default: prebuildOrRebuild. */
  make?: MakeBuild;
}

async function versionOf(pkg: string): Promise<string> {
  const json = JSON.parse(await readFile(require.resolve(`${pkg}/package.json`), 'utf8')) as {
    version: string;
  };
  return json.version;
}

function run(command: string, args: string[], cwd: string): string | null {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status === 0) return null;
  return `${[r.error?.message, r.stderr, r.stdout].filter(Boolean).join('\n').trim().slice(-1500)}`;
}

/** better-sqlite3's published Electron prebuild (GitHub), else a compile against Electron's headers. */
export const prebuildOrRebuild: MakeBuild = async (stage, target) => {
  const pkgDir = join(stage, 'node_modules', 'better-sqlite3');
  const prebuild = join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  const flags = [
    '--runtime',
    'electron',
    '--target',
    target.electron,
    '--arch',
    target.arch,
    '--platform',
    target.platform,
  ];
  const failedPrebuild = run(process.execPath, [prebuild, ...flags, '--verbose'], pkgDir);
  if (failedPrebuild === null) return;
  const rebuild = join(dirname(require.resolve('@electron/rebuild')), 'cli.js');
  const failedRebuild = run(
    process.execPath,
    [
      rebuild,
      '--version',
      target.electron,
      '--arch',
      target.arch,
      '--module-dir',
      stage,
      '--only',
      'better-sqlite3',
      '--force',
    ],
    stage,
  );
  if (failedRebuild === null) return;
  throw new Error(
    `Could not make better-sqlite3 for Electron ${target.electron} (ABI ${target.modules}, ${target.platform}-${target.arch}).\n` +
      `prebuild-install (needs github.com) failed:\n${failedPrebuild}\n` +
      `@electron/rebuild (needs electronjs.org for the headers, and a C++ toolchain) failed:\n${failedRebuild}`,
  );
};

/** Makes (or reuses) the Electron build of better-sqlite3; returns its path and whether it was made now. */
export async function buildElectronSqlite(
  options: NativeBuildOptions = {},
): Promise<{ file: string; made: boolean }> {
  const electron = options.electronVersion ?? (await versionOf('electron'));
  const target: ElectronTarget = {
    electron,
    modules: getAbi(electron, 'electron'),
    platform: options.platform ?? process.platform,
    arch: options.arch ?? process.arch,
  };
  const file = electronBindingPath(target, options.nativeDir ?? NATIVE_DIR);
  const sqlite = await versionOf('better-sqlite3');
  const stamp = `${file}.json`;
  const wanted = JSON.stringify({ 'better-sqlite3': sqlite, electron });
  if (existsSync(file) && existsSync(stamp) && (await readFile(stamp, 'utf8')) === wanted)
    return { file, made: false };

  const stage = join(
    options.cacheDir ?? join(repoRoot, '.kith-cache', 'native'),
    `better-sqlite3-${sqlite}-electron-${electron}-${target.platform}-${target.arch}`,
  );
  const staged = join(stage, 'node_modules', 'better-sqlite3');
  await rm(stage, { recursive: true, force: true });
  // Sources only: Node's build stays where it is and is never rebuilt.
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  await cp(source, staged, {
    recursive: true,
    filter: (src) => relative(source, src).split(sep)[0] !== 'build',
  });
  await writeFile(
    join(stage, 'package.json'),
    JSON.stringify({ name: 'kith-native-stage', private: true, dependencies: { 'better-sqlite3': sqlite } }),
  );
  await (options.make ?? prebuildOrRebuild)(stage, target);
  const built = join(staged, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) throw new Error(`The Electron build of better-sqlite3 did not produce ${built}.`);
  await mkdir(dirname(file), { recursive: true });
  await copyFile(built, file);
  await writeFile(stamp, wanted);
  return { file, made: true };
}

if (process.argv[1] === import.meta.filename) {
  try {
    const { file, made } = await buildElectronSqlite();
    console.log(`${made ? 'made' : 'up to date'}: ${file}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
