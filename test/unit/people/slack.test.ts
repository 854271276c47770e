import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faceSlack } from '../../../electron/core/people/slack.ts';
import { modelById } from '../../../ml/models/manifest.ts';

test('grouping forgives noise by the embedder’s calibrated slack, and none for other embedders', () => {
  const noise = Float32Array.from([0, 0.04, 0.5]);
  const k = modelById('faceplugin-feature-128').noiseSlack!;
  assert.ok(k > 0);
  const s = faceSlack({ embedderId: 'faceplugin-feature-128', noise })!;
  assert.deepEqual(
    [...s].map((v) => Number(v.toFixed(6))),
    [0, Number((k * 0.04).toFixed(6)), k * 0.2],
  );
  assert.equal(faceSlack({ embedderId: 'mobilefacenet', noise }), undefined, 'no calibrated slack');
  assert.equal(faceSlack({ embedderId: 'test-embedder', noise }), undefined, 'not in the manifest');
});
