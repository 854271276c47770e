// Issue 15's polish, end to end in Chromium on real photos: focus goes into the photo viewer, Escape
// and Alt+arrows move between views, a drawn box over a marked face is refused at once, the shortcut
// list opens at its title, the selection bar keeps its × beside the count at 1024×700, a correction
// sends the correction and one reload, and every screen passes axe-core's colour-contrast rule
// (WCAG AA) in the light and the dark theme. Screenshots go to test-results/e2e-polish/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Bridge } from '../../dev/bridge.ts';
import type { LibraryService } from '../../electron/core/service/library-service.ts';
import { repoRoot } from '../helpers/shared.ts';
import { type E2eSession, openE2eSession, skipE2e } from './session.ts';

const axePath = join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');
const skip = skipE2e;

let s: E2eSession;
let shots = '';
let service: LibraryService;
let bridge: Bridge;
let page: Page;
let pageErrors: string[] = [];
const apiCalls: string[] = [];

before(async () => {
  if (skip) return;
  // The library is scanned before the page opens: these tests start from a library with people.
  s = await openE2eSession('polish', 'e2e-polish', async ({ service, photos }) => {
    await service.handlers.addFolder({ path: photos });
    await service.handlers.startScan({});
    for (let i = 0; i < 3600; i++) {
      const { scan } = await service.handlers.getLibraryStatus({});
      if (['done', 'failed', 'cancelled'].includes(scan.state)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  ({ shots, service, bridge, page, pageErrors } = s);
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('request', (r) => {
    const m = /\/api\/(\w+)/.exec(new URL(r.url()).pathname);
    if (m && m[1] !== 'events') apiCalls.push(m[1]!);
  });
});

after(async () => {
  if (skip) return;
  await s?.close();
});

async function largest(): Promise<{ id: number; index: number }> {
  const { people } = await service.handlers.listPeople({ sort: 'size', search: '', includeHidden: false });
  assert.ok(people[0], 'the scan found people');
  return { id: people[0].id, index: 0 };
}

async function openPerson(index: number): Promise<void> {
  await page
    .getByRole('button', { name: /^People/ })
    .first()
    .click();
  await page.locator(`[role="listbox"][aria-label="People"] [data-index="${index}"]`).click();
  await page.locator('.person-hero').waitFor();
}

/** axe-core's colour-contrast rule on the page as it is: the failing elements, described. */
async function contrastViolations(): Promise<string[]> {
  // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') refuses a script tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await readFile(axePath, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe;
    const r = (await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } })) as {
      violations: Array<{ nodes: Array<{ target: unknown[]; failureSummary?: string }> }>;
    };
    return r.violations.flatMap((v) =>
      v.nodes.map((n) => `${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').split('\n').at(-1)}`),
    );
  });
}

test('keyboard, focus, refusals, counts and contrast', { skip, timeout: 240_000 }, async () => {
  await page.goto(bridge.url);
  const person = await largest();

  // Item 12: a rename sends the correction and one reload of what changed.
  await openPerson(person.index);
  await page.getByRole('button', { name: 'Add a name' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Ada Polish');
  const from = apiCalls.length;
  await page.keyboard.press('Enter');
  await page.locator('.toast', { hasText: 'Named “Ada Polish”' }).waitFor();
  await page.waitForTimeout(500); // a late event-driven reload would show up here
  const sent = apiCalls.slice(from).sort();
  assert.deepEqual(sent, ['getPerson', 'listPeople', 'listSuggestions', 'renamePerson'], sent.join(', '));

  // Item 3: the viewer opened from the Faces tab takes the keys at once.
  const cell = page.locator('[role="listbox"][aria-label^="Faces of"] [data-index="0"]');
  await cell.dblclick();
  const viewer = page.getByRole('dialog');
  await viewer.waitFor();
  await page.waitForFunction(() => !!document.activeElement?.closest('[role="dialog"]'));
  await page.keyboard.press('f');
  assert.equal(await page.getByRole('button', { name: 'Add face' }).getAttribute('aria-pressed'), 'true');
  // Item 10: a box drawn over a face already marked is refused while drawing, before any name.
  const { faces } = await service.handlers.getPhoto({
    photoId: (await service.handlers.getPerson({ personId: person.id })).faces[0]!.photoId,
  });
  const marked = page.locator('.viewer-photo button.face-box').first();
  await page.waitForFunction(() => document.querySelectorAll('.viewer-photo button.face-box').length > 0);
  assert.ok(faces.length > 0);
  const fb = (await marked.boundingBox())!;
  await page.mouse.move(fb.x + 2, fb.y + 2);
  await page.mouse.down();
  await page.mouse.move(fb.x + fb.width - 2, fb.y + fb.height - 2, { steps: 5 });
  await page.getByText('Already marked').waitFor();
  await page.screenshot({ path: join(shots, 'add-face-refused.png') });
  await page.mouse.up();
  await page.locator('.toast', { hasText: 'already marked' }).waitFor();
  assert.equal(await page.getByRole('dialog', { name: 'Who is this?' }).count(), 0, 'no name asked');
  await page.keyboard.press('f');
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  await page.waitForFunction(() => !!document.activeElement?.closest('[aria-label^="Faces of"]'));

  // Item 7: Escape goes back to People, Alt+← returns to the person, Alt+→ forward again.
  await page.keyboard.press('Escape');
  await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
  await page.keyboard.press('Alt+ArrowLeft');
  await page.getByRole('heading', { name: 'Ada Polish' }).waitFor();
  await page.keyboard.press('Alt+ArrowRight');
  await page.getByRole('heading', { name: 'People', exact: true }).waitFor();

  // Item 11: the shortcut list opens at its title and lists F.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.getByText('Add a face the scan missed', { exact: false }).waitFor();
  assert.equal(await help.evaluate((el) => el.scrollTop), 0, 'opens at its title');
  await page.screenshot({ path: join(shots, 'shortcuts.png') });
  await page.keyboard.press('Escape');

  // Item 4: colour contrast on every screen, light and dark, and at 1024×700.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const bad: string[] = [];
    const check = async (name: string) => {
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(shots, `${name}-${scheme}.png`) });
      for (const v of await contrastViolations()) bad.push(`${name}: ${v}`);
    };
    await page.setViewportSize({ width: 1280, height: 800 });
    await page
      .getByRole('button', { name: /^People/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
    await check('people');
    await openPerson(person.index);
    await check('person');
    await page.locator('[role="listbox"][aria-label^="Faces of"] [data-index="0"]').dblclick();
    await page.getByRole('dialog').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.viewer-photo button.face-box').length > 0);
    await check('viewer');
    await page.keyboard.press('Escape');
    await page.locator('.person-hero').waitFor();
    await page
      .getByRole('button', { name: 'Merge into…' })
      .click()
      .catch(() => undefined);
    await page
      .getByRole('button', { name: /^Unassigned/ })
      .first()
      .click();
    await page.waitForTimeout(300);
    await check('unassigned');
    await page
      .getByRole('button', { name: /^Library/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await check('library');
    // "Who is this?" inside the dark viewer, over a light dialog surface.
    await openPerson(person.index);
    await page.locator('[role="listbox"][aria-label^="Faces of"] [data-index="0"]').dblclick();
    await page.getByRole('button', { name: 'Add face' }).click();
    const layer = page.getByTestId('draw-layer');
    const area = (await layer.boundingBox())!;
    await page.mouse.move(area.x + 4, area.y + 4);
    await page.mouse.down();
    await page.mouse.move(area.x + 40, area.y + 40, { steps: 4 });
    await page.mouse.up();
    const picker = page.getByRole('dialog', { name: 'Who is this?' });
    if ((await picker.count()) > 0) {
      await page.keyboard.type('Ad');
      await check('who-is-this');
      await page.keyboard.press('Escape');
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    // 1024×700: the selection bar with every button; its × stays beside the count.
    await page.setViewportSize({ width: 1024, height: 700 });
    await openPerson(person.index);
    await page.locator('[role="listbox"][aria-label^="Faces of"] [data-index="0"]').click();
    const count = (await page.locator('.selection-count').boundingBox())!;
    const clear = (await page.getByRole('button', { name: 'Clear selection' }).boundingBox())!;
    assert.ok(
      Math.abs(count.y + count.height / 2 - (clear.y + clear.height / 2)) < 8,
      'the × is by the count',
    );
    await check('person-1024');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    assert.deepEqual(bad, [], `contrast (${scheme}):\n${bad.join('\n')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  const errors = pageErrors.filter((e) => !/401|Unauthorized/.test(e));
  assert.deepEqual(errors, [], 'no errors in the page');
});
