import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectionScales } from '../../../ml/detect/detectors.ts';
import { type Candidate, nms } from '../../../ml/detect/nms.ts';
import { decodeRfb } from '../../../ml/detect/rfb.ts';
import { planTiles } from '../../../ml/detect/tiles.ts';
import { decodeYunet, YUNET_STRIDES } from '../../../ml/detect/yunet.ts';
import { iou } from '../../../ml/geometry/box.ts';
import { toPlanarTensor } from '../../../ml/image/tensor.ts';

const cand = (x: number, y: number, w: number, h: number, score: number): Candidate => ({
  box: { x, y, w, h },
  score,
  points: null,
});

test('iou of identical, disjoint and half-overlapping boxes', () => {
  assert.equal(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 10 }), 1);
  assert.equal(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 0, w: 10, h: 10 }), 0);
  assert.ok(Math.abs(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 }) - 50 / 150) < 1e-12);
});

test('nms keeps the best of overlapping boxes and every separate one', () => {
  const kept = nms([cand(0, 0, 10, 10, 0.8), cand(1, 1, 10, 10, 0.9), cand(50, 50, 10, 10, 0.5)], 0.3);
  assert.deepEqual(
    kept.map((c) => c.score),
    [0.9, 0.5],
  );
});

test('nms keeps boxes overlapping less than the threshold', () => {
  const kept = nms([cand(0, 0, 10, 10, 0.9), cand(8, 0, 10, 10, 0.8)], 0.3);
  assert.equal(kept.length, 2);
});

test('decodeYunet turns cell offsets into pixels and applies sqrt(cls·obj)', () => {
  const padW = 64;
  const padH = 32;
  const cells = YUNET_STRIDES.map((s) => (padW / s) * (padH / s));
  const zeros = (k: number) => cells.map((n) => new Float32Array(n * k));
  const out = { cls: zeros(1), obj: zeros(1), bbox: zeros(4), kps: zeros(10) };
  // Stride 8 grid is 8×4; put a face at row 1, col 2.
  const idx = 1 * 8 + 2;
  out.cls[0]![idx] = 0.81;
  out.obj[0]![idx] = 1;
  out.bbox[0]!.set([0.5, 0.5, Math.log(2), Math.log(3)], idx * 4);
  out.kps[0]!.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], idx * 10);
  const found = decodeYunet(out, padW, padH, 0.5);
  assert.equal(found.length, 1);
  const f = found[0]!;
  assert.ok(Math.abs(f.score - 0.9) < 1e-6);
  // centre ((2 + 0.5)·8, (1 + 0.5)·8) = (20, 12); size (16, 24).
  assert.ok(Math.abs(f.box.x - 12) < 1e-4 && Math.abs(f.box.y - 0) < 1e-4);
  assert.ok(Math.abs(f.box.w - 16) < 1e-4 && Math.abs(f.box.h - 24) < 1e-4);
  assert.deepEqual([...f.points!], [16, 8, 24, 8, 20, 12, 16, 16, 24, 16]);
  assert.equal(decodeYunet(out, padW, padH, 0.95).length, 0);
});

test('decodeRfb scales normalised corners and filters by face score', () => {
  const scores = Float32Array.from([0.1, 0.9, 0.8, 0.2]);
  const boxes = Float32Array.from([0.1, 0.2, 0.3, 0.6, 0, 0, 1, 1]);
  const found = decodeRfb(scores, boxes, 1000, 500, 0.5);
  assert.equal(found.length, 1);
  const b = found[0]!.box;
  assert.ok(Math.abs(b.x - 100) < 1e-3 && Math.abs(b.y - 100) < 1e-3);
  assert.ok(Math.abs(b.w - 200) < 1e-3 && Math.abs(b.h - 200) < 1e-3);
});

test('planTiles covers the image with overlapping windows', () => {
  const tiles = planTiles(1000, 500, 400, 300);
  const covered = new Uint8Array(1000 * 500);
  for (const t of tiles) {
    assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.w <= 1000 && t.y + t.h <= 500);
    for (let y = t.y; y < t.y + t.h; y++) covered.fill(1, y * 1000 + t.x, y * 1000 + t.x + t.w);
  }
  assert.ok(covered.every((v) => v === 1));
  assert.deepEqual(planTiles(300, 200, 400, 300), [{ x: 0, y: 0, w: 300, h: 200 }]);
  // Neighbours overlap by at least a quarter of the tile.
  const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! - xs[i - 1]! <= 300);
});

test('detectionScales adds a fine pass only when small faces need it', () => {
  // 4000×3000 photo, 20 px faces: coarse 640/4000 = 0.16, fine 12/20 = 0.6.
  assert.deepEqual(detectionScales(4000, 3000, 20, 640, 12), [0.16, 0.6]);
  // A 640 px image needs no second pass.
  assert.deepEqual(detectionScales(640, 480, 20, 640, 12), [1]);
});

test('toPlanarTensor orders channels, normalises and pads', () => {
  const img = { data: Uint8Array.from([10, 20, 30]), width: 1, height: 1 };
  assert.deepEqual([...toPlanarTensor(img, 'RGB', 0, 1)], [10, 20, 30]);
  assert.deepEqual([...toPlanarTensor(img, 'BGR', 10, 2)], [10, 5, 0]);
  const padded = toPlanarTensor(img, 'RGB', 0, 1, 2, 1);
  assert.deepEqual([...padded], [10, 0, 20, 0, 30, 0]);
});
