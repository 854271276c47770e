// tfjs's chained tensor methods (`t.as3D(…)`, `t.toInt()`, …) are registered by the full
// `@tensorflow/tfjs` bundle, not by tfjs-core's Node build; face-api.js calls them. This installs
// them on tfjs-core's Tensor, with tfjs's own semantics, for the face-api peer only.
import * as tf from '@tensorflow/tfjs-core';

type Op = (this: tf.Tensor, ...args: unknown[]) => unknown;

/** `t.resizeX(size, alignCorners, halfPixel)` for tf.image.resizeX. */
function resizeMethod(
  resize: (
    image: tf.Tensor3D,
    size: [number, number],
    alignCorners?: boolean,
    halfPixelCenters?: boolean,
  ) => tf.Tensor3D,
): Op {
  return function (this: tf.Tensor, size, alignCorners, halfPixel) {
    return resize(
      this as tf.Tensor3D,
      size as [number, number],
      alignCorners as boolean | undefined,
      halfPixel as boolean | undefined,
    );
  };
}

/** Methods that are not "the op of the same name with `this` first". */
const SPECIAL: Record<string, Op> = {
  as1D() {
    return tf.reshape(this, [this.size]);
  },
  as2D(...s) {
    return tf.reshape(this, s as number[]);
  },
  as3D(...s) {
    return tf.reshape(this, s as number[]);
  },
  as4D(...s) {
    return tf.reshape(this, s as number[]);
  },
  as5D(...s) {
    return tf.reshape(this, s as number[]);
  },
  asScalar() {
    return tf.reshape(this, []);
  },
  asType(dtype) {
    return tf.cast(this, dtype as tf.DataType);
  },
  toFloat() {
    return tf.cast(this, 'float32');
  },
  toInt() {
    return tf.cast(this, 'int32');
  },
  toBool() {
    return tf.cast(this, 'bool');
  },
  flatten() {
    return tf.reshape(this, [this.size]);
  },
  reshapeAs(x) {
    return tf.reshape(this, (x as tf.Tensor).shape);
  },
  concat(x, axis) {
    const rest = x instanceof tf.Tensor ? [x] : (x as tf.Tensor[]);
    return tf.concat([this, ...rest], axis as number | undefined);
  },
  stack(x, axis) {
    return tf.stack([this, x as tf.Tensor], axis as number | undefined);
  },
  where(condition, x) {
    return tf.where(condition as tf.Tensor, this, x as tf.Tensor);
  },
  resizeBilinear: resizeMethod(tf.image.resizeBilinear),
  resizeNearestNeighbor: resizeMethod(tf.image.resizeNearestNeighbor),
};

/** Defines every chained method tfjs defines that the Tensor prototype still lacks. */
export function registerChainedOps(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, unknown>;
  for (const [name, fn] of Object.entries(SPECIAL)) if (!(name in proto)) proto[name] = fn;
  for (const [name, op] of Object.entries(ops)) {
    if (name in proto || typeof op !== 'function' || !CHAINED.has(name)) continue;
    const f = op as (...args: unknown[]) => unknown;
    proto[name] = function (this: tf.Tensor, ...args: unknown[]) {
      return f(this, ...args);
    };
  }
}

/** tfjs-core's dist/public/chained_ops (4.22), less the SPECIAL ones. */
const CHAINED = new Set(
  `abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND batchNorm
  broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace
  depthwiseConv2d dilation2d div divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor
  floorDiv gather greater greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual
  localResponseNormalization log log1p logSigmoid logSoftmax logSumExp logicalAnd logicalNot logicalOr
  logicalXor matMul max maxPool maximum mean min minimum mirrorPad mod mul neg norm notEqual oneHot onesLike
  pad pool pow prelu prod reciprocal relu relu6 reshape reverse rfft round rsqrt selu separableConv2d sigmoid
  sign sin sinh slice softmax softplus spaceToBatchND split sqrt square squaredDifference squeeze step
  stridedSlice sub sum tan tanh tile topk transpose unique unsortedSegmentSum unstack zerosLike`.split(/\s+/),
);
