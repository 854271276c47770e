import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignColumns } from '../../../electron/cli/models.ts';
import { PIPELINES } from '../../../ml/models/manifest.ts';

test('kith models: columns line up whatever the width of the ids', () => {
  const rows = PIPELINES.map((p, i) => [i === 0 ? '*' : '', p.id, p.label]);
  const lines = alignColumns(rows);
  // The label column starts at the same place on every line, past the longest id.
  const starts = lines.map((line, i) => line.indexOf(rows[i]![2]!, 2 + rows[i]![1]!.length));
  assert.equal(new Set(starts).size, 1, lines.join('\n'));
  assert.ok(starts[0]! > Math.max(...PIPELINES.map((p) => p.id.length)));
  assert.deepEqual(
    alignColumns([
      [' ', 'ok', 'a', '/x'],
      [' ', 'MISSING', 'bb', 'not found'],
    ]),
    ['  ok      a  /x', '  MISSING bb not found'],
  );
});
