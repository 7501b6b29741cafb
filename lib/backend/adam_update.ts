/**
 * One Adam step of one variable as one kernel where the backend registers `AdamUpdate` (wasm, through
 * {@link registerWasmTrainingKernels}; lib/backend/_adam.ts), bit for bit the stock composition's result:
 *
 *   g' = g + λ_L2 w,  m' = β1 m + (1 − β1) g',  v' = β2 v + (1 − β2) g'²,
 *   w' = d · w − s · m' / (√v' / r + ε),  s = η/(1 − β1^t),  r = √(1 − β2^t),  d = 1 − ηλ_decoupled
 *
 * lib/train's optimizer calls it and falls back to the composition of stock ops where it returns null.
 *
 * @example
 * const out = fusedAdamUpdate(w, { g, m, v }, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, stepSize, biasRoot });
 * if (out) { m.assign(out.m); v.assign(out.v); w.assign(out.w); }
 *
 * @module
 */
import * as tf from "../tf.ts";

/** Options of {@link fusedAdamUpdate}: Adam's constants and this step's factors. */
export interface FusedAdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** s = η / (1 − β1^t). */
  stepSize: number;
  /** r = √(1 − β2^t). */
  biasRoot: number;
  /** λ of L2 weight decay added to the gradient. @default 0 */
  l2?: number;
  /** d = 1 − ηλ of decoupled weight decay (AdamW). @default 1 */
  decay?: number;
}

/**
 * The new weights and slots `{ w, m, v }` of one Adam step (see the module's formula), or null when the
 * backend has no `AdamUpdate` kernel or a tensor is not float32 (then compose it from stock ops).
 */
export function fusedAdamUpdate(
  w: tf.Tensor,
  state: { g: tf.Tensor; m: tf.Tensor; v: tf.Tensor },
  options: FusedAdamOptions,
): { w: tf.Tensor; m: tf.Tensor; v: tf.Tensor } | null {
  const { g, m, v } = state;
  if (tf.getKernel("AdamUpdate", tf.getBackend()) == null) return null;
  if ([w, g, m, v].some((t) => t.dtype !== "float32")) return null;
  const { l2 = 0, decay = 1 } = options;
  const [wOut, mOut, vOut] = tf.engine().runKernel("AdamUpdate", { w, g, m, v }, {
    ...options,
    l2,
    decay,
  } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { w: wOut, m: mOut, v: vOut };
}
