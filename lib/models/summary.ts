/**
 * What a model is, computed from its layer description alone — nothing is allocated, so paper-size
 * networks can be inspected on any machine.
 *
 * @module
 */
import type { ModelOptions, ZooConfig } from "./config.ts";
import { resolve } from "./registry.ts";
import { inferShapes, type LayerShapes, variableSpecs } from "./spec.ts";

/** A model name with options, or a resolved (e.g. saved) config. */
export type ModelRef = string | ZooConfig;

function resolveRef(model: ModelRef, options: ModelOptions) {
  return typeof model === "string" ? resolve(model, options) : resolve(model.name, model);
}

/**
 * Output shape (without the batch axis) of every layer, in forward order, by shape arithmetic:
 * conv/pool output length ⌈n/s⌉ ("same"), ⌊(n−k)/s⌋+1 ("valid"), ⌊(n+2p−k)/s⌋+1 (pad p).
 * Conv and pooling layers give `[h, w, c]`; the global pooling layer (`gap`/`gmp`) gives `[K]` and
 * `logits` gives `[numClasses]`. The CAM map is the entry of the model's CAM layer.
 *
 * @example
 * outputShapes("vgg16-gap")["cam_conv"]; // [14, 14, 1024]
 *
 * @param model A registry name (resolved with `options`) or a full config (`options` ignored).
 */
export function outputShapes(model: ModelRef, options: ModelOptions = {}): LayerShapes {
  const { config, spec } = resolveRef(model, options);
  const shapes = inferShapes(spec, config.inputShape);
  const cam = shapes[spec.body[spec.body.length - 1].name];
  shapes[config.pooling] = [cam[2]];
  shapes["logits"] = [config.numClasses];
  return shapes;
}

/** Parameter counts of a model. */
export interface ParameterCount {
  /** Weights the optimiser updates (kernels, biases, batch-norm γ and β, classifier). */
  trainable: number;
  /** Batch-norm moving means and variances. */
  state: number;
  /** trainable + state. */
  total: number;
}

/**
 * Number of parameters from the layer description: a conv has kh·kw·c_in·c_out weights plus c_out
 * biases, or, with batch norm, 2·c_out trainable (γ, β) and 2·c_out state values; the classifier has
 * K·numClasses + numClasses.
 *
 * @param model A registry name (resolved with `options`) or a full config (`options` ignored).
 */
export function parameterCount(model: ModelRef, options: ModelOptions = {}): ParameterCount {
  const { config, spec } = resolveRef(model, options);
  let trainable = 0;
  let state = 0;
  for (const v of variableSpecs(spec, config)) {
    const n = v.shape.reduce((a, b) => a * b, 1);
    if (v.group === "trainable") trainable += n;
    else state += n;
  }
  return { trainable, state, total: trainable + state };
}
