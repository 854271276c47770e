// Model input tensors from packed RGB images (detectors and embedders share the layout).
import type { RgbImage } from '../align/warp.ts';

/** Packs RGB bytes into a planar float tensor, (value − mean) / std, in the model's channel order. */
export function toPlanarTensor(
  img: RgbImage,
  order: 'RGB' | 'BGR',
  mean: number,
  std: number,
  padW = img.width,
  padH = img.height,
): Float32Array {
  const plane = padW * padH;
  const out = new Float32Array(3 * plane).fill((0 - mean) / std);
  const map = order === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 3;
      const d = y * padW + x;
      out[d] = (img.data[s + map[0]!]! - mean) / std;
      out[plane + d] = (img.data[s + map[1]!]! - mean) / std;
      out[2 * plane + d] = (img.data[s + map[2]!]! - mean) / std;
    }
  }
  return out;
}
