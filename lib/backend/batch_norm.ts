/**
 * Batch normalisation in training mode (Ioffe & Szegedy, 2015) as one op with one gradient kernel, channels
 * last, every other axis reduced: with N values per channel,
 *
 *   μ = Σ x / N,  σ² = Σ (x − μ)² / N (biased),  y = γ · (x − μ) / √(σ² + ε) + β.
 *
 * Its gradient, with r = 1/√(σ² + ε), x̂ = (x − μ)·r, dβ = Σ dy and dγ = Σ dy·x̂:
 *
 *   dx = γ·r·(dy − dβ/N − x̂·dγ/N) + dμ/N + 2·dσ²·(x − μ)/N
 *
 * (the last two terms only when the returned mean or variance feed the loss). On a backend that registers
 * the kernels of lib/backend/_batch_norm.ts (wasm, through {@link registerWasmTrainingKernels}) the forward is
 * one kernel and the gradient one kernel; elsewhere (cpu, webgpu, tfjs-node) it is tf.moments and the stock
 * arithmetic, the same values to float32 rounding (tested against the cpu backend, forward and gradients).
 *
 * @example
 * const { y, mean, variance } = batchNormTraining(x, gamma, beta, { epsilon: 1e-5 });
 *
 * @module
 */
import * as tf from "../tf.ts";

/** Options of {@link batchNormTraining}. */
export interface BatchNormTrainingOptions {
  /** ε added to the variance. @default 1e-3 (tfjs-layers' and Keras's) */
  epsilon?: number;
}

/** What {@link batchNormTraining} returns: the normalised tensor and the batch's statistics per channel. */
export interface BatchNormTrainingResult<T extends tf.Tensor> {
  /** γ · (x − μ) / √(σ² + ε) + β, x's shape. */
  y: T;
  /** μ per channel, `[c]`. */
  mean: tf.Tensor1D;
  /** σ² per channel (biased: divided by N), `[c]`. */
  variance: tf.Tensor1D;
}

const KERNEL = "BatchNormTraining";
const GRAD = "BatchNormTrainingGrad";
let gradientRegistered = false;

function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ["x", "gamma"],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, mean, variance] = saved;
      // The engine fills the gradient of an output the loss does not reach with zeros.
      const [dy, dmean, dvar] = dys as tf.Tensor[];
      const [dx, dgamma, dbeta] = tf.engine().runKernel(
        GRAD,
        { dy, x, gamma, mean, variance, dmean, dvar },
        attrs,
      ) as unknown as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

/**
 * Normalise `x` (rank ≥ 2, channels last) over every axis but the last with the batch's own statistics, then
 * scale by `gamma` and shift by `beta` (both `[c]`): see the module's formulas. Returns y and the batch's
 * mean and biased variance (for the caller's moving averages; PyTorch and Keras update theirs with the
 * unbiased one, σ²·N/(N − 1)).
 */
export function batchNormTraining<T extends tf.Tensor>(
  x: T,
  params: { gamma: tf.Tensor1D; beta: tf.Tensor1D },
  options: BatchNormTrainingOptions = {},
): BatchNormTrainingResult<T> {
  const { epsilon = 1e-3 } = options;
  const { gamma, beta } = params;
  const fused = x.rank >= 2 && x.dtype === "float32" && gamma.dtype === "float32" &&
    beta.dtype === "float32" && tf.getKernel(KERNEL, tf.getBackend()) != null;
  if (!fused) {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, Array.from({ length: x.rank - 1 }, (_, i) => i));
      const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
      const y = tf.add(tf.mul(tf.sub(x, mean), scale), beta) as T;
      return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
    });
  }
  registerGradient();
  const [y, mean, variance] = tf.engine().runKernel(KERNEL, { x, gamma, beta }, {
    epsilon,
  }) as unknown as tf.Tensor[];
  return { y: y as T, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
