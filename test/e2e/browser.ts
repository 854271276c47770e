// Headless Chromium for the UI tests and the UI benchmark: Playwright's protocol client
// (playwright-core) driving the system's Debian chromium (`.ci/run` installs it). No browser download.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.KITH_CHROMIUM ?? '/usr/bin/chromium';

export const hasChromium = existsSync(CHROMIUM_PATH);

/** Pass as `{ skip: needChromium }` to node:test. */
export const needChromium: string | false = hasChromium ? false : `no Chromium at ${CHROMIUM_PATH}`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}
