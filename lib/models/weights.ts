/**
 * A model's weights as plain Float32Arrays, for checkpoints and for comparing models.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { ModelError } from "./errors.ts";
import type { CamModel } from "./model.ts";

/** Weights by variable name (trainable and state together; the names never collide). */
export type WeightMap = Record<string, Float32Array>;

/** Every variable of a model (trainable first, then state), by name. */
export function modelVariables(model: CamModel): Record<string, tf.Variable> {
  return { ...model.trainable, ...model.state };
}

/**
 * Copies of every trainable and state variable. Asynchronous because some backends (webgpu in Deno)
 * cannot read tensors synchronously.
 */
export async function getWeights(model: CamModel): Promise<WeightMap> {
  const out: WeightMap = {};
  for (const [name, v] of Object.entries(modelVariables(model))) {
    out[name] = new Float32Array(await v.data());
  }
  return out;
}

/** Options of {@link setWeights}. */
export interface SetWeightsOptions {
  /** Require a value for every variable of the model (else only the given ones are set). @default true */
  strict?: boolean;
}

/**
 * Assign weights to a model's variables (copied; the arrays are not kept). Every name must be a variable
 * of the model and every array must have the variable's size; with `strict`, every variable must be given.
 *
 * @throws {ModelError} unknown name, wrong size, or (strict) a missing variable — before anything is set.
 */
export function setWeights(model: CamModel, weights: WeightMap, options: SetWeightsOptions = {}): void {
  const strict = options.strict ?? true;
  const vars = modelVariables(model);
  const name = model.config.name;
  for (const [key, values] of Object.entries(weights)) {
    const v = vars[key];
    if (!v) throw new ModelError(name, `setWeights: no variable named "${key}"`);
    if (!(values instanceof Float32Array) || values.length !== v.size) {
      throw new ModelError(
        name,
        `setWeights: "${key}" needs ${v.size} float32 values (shape [${
          v.shape.join(", ")
        }]), got ${values?.length}`,
      );
    }
  }
  if (strict) {
    const missing = Object.keys(vars).filter((key) => !(key in weights));
    if (missing.length > 0) throw new ModelError(name, `setWeights: missing ${missing.join(", ")}`);
  }
  for (const [key, values] of Object.entries(weights)) {
    const v = vars[key];
    // Copy: some backends keep the array they are given.
    tf.tidy(() => v.assign(tf.tensor(new Float32Array(values), v.shape, "float32")));
  }
}
