/**
 * The layer toolkit the zoo is built from, on plain `@tensorflow/tfjs-core` ops (no tfjs-layers), so
 * that every backend with the core training kernels can run and train it. NHWC throughout.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { batchNormTraining } from "../backend/mod.ts";
import type { ConvNode, LrnNode, Padding, PoolNode } from "./spec.ts";

/** Padding as tfjs takes it; symmetric "same" for stride 1 and `pad = (k−1)/2`, which is exact. */
function tfPadding(padding: Padding, kernel: readonly [number, number], strides: number) {
  if (typeof padding === "string") return padding;
  const [ph, pw] = padding;
  if (ph === 0 && pw === 0) return "valid" as const;
  if (strides === 1 && 2 * ph === kernel[0] - 1 && 2 * pw === kernel[1] - 1) return "same" as const;
  return [[0, 0], [ph, ph], [pw, pw], [0, 0]] as [[number, number], [number, number], [number, number], [
    number,
    number,
  ]];
}

/** y = x ⊛ W (+ b). */
export function conv(x: tf.Tensor4D, node: ConvNode, kernel: tf.Tensor4D, bias?: tf.Tensor1D): tf.Tensor4D {
  const y = tf.conv2d(x, kernel, node.strides, tfPadding(node.padding, node.kernel, node.strides));
  return bias ? tf.add(y, bias) : y;
}

/** The variables and activation of {@link fusedConv}. */
export interface FusedConvOptions {
  /** Filter [kh, kw, c, o]. */
  kernel: tf.Tensor4D;
  /** Bias [o]. */
  bias: tf.Tensor1D;
  /** Whether ReLU follows. */
  relu: boolean;
}

/**
 * y = ReLU?(x ⊛ W + b), equal to {@link conv} then `tf.relu`. Outside a gradient tape (inference, CAM,
 * Score-CAM) through tfjs's fused conv2d: on wasm one oneDNN convolution with bias and ReLU post-ops, one
 * output buffer instead of three. Under a tape (training, the gradient methods) as {@link conv} then `tf.relu`:
 * tfjs's fused conv2d would fuse only a linear activation there (its `shouldFuse`), and its gradient computes
 * the input gradient eagerly, also for a net's first conv where nothing needs it (GoogLeNet-GAP's training
 * step at 224 px ran ~6% slower with the bias fused, measured). Also composed where the backend has no
 * `FusedConv2D` kernel.
 */
export function fusedConv(x: tf.Tensor4D, node: ConvNode, options: FusedConvOptions): tf.Tensor4D {
  const { kernel, bias, relu } = options;
  if (tf.engine().state.gradientDepth > 0 || tf.getKernel("FusedConv2D", tf.getBackend()) == null) {
    const y = conv(x, node, kernel, bias);
    return relu ? tf.relu(y) : y;
  }
  return tf.fused.conv2d({
    x,
    filter: kernel,
    strides: node.strides,
    pad: tfPadding(node.padding, node.kernel, node.strides),
    bias,
    activation: relu ? "relu" : "linear",
  });
}

/** Batch-norm variables of one layer. */
export interface BatchNormVariables {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

/**
 * Layer `name`'s batch-norm variables: `<name>/gamma`, `<name>/beta` (trainable) and its moving statistics
 * (state).
 */
export function batchNormVariables(
  name: string,
  trainable: Record<string, tf.Variable>,
  state: Record<string, tf.Variable>,
): BatchNormVariables {
  return {
    gamma: trainable[`${name}/gamma`],
    beta: trainable[`${name}/beta`],
    movingMean: state[`${name}/moving_mean`],
    movingVariance: state[`${name}/moving_variance`],
  };
}

/** Batch-norm settings. */
export interface BatchNormOptions {
  training: boolean;
  /** Weight of the new batch in the moving averages (PyTorch's convention). */
  momentum: number;
  epsilon: number;
}

/**
 * Batch normalisation (Ioffe & Szegedy, 2015): y = γ (x − μ) / √(σ² + ε) + β over batch and space (every
 * axis but the last, channels).
 * Training: μ, σ² are the batch's (biased σ²; lib/backend's `batchNormTraining`, one kernel forward and one
 * backward on wasm), and the moving statistics are updated in place,
 * m ← (1 − momentum)·m + momentum·μ, v ← (1 − momentum)·v + momentum·σ²·n/(n−1).
 * Inference: the moving statistics are used.
 */
export function batchNorm<T extends tf.Tensor>(x: T, vars: BatchNormVariables, options: BatchNormOptions): T {
  const params = { gamma: vars.gamma as tf.Tensor1D, beta: vars.beta as tf.Tensor1D };
  if (options.training) {
    const { y, mean, variance } = batchNormTraining(x, params, { epsilon: options.epsilon });
    const n = x.size / x.shape[x.rank - 1];
    const m = options.momentum;
    // The loss does not depend on the updated values, so under a gradient tape they add no gradient.
    tf.tidy(() => {
      const unbiased = tf.mul(variance, n > 1 ? n / (n - 1) : 1);
      vars.movingMean.assign(tf.add(tf.mul(vars.movingMean, 1 - m), tf.mul(mean, m)));
      vars.movingVariance.assign(tf.add(tf.mul(vars.movingVariance, 1 - m), tf.mul(unbiased, m)));
    });
    return y;
  }
  const scale = tf.mul(vars.gamma, tf.rsqrt(tf.add(vars.movingVariance, options.epsilon)));
  return tf.add(tf.mul(tf.sub(x, vars.movingMean), scale), vars.beta) as T;
}

/** Local response normalisation across channels, see {@link LrnNode}. */
export function lrn(x: tf.Tensor4D, node: LrnNode): tf.Tensor4D {
  return tf.localResponseNormalization(x, node.depthRadius, node.bias, node.alpha, node.beta);
}

/** Max or average pooling. */
export function pool(x: tf.Tensor4D, node: PoolNode): tf.Tensor4D {
  return node.kind === "maxPool"
    ? tf.maxPool(x, node.size, node.strides, node.padding)
    : tf.avgPool(x, node.size, node.strides, node.padding);
}

/** Global pooling `[b, h, w, K] → [b, K]`: GAP F_k = (1/hw) Σ_{x,y} f_k(x, y), GMP F_k = max_{x,y} f_k(x, y). */
export function globalPool(x: tf.Tensor4D, pooling: "gap" | "gmp"): tf.Tensor2D {
  return pooling === "gap" ? tf.mean(x, [1, 2]) : tf.max(x, [1, 2]);
}

/** Inverted dropout with a mask drawn from `rand`: kept units are scaled by 1/(1 − rate). */
export function dropout(x: tf.Tensor2D, rate: number, rand: () => number): tf.Tensor2D {
  if (rate <= 0) return x;
  const mask = new Float32Array(x.size);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) mask[i] = rand() >= rate ? keep : 0;
  return tf.mul(x, tf.tensor2d(mask, x.shape));
}

/** Dense layer y = x·W + b. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, kernel), bias);
}
