/** An Explainable model as a plain score function, for the model-agnostic faithfulness metrics of lib/localize. */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import type { ScoreFunction } from "../localize/faithfulness.ts";
import { CamError } from "./errors.ts";
import { guardHeap, heapLimitOf, imagesPerPass } from "./_chunks.ts";

/** Options of {@linkcode modelScoreFunction}. */
export interface ScoreFunctionOptions {
  /** Images per forward pass; fewer where the heap cannot hold them (see `heapLimitBytes`). @default 64 */
  batchSize?: number;
  /**
   * Heap limit in bytes the passes are sized against (lib/models' inference estimate, 70% of it); null:
   * none. @default the backend's (4 GiB − 64 KiB on wasm, none elsewhere)
   */
  heapLimitBytes?: number | null;
}

/**
 * Wrap a model as `(images, shape) → softmax probabilities [n, C]` (row-major Float32Array), running in
 * inference mode in chunks of `batchSize`; every tensor is freed before it returns. `shape` is
 * `[n, h, w, c]` (or `[n, d, h, w, c]` for volumes, passed where a ScoreFunction's 4 entries are typed).
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { deletionCurve } from "../localize/mod.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const score = modelScoreFunction(model);
 * const image = new Float32Array(32 * 32), saliencyMap = new Float32Array(32 * 32);
 * const curve = await deletionCurve(score, { image, shape: [32, 32, 1], saliency: saliencyMap, classIndex: 1 });
 * ```
 */
export function modelScoreFunction(model: Explainable, options: ScoreFunctionOptions = {}): ScoreFunction {
  const requested = options.batchSize ?? 64;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new CamError("modelScoreFunction", `batchSize must be a positive integer, got ${requested}`);
  }
  return async (
    images: Float32Array,
    shape: readonly [number, number, number, number],
  ): Promise<Float32Array> => {
    const dims = shape as readonly number[];
    const n = dims[0];
    const rest = dims.slice(1);
    const per = rest.reduce((a, b) => a * b, 1);
    if (images.length !== n * per) {
      throw new CamError(
        "modelScoreFunction",
        `images hold ${images.length} values, shape [${shape}] needs ${n * per}`,
      );
    }
    // Sized at call time: the backend (and so its heap limit) may be chosen after the function is made.
    const limit = heapLimitOf(options);
    const batchSize = limit === null
      ? requested
      : imagesPerPass("modelScoreFunction", model, "inference", rest, requested, limit);
    const parts: Float32Array[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const chunk = images.subarray(start * per, (start + size) * per);
      parts.push(
        await guardHeap("modelScoreFunction", model, "inference", rest, size, limit, async () => {
          const probabilities = tf.tidy(() =>
            tf.softmax(model.apply(tf.tensor(chunk, [size, ...rest])).logits)
          );
          try {
            return new Float32Array(await probabilities.data());
          } finally {
            probabilities.dispose();
          }
        }),
      );
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
