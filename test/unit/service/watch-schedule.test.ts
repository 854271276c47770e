// The folder watcher's scheduling: debounced, coalesced, never two scans at once, retried when busy.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  coverRoots,
  planRoots,
  type ScanOutcome,
  ScanScheduler,
  type Timers,
} from '../../../electron/core/service/watch-schedule.ts';

/** A clock that only moves when told to. */
class FakeTimers implements Timers {
  t = 0;
  #next = 0;
  readonly #due = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#due.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }
  now(): number {
    return this.t;
  }
  /** Moves the clock, running what falls due (and the promises they settle) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = [...this.#due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.#due.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
    await flush();
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

const LIB = '/photos';
const at = (...parts: string[]) => join(LIB, ...parts);

function harness(outcomes: ScanOutcome[] = []) {
  const timers = new FakeTimers();
  const scans: string[][] = [];
  let release: ((o: ScanOutcome) => void) | null = null;
  let running = 0;
  let maxRunning = 0;
  const scheduler = new ScanScheduler({
    timers,
    folders: () => [LIB],
    debounceMs: 1000,
    maxWaitMs: 10_000,
    busyRetryMs: 2000,
    failRetryMs: 30_000,
    maxRoots: 4,
    scan: (roots) => {
      scans.push(roots);
      running++;
      maxRunning = Math.max(maxRunning, running);
      const planned = outcomes.shift();
      const done = (o: ScanOutcome) => {
        running--;
        return o;
      };
      if (planned) return Promise.resolve(done(planned));
      return new Promise<ScanOutcome>((r) => {
        release = (o) => r(done(o));
      });
    },
  });
  return {
    timers,
    scans,
    scheduler,
    maxRunning: () => maxRunning,
    finish(o: ScanOutcome = 'done') {
      const r = release;
      release = null;
      assert.ok(r, 'no scan is running');
      r(o);
    },
  };
}

describe('planRoots', () => {
  test('keeps the smallest set of folders that covers the changes', () => {
    assert.deepEqual(coverRoots([at('a', 'b'), at('a'), at('c'), at('a', 'b', 'd'), at('c')]), [
      at('a'),
      at('c'),
    ]);
    // A sibling whose name starts with another's is not inside it.
    assert.deepEqual(coverRoots([at('a'), at('ab')]), [at('a'), at('ab')]);
  });

  test('drops changes outside the folders and collapses many roots to their folder', () => {
    assert.deepEqual(planRoots(['/elsewhere', at('x')], [LIB], 4), [at('x')]);
    const many = Array.from({ length: 5 }, (_, i) => at(`d${i}`));
    assert.deepEqual(planRoots(many, [LIB], 4), [LIB]);
    assert.deepEqual(planRoots(many.slice(0, 4), [LIB], 4), many.slice(0, 4));
  });
});

describe('ScanScheduler', () => {
  test('a burst of 1,000 changes is one scan, after the changes settle', async () => {
    const h = harness();
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 100; i++) h.scheduler.add([at('trip', `day${i % 3}`)]);
      if (batch < 9) await h.timers.advance(500); // still arriving: not settled yet
    }
    assert.equal(h.scans.length, 0, 'waits while changes keep coming');
    await h.timers.advance(999);
    assert.equal(h.scans.length, 0);
    await h.timers.advance(1);
    assert.deepEqual(h.scans, [[at('trip', 'day0'), at('trip', 'day1'), at('trip', 'day2')]]);
    h.finish();
    await h.timers.advance(60_000);
    assert.equal(h.scans.length, 1);
  });

  test('changes that never stop still scan after maxWaitMs', async () => {
    const h = harness();
    for (let t = 0; t < 10_000; t += 500) {
      h.scheduler.add([at('copying')]);
      await h.timers.advance(500);
    }
    assert.equal(h.scans.length, 1);
  });

  test('never two scans at once: changes during a scan wait and become one more scan', async () => {
    const h = harness();
    h.scheduler.add([at('a')], true);
    await h.timers.advance(0);
    assert.deepEqual(h.scans, [[at('a')]]);
    h.scheduler.add([at('b')]);
    h.scheduler.add([at('c')], true);
    await h.timers.advance(5000);
    assert.equal(h.scans.length, 1, 'the second waits for the first');
    h.finish();
    await h.timers.advance(1000);
    assert.deepEqual(h.scans[1], [at('b'), at('c')]);
    h.finish();
    await h.scheduler.settled();
    assert.equal(h.maxRunning(), 1);
  });

  test('busy (the user scans, training runs) and failed runs keep their changes and retry', async () => {
    const h = harness(['busy', 'failed']);
    h.scheduler.add([at('a')], true);
    await h.timers.advance(0);
    assert.equal(h.scans.length, 1); // busy
    await h.timers.advance(1999);
    assert.equal(h.scans.length, 1);
    h.scheduler.add([at('b')]);
    await h.timers.advance(1);
    assert.deepEqual(h.scans[1], [at('a'), at('b')]); // failed
    await h.timers.advance(29_999);
    assert.equal(h.scans.length, 2, 'a failure waits longer');
    await h.timers.advance(1);
    assert.deepEqual(h.scans[2], [at('a'), at('b')]);
    h.finish();
    await h.scheduler.settled();
    assert.equal(h.scheduler.busy, false);
  });

  test('a change outside the folders scans nothing; close drops what waits', async () => {
    const h = harness();
    h.scheduler.add(['/elsewhere/x'], true);
    await h.timers.advance(5000);
    assert.equal(h.scans.length, 0);
    h.scheduler.add([at('a')]);
    await h.scheduler.close();
    await h.timers.advance(5000);
    assert.equal(h.scans.length, 0);
  });
});
