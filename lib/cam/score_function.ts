/** A CamModel as a plain score function, for the model-agnostic faithfulness metrics of lib/localize. */
import * as tf from "../tf.ts";
import type { CamModel } from "../models/model.ts";
import type { ScoreFunction } from "../localize/faithfulness.ts";
import { CamError } from "./errors.ts";

/** Options of {@linkcode modelScoreFunction}. */
export interface ScoreFunctionOptions {
  /** Images per forward pass. @default 64 */
  batchSize?: number;
}

/**
 * Wrap a model as `(images, shape) → softmax probabilities [n, C]` (row-major Float32Array), running in
 * inference mode in chunks of `batchSize`; every tensor is freed before it returns.
 *
 * @example
 * const score = modelScoreFunction(model);
 * const curve = await deletionCurve(score, { image, shape: [64, 64, 1], saliency: maps.subarray(0, 4096), classIndex: 1 });
 */
export function modelScoreFunction(model: CamModel, options: ScoreFunctionOptions = {}): ScoreFunction {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CamError("modelScoreFunction", `batchSize must be a positive integer, got ${batchSize}`);
  }
  return async (
    images: Float32Array,
    shape: readonly [number, number, number, number],
  ): Promise<Float32Array> => {
    const [n, h, w, c] = shape;
    if (images.length !== n * h * w * c) {
      throw new CamError(
        "modelScoreFunction",
        `images hold ${images.length} values, shape [${shape}] needs ${n * h * w * c}`,
      );
    }
    const parts: Float32Array[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const chunk = images.subarray(start * h * w * c, (start + size) * h * w * c);
      const probabilities = tf.tidy(() =>
        tf.softmax(model.apply(tf.tensor4d(chunk, [size, h, w, c]), { training: false }).logits)
      );
      try {
        parts.push(new Float32Array(await probabilities.data()));
      } finally {
        probabilities.dispose();
      }
    }
    if (parts.length === 1) return parts[0];
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };
}
