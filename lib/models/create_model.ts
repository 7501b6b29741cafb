/**
 * Build a zoo model by name.
 *
 * @module
 */
import type { ModelOptions, ZooConfig } from "./config.ts";
import { ZooModel } from "./_network.ts";
import { resolve } from "./registry.ts";

/**
 * Build a GAP/GMP network by registry name (see `listModels()`), with seeded initial weights: conv
 * kernels He-normal N(0, 2/fan_in), classifier N(0, 1/K), biases and β zero, γ one, moving mean 0 and
 * variance 1. The same name, options and seed give bit-identical weights on every backend.
 *
 * @example
 * const model = createModel("vgg16-gap", { inputShape: [64, 64, 1], numClasses: 2, widthMultiplier: 1 / 8 });
 * const { logits, features } = tf.tidy(() => model.apply(images));
 *
 * @throws {ModelError} unknown name or option, invalid value, or an input below the minimum size.
 */
export function createModel(name: string, options: ModelOptions = {}): ZooModel {
  const { config, spec, minInputSize } = resolve(name, options);
  return new ZooModel(config, spec, minInputSize);
}

/** Rebuild a model from a saved (full) config; weights are freshly initialised from its seed. */
export function createModelFromConfig(config: ZooConfig): ZooModel {
  return createModel(config.name, config);
}
