/** Packing dataset samples into image batches. */
import * as tf from "../tf.ts";
import type { Dataset } from "../data/mod.ts";

/** Samples [from, to) of a dataset as one `[n, h, w, c]` tensor (the caller owns it). */
export function packImages(dataset: Dataset, from: number, to: number): tf.Tensor4D {
  const first = dataset.get(from);
  const { height, width, channels } = first;
  const size = height * width * channels;
  const data = new Float32Array((to - from) * size);
  for (let i = from; i < to; i++) {
    data.set(i === from ? first.image : dataset.get(i).image, (i - from) * size);
  }
  return tf.tensor4d(data, [to - from, height, width, channels]);
}
