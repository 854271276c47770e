import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { jpegQuality } from '../../../ml/image/jpeg-quality.ts';
import { needShared, sharedDataDir } from '../../helpers/shared.ts';

describe('jpegQuality', () => {
  it('gives back the quality libjpeg saved at', async () => {
    const img = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8a4' } })
      .png()
      .toBuffer();
    const at = async (q: number) => jpegQuality(await sharp(img).jpeg({ quality: q }).toBuffer())!;
    for (const q of [20, 35, 50, 60, 69, 70, 75, 90, 95]) assert.equal(await at(q), q, `quality ${q}`);
    // Below 20 baseline tables saturate at 255, so the estimate reads high, but still low.
    for (const q of [1, 10]) assert.ok((await at(q)) <= 20, `quality ${q}: ${await at(q)}`);
    assert.ok((await at(100)) >= 99);
  });

  it('reads real photos: LFW saved at 90, WIDER FACE at 75', { skip: needShared }, async () => {
    assert.equal(
      jpegQuality(await readFile(join(sharedDataDir, 'lfw-dev/Aaron_Sorkin/Aaron_Sorkin_0001.jpg'))),
      90,
    );
    const wider = join(sharedDataDir, 'wider-dev/images/19--Couple/19_Couple_Couple_19_230.jpg');
    assert.equal(jpegQuality(await readFile(wider)), 75);
  });

  it('is null for what is not a JPEG, or a JPEG header cut before its tables', async () => {
    assert.equal(jpegQuality(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), null);
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg({ quality: 80 })
      .toBuffer();
    assert.equal(jpegQuality(jpeg.subarray(0, 30)), null);
    assert.equal(jpegQuality(new Uint8Array(0)), null);
  });
});
