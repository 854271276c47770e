// "Improve recognition" through the service: training runs in a worker thread, so the service keeps
// answering while it trains, and getImproveProgress reports the steps as they go.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ImproveProgress } from '../../electron/shared/api.ts';
import { type ApiFixture, apiCaller, buildApiFixture, THRESHOLD } from '../unit/api/fixtures.ts';

let fx: ApiFixture;
before(async () => {
  fx = await buildApiFixture();
});
after(async () => {
  await fx.close();
});

const { call } = apiCaller(() => fx);

test('the service answers during training and reports its progress', async () => {
  await call('setSettings', { threshold: THRESHOLD });
  for (const faceIds of fx.faces) {
    const personId = fx.service.library.read.getAssignment(faceIds[0]!)!.personId;
    await call('confirmFaces', { faceIds, personId });
  }
  assert.equal(await call('getImproveProgress'), null, 'idle: no progress');
  let done = false;
  const run = call('improveRecognition').finally(() => {
    done = true;
  });
  const seen: ImproveProgress[] = [];
  let answers = 0;
  let worstGap = 0;
  let last = performance.now();
  while (!done) {
    const p = await call('getImproveProgress');
    await call('getLibraryStatus');
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
    answers++;
    if (p) seen.push(p);
    await new Promise((r) => setTimeout(r, 2));
  }
  const r = await run;
  assert.ok(r.before && r.after, r.reason);
  const training = seen.filter((p) => p.phase === 'training' && p.steps > 0);
  assert.ok(training.length > 0, `progress seen: ${JSON.stringify(seen.slice(-3))}`);
  const steps = training.map((p) => p.step);
  assert.deepEqual(
    steps,
    [...steps].sort((a, b) => a - b),
    'steps only go forward',
  );
  assert.equal(training[0]!.steps, 200);
  // The event loop was never blocked by training for long (a worker does the numbers).
  assert.ok(answers > 5, `${answers} answers while training`);
  assert.ok(worstGap < 1000, `longest wait for an answer: ${worstGap.toFixed(0)} ms`);
  assert.equal(await call('getImproveProgress'), null, 'idle again');
});
