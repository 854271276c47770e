// The "last grouped" marker of electron/core/scan-job.ts updatePeople: a face stored in the same
// millisecond as a grouping starts belongs to that grouping, so a later grouping with nothing new
// does nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { GROUPED_AT_SETTING, updatePeople } from '../../../electron/core/scan-job.ts';
import { openLibrary } from '../../../electron/core/store/library.ts';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';

const T = 1_800_000_000_000;

test('a face stored in the same millisecond as the grouping is not new to the next one', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kith-grouped-at-'));
  // The clock stands still: every face and both groupings fall in millisecond T.
  t.mock.method(Date, 'now', () => T);
  const library = openLibrary(join(dir, 'lib'), { create: true, now: () => T });
  try {
    for (let i = 0; i < 3; i++) {
      const embedding = new Float32Array(128);
      embedding[i] = 1;
      const box = { x: 10, y: 10, w: 50, h: 50 };
      library.write.recordAnalysis(
        { path: join(dir, `p${i}.jpg`), size: 1, mtimeMs: 1, contentHash: null },
        {
          width: 100,
          height: 100,
          takenAt: null,
          pipelineId: 'test',
          embedderId: 'e',
          faces: [
            {
              box,
              landmarks: [
                [20, 25],
                [40, 25],
                [30, 35],
                [22, 45],
                [38, 45],
              ],
              quality: { detScore: 0.9, size: 50, sharpness: 100, frontal: 0.9, overall: 0.8 },
              embedding,
              embeddingQ: quantizeInt8(embedding),
            },
          ],
        },
      );
    }
    const first = await updatePeople(library, 'e', 1.0);
    assert.equal(first?.mode, 'full');
    assert.equal(library.read.getSetting(GROUPED_AT_SETTING), T + 1, 'after the last face, not at it');
    assert.equal(await updatePeople(library, 'e', 1.0), null, 'nothing new: no regrouping');
  } finally {
    library.close();
    mock.restoreAll();
    await rm(dir, { recursive: true, force: true });
  }
});
