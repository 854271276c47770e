// `kith bench peers`, pure parts: pair subsets, scoring, child-result parsing and merging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  detectionScore,
  formatTable,
  mergeShards,
  type PeerResult,
  pairImages,
  pairSubset,
  parsePeerOutput,
  ratio,
  scorePairs,
  shard,
} from '../../../../bench/peers/protocol.ts';
import { parsePairs } from '../../../../bench/verify/lfw-protocol.ts';

// 2 folds × (3 same + 3 different), pairs.txt layout.
const PAIRS = `2\t3
A\t1\t2
B\t1\t2
C\t1\t2
A\t1\tB\t1
A\t2\tC\t1
B\t2\tC\t2
D\t1\t2
E\t1\t2
F\t1\t2
D\t1\tE\t1
D\t2\tF\t1
E\t2\tF\t2
`;

test('pairSubset keeps every fold and the same/different balance', () => {
  const { folds, pairs } = parsePairs(PAIRS);
  const sub = pairSubset(pairs, folds, 4);
  assert.equal(sub.length, 4);
  for (const k of [0, 1]) {
    assert.deepEqual(
      sub.filter((p) => p.fold === k).map((p) => p.same),
      [true, false],
    );
  }
  assert.equal(pairSubset(pairs, folds).length, 12);
  assert.equal(pairSubset(pairs, folds, 1000).length, 12);
  // Fewer than one per kind and fold still yields a scorable set.
  assert.equal(pairSubset(pairs, folds, 1).length, 4);
});

test('pairImages lists each image once in LFW file naming', () => {
  const { pairs } = parsePairs(PAIRS);
  const images = pairImages(pairs.slice(0, 4));
  assert.deepEqual(images, [
    'A/A_0001.jpg',
    'A/A_0002.jpg',
    'B/B_0001.jpg',
    'B/B_0002.jpg',
    'C/C_0001.jpg',
    'C/C_0002.jpg',
  ]);
});

test('scorePairs: separable embeddings score 100%, a missing face counts as an error', () => {
  const { folds, pairs } = parsePairs(PAIRS);
  // One direction per person; images of one person nearly identical.
  const person = (name: string) => 'ABCDEF'.indexOf(name);
  const emb = (file: string): number[] => {
    const v = new Array(6).fill(0);
    v[person(file[0]!)] = 1;
    v[(person(file[0]!) + 1) % 6] = file.endsWith('2.jpg') ? 0.05 : 0;
    return v;
  };
  const all = scorePairs(pairs, folds, emb);
  assert.equal(all.accuracy, 1);
  assert.equal(all.missing, 0);
  const oneMissing = scorePairs(pairs, folds, (f) => (f === 'A/A_0001.jpg' ? undefined : emb(f)));
  assert.equal(oneMissing.missing, 2);
  assert.ok(oneMissing.accuracy < 1);
});

const result = (over: Partial<PeerResult>): PeerResult => ({
  peer: 'faceapi',
  version: 'v',
  threads: 1,
  mode: 'speed',
  photos: 2,
  skipped: 0,
  faces: 3,
  seconds: 4,
  setup_seconds: 0,
  ...over,
});

test('shard interleaves; mergeShards sums work and takes the slowest shard as wall time', () => {
  assert.deepEqual(shard([1, 2, 3, 4, 5], 2), [
    [1, 3, 5],
    [2, 4],
  ]);
  assert.deepEqual(shard([1], 3), [[1]]);
  const m = mergeShards([
    result({ boxes: { a: [[0, 0, 1, 1]] } }),
    result({ photos: 3, faces: 1, seconds: 6, boxes: { b: [] } }),
  ]);
  assert.equal(m.photos, 5);
  assert.equal(m.faces, 4);
  assert.equal(m.seconds, 6);
  assert.equal(m.threads, 2);
  assert.deepEqual(Object.keys(m.boxes ?? {}), ['a', 'b']);
  const l = mergeShards([
    result({ mode: 'lfw', embeddings: { a: [1] }, no_face: 1 }),
    result({ mode: 'lfw', embeddings: { b: [2] }, no_face: 2 }),
  ]);
  assert.equal(l.no_face, 3);
  assert.deepEqual(l.embeddings, { a: [1], b: [2] });
});

test('parsePeerOutput reads the last stdout line and rejects malformed results', () => {
  const ok = parsePeerOutput(`warming up\n${JSON.stringify(result({}))}\n`);
  assert.equal(ok.faces, 3);
  assert.throws(() => parsePeerOutput('Traceback (most recent call last):\n  oops'), /no JSON result/);
  assert.throws(() => parsePeerOutput(JSON.stringify({ ...result({}), faces: -1 })));
  assert.throws(() => parsePeerOutput(JSON.stringify({ ...result({}), boxes: { a: [[1, 2, 3]] } })));
});

test('ratio is null unless both figures exist', () => {
  assert.equal(ratio(10, 4), 2.5);
  assert.equal(ratio(null, 4), null);
  assert.equal(ratio(10, 0), null);
  assert.equal(ratio(10, undefined), null);
});

test('detectionScore counts matches against WIDER ground truth, null when no photo has any', () => {
  const gt = new Map([
    [
      'e/a.jpg',
      [
        { box: { x: 0, y: 0, w: 40, h: 40 }, invalid: false },
        { box: { x: 100, y: 0, w: 40, h: 40 }, invalid: false },
      ],
    ],
  ]);
  const key = (f: string) => (f === '/p/e/a.jpg' ? 'e/a.jpg' : undefined);
  const s = detectionScore(
    gt,
    {
      '/p/e/a.jpg': [
        [1, 1, 40, 40],
        [300, 300, 10, 10],
      ],
    },
    key,
  );
  assert.deepEqual(s, { recall: 0.5, precision: 0.5, ground_truth: 2 });
  assert.equal(detectionScore(gt, { '/p/other.jpg': [] }, key), null);
});

test('formatTable pads columns (first left-aligned, the rest right-aligned)', () => {
  const text = formatTable([
    ['system', 'photos/s'],
    ['Kith', '12.5'],
    ['OpenCV 4.6.0', '3.0'],
  ]);
  assert.deepEqual(text.split('\n'), [
    'system        photos/s',
    'Kith              12.5',
    'OpenCV 4.6.0       3.0',
  ]);
});
