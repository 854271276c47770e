// Degraded copies for robustness benchmarks: size, JPEG loss and the option parser.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeImage } from '../../../ml/image/decode.ts';
import { decodeDegraded, degradeBytes, parseDegrade } from '../../../ml/image/degrade.ts';
import { needShared, sharedDataDir } from '../../helpers/shared.ts';

const LFW = join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg');

/** Mean absolute difference per channel value between two same-size RGB buffers. */
function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('degrade', () => {
  it('parses scale=S,quality=Q and rejects malformed specs', () => {
    assert.deepEqual(parseDegrade('scale=0.5,quality=20'), { scale: 0.5, quality: 20 });
    assert.deepEqual(parseDegrade('quality=35'), { scale: 1, quality: 35 });
    assert.deepEqual(parseDegrade('scale=0.25'), { scale: 0.25, quality: undefined });
    for (const bad of [
      'scale=0',
      'scale=2',
      'quality=0',
      'quality=101',
      'quality=2.5',
      'size=3',
      'scale',
      '',
    ]) {
      assert.throws(() => parseDegrade(bad), /--degrade/, bad);
    }
  });

  it('shrinks by the scale and loses detail at a low JPEG quality', { skip: needShared }, async () => {
    const full = await decodeImage(LFW);
    const small = await decodeDegraded(LFW, { scale: 0.5 });
    assert.equal(small.width, Math.round(full.width / 2));
    assert.equal(small.height, Math.round(full.height / 2));
    assert.equal(small.format, 'png');
    const q20 = await decodeDegraded(LFW, { scale: 0.5, quality: 20 });
    assert.equal(q20.format, 'jpeg');
    assert.equal(q20.width, small.width);
    // JPEG q20 visibly changes pixels (blocking), q95 barely does.
    const q95 = await decodeDegraded(LFW, { scale: 0.5, quality: 95 });
    const lossy = meanAbsDiff(q20.data, small.data);
    const fine = meanAbsDiff(q95.data, small.data);
    assert.ok(lossy > 2 * fine && lossy > 2, `q20 ${lossy.toFixed(2)} vs q95 ${fine.toFixed(2)}`);
    assert.ok(
      (await degradeBytes(LFW, { scale: 0.5, quality: 20 })).length <
        (await degradeBytes(LFW, { scale: 0.5, quality: 95 })).length,
    );
  });

  it('applies EXIF orientation before resizing', async () => {
    // 40×20 image tagged orientation 6 (90° clockwise): upright it is 20×40.
    const raw = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await decodeDegraded(raw, { scale: 0.5, quality: 50 });
    assert.deepEqual([out.width, out.height], [10, 20]);
  });
});
