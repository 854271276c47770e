import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAttach } from '../../../../bench/cli/attach-option.ts';
import { UsageError } from '../../../../electron/cli/args.ts';

test('--attach takes off or K:RATIO with a whole K ≥ 1 and a ratio below the threshold', () => {
  assert.equal(parseAttach('off'), null);
  assert.deepEqual(parseAttach('3:0.9'), { k: 3, ratio: 0.9 });
  for (const bad of ['3', '0:0.9', '2.5:0.9', '3:1', '3:0', 'three:0.9', '3:0.9:1']) {
    assert.throws(() => parseAttach(bad), UsageError, bad);
  }
});
