// Vite's dev server (hot reload) mounted behind the bridge's token: `dev:web --hot` and its tests.
// See [Note: bridge security] in dev/bridge.ts for what the bridge checks first.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { repoRoot } from '../test/helpers/shared.ts';
import type { Bridge } from './bridge.ts';

/** Takes Vite's editor launcher (`/__open-in-editor`) off its middleware stack. */
const noEditorLauncher: Plugin = {
  name: 'kith:no-open-in-editor',
  configureServer(server) {
    // Runs after Vite's own middlewares are added (a returned hook is a post hook).
    return () => {
      const stack = server.middlewares.stack;
      for (let i = stack.length - 1; i >= 0; i--) {
        if (stack[i]!.route.toLowerCase() === '/__open-in-editor') stack.splice(i, 1);
      }
    };
  },
};

export interface MountedVite {
  close(): Promise<void>;
}

/** Starts Vite in middleware mode at the bridge's devBase; `cacheDir` for its pre-bundled deps. */
export async function mountVite(bridge: Bridge, options: { cacheDir?: string } = {}): Promise<MountedVite> {
  const { createServer } = await import('vite');
  const styleNonce = randomBytes(16).toString('base64url');
  const server = await createServer({
    configFile: resolve(repoRoot, 'vite.config.ts'),
    base: bridge.devBase,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    html: { cspNonce: styleNonce },
    plugins: [noEditorLauncher],
    server: { middlewareMode: true, ws: { server: bridge.server } },
    appType: 'spa',
  });
  bridge.setDevServer({ handle: (req, res, next) => server.middlewares(req, res, next), styleNonce });
  return server;
}
