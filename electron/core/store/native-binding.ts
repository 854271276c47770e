// Which better-sqlite3 native build the store loads. node_modules holds the build for the system Node
// (the CLI and the tests need exactly that one). Electron's utility process has its own
// NODE_MODULE_VERSION, so under Electron the store loads a second build made for Electron's ABI and
// kept apart in dist/native (scripts/build-native.ts, run by `npm start` and `npm run dist`): building
// for Electron never replaces Node's build in the same checkout.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT, unpackedPath } from '../../../ml/util/app-layout.ts';

export const NATIVE_DIR = join(APP_ROOT, 'dist', 'native');

/** The runtime a native build is for: the parts of process.versions / process that decide it. */
export interface NativeTarget {
  /** Electron's version when running under Electron. */
  electron?: string | undefined;
  /** NODE_MODULE_VERSION (process.versions.modules). */
  modules: string;
  platform: string;
  arch: string;
}

export function currentTarget(): NativeTarget {
  return {
    electron: process.versions.electron,
    modules: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };
}

/** Where the Electron-ABI build of better-sqlite3 for `target` lives under `nativeDir`. */
export function electronBindingPath(target: NativeTarget, nativeDir: string = NATIVE_DIR): string {
  const folder = `electron-v${target.modules}-${target.platform}-${target.arch}`;
  return unpackedPath(join(nativeDir, 'better-sqlite3', folder, 'better_sqlite3.node'));
}

export class MissingNativeBuildError extends Error {
  constructor(readonly file: string) {
    super(
      `better-sqlite3 has no build for this Electron (${file} is missing). Make it with \`npm run build:native\` ` +
        '(`npm start` and `npm run dist` run it); the build in node_modules is for Node and cannot load here.',
    );
    this.name = 'MissingNativeBuildError';
  }
}

/**
 * better-sqlite3's `nativeBinding` option for this runtime: none under plain Node (its own build in
 * node_modules), the Electron build's path under Electron. Throws MissingNativeBuildError when that
 * build is missing, instead of the module-version mismatch loading Node's build would give.
 */
export function nativeBindingOption(
  target: NativeTarget = currentTarget(),
  nativeDir: string = NATIVE_DIR,
): { nativeBinding?: string } {
  if (target.electron === undefined) return {};
  const file = electronBindingPath(target, nativeDir);
  if (!existsSync(file)) throw new MissingNativeBuildError(file);
  return { nativeBinding: file };
}
