/**
 * Reading tensor values in a way every backend supports.
 *
 * @module
 */
import type * as tf from "../tf.ts";

/** Options of {@link readData}. */
export interface ReadDataOptions {
  /** Dispose the tensor once its values are read. @default false */
  dispose?: boolean;
}

/**
 * The values of `tensor` as a typed array, via `await tensor.data()`. Use this instead of `dataSync()`,
 * which throws on the webgpu backend in Deno (it wants a canvas) and blocks elsewhere.
 *
 * @example
 * const probs = await readData(tf.softmax(logits), { dispose: true });
 */
export async function readData<R extends tf.Rank>(
  tensor: tf.Tensor<R>,
  options: ReadDataOptions = {},
): Promise<Float32Array | Int32Array | Uint8Array> {
  try {
    return await tensor.data() as Float32Array | Int32Array | Uint8Array;
  } finally {
    if (options.dispose) tensor.dispose();
  }
}
