/**
 * Build a 3-D zoo model by name.
 *
 * @module
 */
import type { Model3dOptions, Zoo3dConfig } from "./config3d.ts";
import { ZooModel3d } from "./_network3d.ts";
import { resolve3d } from "./registry3d.ts";

/**
 * Build a 3-D GAP/GMP network by registry name (see `listModels3d()`), with seeded initial weights (conv
 * kernels He-normal N(0, 2/fan_in), head N(0, 1/K), biases and β zero, γ one). The same name, options and
 * seed give bit-identical weights on every backend. With `head: "regress"` the head is GAP → dense 1 and the
 * output is the regression value (see `targetMean`).
 *
 * @example
 * const model = createModel3d("small3d-gap", { inputShape: [24, 24, 24, 1], numClasses: 2 });
 * const { logits } = tf.tidy(() => model.apply(tf.zeros([1, 24, 24, 24, 1])));
 *
 * @throws {ModelError} unknown name or option, invalid value, or an input that does not tile.
 */
export function createModel3d(name: string, options: Model3dOptions = {}): ZooModel3d {
  const { config, spec } = resolve3d(name, options);
  return new ZooModel3d(config, spec);
}

/** Rebuild a 3-D model from a saved (full) config; weights are freshly initialised from its seed. */
export function createModel3dFromConfig(config: Zoo3dConfig): ZooModel3d {
  const { name, pooling: _pooling, ...rest } = config;
  return createModel3d(name, rest as Model3dOptions);
}
