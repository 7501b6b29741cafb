/**
 * A network's variables from its layer description's variable specs: one place for the 2-D and 3-D zoo
 * classes.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { initialValues } from "./_rng.ts";
import type { VariableSpec } from "./spec.ts";

/** A network's variables by name: the trainable weights, and the state (batch norm's moving statistics). */
export interface NetworkVariables {
  trainable: Record<string, tf.Variable>;
  state: Record<string, tf.Variable>;
}

/**
 * Each spec's `tf.Variable`, its values drawn by {@linkcode initialValues} from the spec's own stream of
 * `seed`, filed under `trainable` (trainable) or `state` (not trainable) by its group. The caller owns them
 * ({@linkcode disposeVariables}).
 */
export function createVariables(specs: Iterable<VariableSpec>, seed: number): NetworkVariables {
  const out: NetworkVariables = { trainable: {}, state: {} };
  for (const v of specs) {
    const values = initialValues(v, seed);
    const trainable = v.group === "trainable";
    out[trainable ? "trainable" : "state"][v.name] = tf.tidy(() =>
      tf.variable(tf.tensor(values, v.shape, "float32"), trainable)
    );
  }
  return out;
}

/** Dispose every variable of {@linkcode createVariables}' result. */
export function disposeVariables(vars: NetworkVariables): void {
  for (const v of [...Object.values(vars.trainable), ...Object.values(vars.state)]) v.dispose();
}
