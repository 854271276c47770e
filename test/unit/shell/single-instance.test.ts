// The single-instance rule as a plain function: a second launch quits and starts nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAsPrimary, type SingleInstanceApp } from '../../../electron/shell/single-instance.ts';

function fakeApp(lock: boolean) {
  const calls: string[] = [];
  const listeners: Array<() => void> = [];
  const app: SingleInstanceApp = {
    requestSingleInstanceLock: () => lock,
    quit: () => void calls.push('quit'),
    on: (_event, fn) => listeners.push(fn),
    whenReady: () => {
      calls.push('whenReady');
      return Promise.resolve();
    },
  };
  return { app, calls, listeners };
}

test('a second instance quits and never starts the app (no library service)', async () => {
  const { app, calls, listeners } = fakeApp(false);
  let started = 0;
  const primary = runAsPrimary(app, { start: () => void started++, onSecondInstance: () => {} });
  await new Promise((r) => setImmediate(r));
  assert.equal(primary, false);
  assert.deepEqual(calls, ['quit']);
  assert.equal(started, 0);
  assert.equal(listeners.length, 0);
});

test('the first instance starts once ready and brings its window forward on a second launch', async () => {
  const { app, calls, listeners } = fakeApp(true);
  let started = 0;
  let focused = 0;
  const primary = runAsPrimary(app, { start: () => void started++, onSecondInstance: () => void focused++ });
  await new Promise((r) => setImmediate(r));
  assert.equal(primary, true);
  assert.deepEqual(calls, ['whenReady']);
  assert.equal(started, 1);
  for (const l of listeners) l();
  assert.equal(focused, 1);
});
