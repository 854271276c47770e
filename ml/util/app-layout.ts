// [Note: source and built layouts] Kith's code runs in two layouts. From the sources (a checkout: the
// CLI, the tests) every module is a .ts file run through tsx. Built (`npm run build`: `npm start` and the
// package) the app's processes and workers are esbuild bundles in dist/app/, with the files the build
// copies beside them (dist/models, dist/native). Both dist/app/ and the source folders that use this
// module (ml/util, ml/models, electron/core/…) sit two levels below the app root, so one relative path
// finds the root from either layout; inside a package that root is the app.asar archive.
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this code runs from the bundles in dist/app, false from the .ts sources. */
export const RUNNING_BUILT = !import.meta.url.endsWith('.ts');

/** The app's root folder: the checkout, or the app.asar archive of a package. */
export const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where native code can read `path`. Node cannot dlopen or mmap inside an asar archive, so the
 * package keeps such files in app.asar.unpacked (electron-builder's `asarUnpack`); fs calls inside
 * app.asar work, native libraries need the unpacked path.
 */
export function unpackedPath(path: string): string {
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}
