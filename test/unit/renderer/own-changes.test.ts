import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OwnChanges } from '../../../renderer/src/store/own-changes.ts';

test('an own change is dropped whether its event comes before or after the response', () => {
  const own = new OwnChanges();
  // Event after the response (the HTTP bridge's usual order).
  own.start();
  assert.deepEqual(own.finish({ reason: 'correction', personIds: [2, 1] }), []);
  assert.equal(own.event({ reason: 'correction', personIds: [1, 2] }), false);
  // Event before the response (in-process).
  own.start();
  assert.equal(own.event({ reason: 'undo', personIds: [3] }), false);
  assert.deepEqual(own.finish({ reason: 'undo', personIds: [3] }), []);
  // Nothing own in flight: a foreign event is refreshed at once.
  assert.equal(own.event({ reason: 'correction', personIds: [1, 2] }), true);
});

test('a foreign event during an own call is handed back when the call ends', () => {
  const own = new OwnChanges();
  own.start();
  assert.equal(own.event({ reason: 'correction', personIds: [9] }), false);
  assert.deepEqual(own.finish({ reason: 'correction', personIds: [1] }), [
    { reason: 'correction', personIds: [9] },
  ]);
  // A failed call expects no event.
  own.start();
  assert.deepEqual(own.finish(null), []);
  assert.equal(own.event({ reason: 'correction', personIds: [1] }), false, 'the first call’s late event');
  assert.equal(own.event({ reason: 'correction', personIds: [1] }), true);
});

test('an expected event that never came stops being expected', () => {
  let now = 0;
  const own = new OwnChanges(1000, () => now);
  own.start();
  own.finish({ reason: 'redo', personIds: [4] });
  now = 5000;
  assert.equal(own.event({ reason: 'redo', personIds: [4] }), true);
});
