// One e2e session: the knn example photos copied into a fresh folder, the renderer built for this run,
// a library service (faceplugin, 2 workers) behind the HTTP bridge, and a Chromium page on it whose
// errors are collected. The e2e files share it so their set-up and tear-down are one piece of code.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Bridge, startBridge } from '../../dev/bridge.ts';
import { LibraryService } from '../../electron/core/service/library-service.ts';
import { needShared, repoRoot, sharedDataDir } from '../helpers/shared.ts';
import { launchChromium, needChromium } from './browser.ts';
import { buildRenderer } from './build.ts';

/** Why the e2e tests cannot run here (no ../shared, no Chromium), or false. */
export const skipE2e = needShared || needChromium;

const knn = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples');

export interface E2eSession {
  root: string;
  /** The copied photo folder (not yet added to the library). */
  photos: string;
  /** Where this file's screenshots go (test-results/…, not committed). */
  shots: string;
  service: LibraryService;
  bridge: Bridge;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

/** Opens a session; `shotsDir` is relative to test-results/, `prepare` runs before the bridge starts. */
export async function openE2eSession(
  name: string,
  shotsDir: string,
  prepare?: (s: { service: LibraryService; photos: string }) => Promise<void>,
): Promise<E2eSession> {
  const root = await mkdtemp(join(tmpdir(), `kith-e2e-${name}-`));
  const photos = join(root, 'Photos');
  await cp(knn, photos, { recursive: true });
  const shots = join(repoRoot, 'test-results', shotsDir);
  await mkdir(shots, { recursive: true });
  const staticDir = await buildRenderer(join(root, 'renderer'));
  const service = LibraryService.open({
    libraryDir: join(root, 'library'),
    pipeline: 'faceplugin',
    workers: 2,
    create: true,
  });
  await prepare?.({ service, photos });
  const bridge = await startBridge({ service, staticDir, validateOutput: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    root,
    photos,
    shots,
    service,
    bridge,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await bridge.close();
      await service.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
