// Where Kith keeps its data when no --library is given: the same per-OS folder Electron's
// app.getPath('userData') returns for an app named "Kith", so the CLI and the app share a library.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string {
  switch (platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Kith');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Kith');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Kith');
  }
}

/** The library folder: --library, else KITH_LIBRARY, else `<userData>/library`. */
export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KITH_LIBRARY ?? join(userDataDir(process.platform, env), 'library');
}
