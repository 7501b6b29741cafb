/**
 * Adam and SGD with momentum, written over tf ops with their whole state (iteration count and per-variable
 * slots) readable and restorable, so that a resumed run continues bit-for-bit.
 *
 * Why not tf.train.adam: its bias correction is kept as running float32 products β^t that `setWeights`
 * recomputes with `pow`, which can differ in the last bit after a restore; its learning rate is fixed at
 * construction; and its slots are keyed by global variable names, which differ between model instances.
 * Here the bias corrections 1 − β^t are computed in float64 from the iteration count, the learning rate is an
 * argument of every step, and slots are keyed by the model's own variable names.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import * as tf from "../tf.ts";
import { fusedAdamUpdate } from "../backend/mod.ts";

/** Adam (Kingma & Ba, 2015) options. */
export interface AdamOptions {
  name: "adam";
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** Weight decay λ. @default 0 */
  weightDecay?: number;
  /** Decoupled decay (AdamW: w ← w − η λ w) instead of L2 in the gradient (g ← g + λ w). @default false */
  decoupledWeightDecay?: boolean;
}

/** SGD with momentum (PyTorch's formulation) options. */
export interface SgdOptions {
  name: "sgd";
  /** Momentum μ. @default 0.9 */
  momentum?: number;
  /** Nesterov momentum. @default false */
  nesterov?: boolean;
  /** L2 weight decay λ (g ← g + λ w). @default 0 */
  weightDecay?: number;
}

/** Which optimizer, and its options. */
export type OptimizerOptions = AdamOptions | SgdOptions;

/** A named float32 array with its shape (checkpoint form of a tensor). */
export interface NamedArray {
  shape: number[];
  values: Float32Array;
}

/** The complete state of an optimizer. */
export interface OptimizerWeights {
  name: "adam" | "sgd";
  /** Steps taken so far. */
  iteration: number;
  /** Slots by `<variable key>/<slot>` (Adam: m, v; SGD: momentum). */
  slots: Record<string, NamedArray>;
}

/** Options of one optimizer step. */
export interface StepOptions {
  /** Learning rate η of this step. */
  learningRate: number;
  /**
   * Which variables weight decay applies to. @default variables of rank ≥ 2 (kernels, not biases or
   * batch-norm scales)
   */
  decay?: (key: string, variable: tf.Variable) => boolean;
}

/** An optimizer over a model's variables, keyed by the names of `CamModel.trainable`. */
export interface Optimizer {
  readonly options: Readonly<OptimizerOptions>;
  /** Steps taken so far. */
  readonly iteration: number;
  /** Update every variable that has a gradient; gradients are keyed like `variables`. */
  step(
    variables: Record<string, tf.Variable>,
    gradients: Record<string, tf.Tensor>,
    options: StepOptions,
  ): void;
  /** Copy of the state (async: reads tensors back, which webgpu requires). */
  getWeights(): Promise<OptimizerWeights>;
  /** Replace the state by one from {@linkcode Optimizer.getWeights}. */
  setWeights(weights: OptimizerWeights): void;
  /** Free the slots. */
  dispose(): void;
}

/** Raised on an unknown optimizer or a state that does not belong to it. */
export class OptimizerError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "optimizer"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "OptimizerError";
  }
}

const defaultDecay = (_key: string, v: tf.Variable) => v.rank >= 2;

class SlotOptimizer implements Optimizer {
  readonly options: Readonly<OptimizerOptions>;
  #iteration = 0;
  #slots = new Map<string, tf.Variable>();

  constructor(options: OptimizerOptions) {
    if (options.name !== "adam" && options.name !== "sgd") {
      throw new OptimizerError(`createOptimizer: unknown optimizer "${(options as { name: string }).name}"`);
    }
    this.options = Object.freeze({ ...options });
  }

  get iteration(): number {
    return this.#iteration;
  }

  #slot(name: string, like: tf.Variable): tf.Variable {
    let slot = this.#slots.get(name);
    if (!slot) {
      slot = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
      this.#slots.set(name, slot);
    }
    return slot;
  }

  step(
    variables: Record<string, tf.Variable>,
    gradients: Record<string, tf.Tensor>,
    options: StepOptions,
  ): void {
    const { learningRate: lr, decay = defaultDecay } = options;
    const t = this.#iteration + 1;
    const o = this.options;
    // One tidy per variable: its temporaries (about ten of its size) are freed before the next variable's,
    // so the update needs scratch for the largest variable only, not for all of them at once.
    for (const key of Object.keys(variables).sort()) {
      const w = variables[key];
      if (gradients[key] === undefined) continue;
      tf.tidy(() => {
        let g = gradients[key];
        const wd = (o.weightDecay ?? 0) > 0 && decay(key, w) ? o.weightDecay! : 0;
        if (o.name === "adam") {
          const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, decoupledWeightDecay = false } = o;
          const m = this.#slot(`${key}/m`, w);
          const v = this.#slot(`${key}/v`, w);
          // w ← w − η/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)   (bias corrections in float64)
          const stepSize = lr / (1 - Math.pow(beta1, t));
          const biasRoot = Math.sqrt(1 - Math.pow(beta2, t));
          const l2 = wd > 0 && !decoupledWeightDecay ? wd : 0;
          const shrink = wd > 0 && decoupledWeightDecay ? 1 - lr * wd : 1;
          // One kernel where the backend has it (wasm), the same values bit for bit as the composition.
          const fused = fusedAdamUpdate(w, { g, m, v }, {
            beta1,
            beta2,
            epsilon,
            stepSize,
            biasRoot,
            l2,
            decay: shrink,
          });
          if (fused) {
            m.assign(fused.m);
            v.assign(fused.v);
            w.assign(fused.w);
            return;
          }
          if (l2 > 0) g = tf.add(g, tf.mul(w, l2));
          const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
          m.assign(mNew);
          v.assign(vNew);
          const denom = tf.add(tf.div(tf.sqrt(vNew), biasRoot), epsilon);
          const base = shrink !== 1 ? tf.mul(w, shrink) : w;
          w.assign(tf.sub(base, tf.mul(tf.div(mNew, denom), stepSize)));
        } else {
          const { momentum = 0.9, nesterov = false } = o;
          if (wd > 0) g = tf.add(g, tf.mul(w, wd));
          let update = g;
          if (momentum > 0) {
            // buf ← μ buf + g (buf starts at 0, so the first buf is g, as in PyTorch); update = g + μ buf
            // (Nesterov) or buf
            const buf = this.#slot(`${key}/momentum`, w);
            const bufNew = tf.add(tf.mul(buf, momentum), g);
            buf.assign(bufNew);
            update = nesterov ? tf.add(g, tf.mul(bufNew, momentum)) : bufNew;
          }
          w.assign(tf.sub(w, tf.mul(update, lr)));
        }
      });
    }
    this.#iteration = t;
  }

  async getWeights(): Promise<OptimizerWeights> {
    const slots: Record<string, NamedArray> = {};
    for (const [name, v] of [...this.#slots].sort(([a], [b]) => (a < b ? -1 : 1))) {
      slots[name] = { shape: [...v.shape], values: (await v.data()) as Float32Array };
    }
    return { name: this.options.name, iteration: this.#iteration, slots };
  }

  setWeights(weights: OptimizerWeights): void {
    if (weights.name !== this.options.name) {
      throw new OptimizerError(
        `setWeights: state is for "${weights.name}", optimizer is "${this.options.name}"`,
      );
    }
    this.dispose();
    for (const [name, { shape, values }] of Object.entries(weights.slots)) {
      this.#slots.set(name, tf.tidy(() => tf.variable(tf.tensor(values, shape, "float32"), false)));
    }
    this.#iteration = weights.iteration;
  }

  dispose(): void {
    for (const v of this.#slots.values()) v.dispose();
    this.#slots.clear();
  }
}

/**
 * Create an optimizer.
 *
 * Adam: m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; w ← w − η m̂ / (√v̂ + ε), m̂ = m/(1 − β1^t),
 * v̂ = v/(1 − β2^t). SGD: b ← μ b + g; w ← w − η b (Nesterov: w ← w − η (g + μ b)).
 *
 * @example
 * const opt = createOptimizer({ name: "adam" });
 * opt.step(model.trainable, grads, { learningRate: 1e-3 });
 */
export function createOptimizer(options: OptimizerOptions | "adam" | "sgd"): Optimizer {
  return new SlotOptimizer(typeof options === "string" ? { name: options } : options);
}
