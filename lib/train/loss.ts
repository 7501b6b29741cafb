/**
 * Softmax cross-entropy with integer labels and optional class weights.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { TrainError } from "./errors.ts";

/** Options of {@linkcode softmaxCrossEntropy}. */
export interface CrossEntropyOptions {
  /** Weight w_c per class; the loss becomes Σ_i w_{y_i} ℓ_i / Σ_i w_{y_i} (PyTorch's weighted mean). @default none */
  classWeights?: ArrayLike<number>;
  /**
   * Divide the (weighted) sum of the losses by this instead of this batch's own Σ_i w_{y_i} (or its size):
   * the full batch's, when these logits are one micro-batch of it, so that the micro-batches' losses (and
   * gradients) add up to the full batch's weighted mean, not a mean of means. @default this batch's own
   */
  denominator?: number;
}

/**
 * Mean softmax cross-entropy ℓ_i = −log softmax(z_i)_{y_i} = logsumexp(z_i) − z_{i,y_i}, as a scalar tensor.
 * Labels are integers in [0, numClasses). The caller owns the result.
 *
 * @example
 * const loss = softmaxCrossEntropy(logits, Int32Array.from([0, 1]));
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor2D,
  labels: Int32Array,
  options: CrossEntropyOptions = {},
): tf.Scalar {
  const [n, c] = logits.shape;
  if (labels.length !== n) {
    throw new TrainError(`softmaxCrossEntropy: ${n} logit rows but ${labels.length} labels`);
  }
  if (options.denominator !== undefined && !(options.denominator > 0)) {
    throw new TrainError(`softmaxCrossEntropy: denominator must be positive, got ${options.denominator}`);
  }
  return tf.tidy(() => {
    const perSample = tf.neg(
      tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, "int32"), c), tf.logSoftmax(logits)), 1),
    );
    const { classWeights, denominator } = options;
    if (!classWeights) {
      return (denominator === undefined
        ? tf.mean(perSample)
        : tf.div(tf.sum(perSample), denominator)) as tf.Scalar;
    }
    const w = new Float32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += w[i] = classWeights[labels[i]] ?? 1;
    if (denominator !== undefined) total = denominator;
    return tf.div(tf.sum(tf.mul(perSample, tf.tensor1d(w))), total > 0 ? total : 1) as tf.Scalar;
  });
}
