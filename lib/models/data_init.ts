/**
 * Data-dependent initialisation (Krähenbühl et al., 2016, "Data-dependent initializations of convolutional
 * neural networks", §3.1; the same step as weight normalisation's init, Salimans & Kingma, 2016): on a
 * batch of real inputs, each conv layer without batch norm is rescaled, in forward order, so that its
 * pre-activation has zero mean and unit variance per channel over the batch and space, and the classifier's
 * bias is set so that the batch's mean logits are zero.
 *
 * Why: a deep ReLU net without batch norm, He-initialised, maps every input to nearly the same GAP feature
 * vector (a large positive common part that grows or shrinks from layer to layer), so at the start the
 * logits of all images differ by a constant far larger than their image-to-image spread and training
 * first has to undo that. At 1/16 width GoogLeNet's per-layer fan-ins are tiny (1x1 convs over 1–16
 * channels), so the layer gains drift far from 1. This init gives the network the statistics batch norm
 * would have on that batch at step 0, without changing the architecture.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { CamModel } from "./model.ts";
import { ModelError } from "./errors.ts";

/**
 * A model {@linkcode initFromData} can rescale: a {@link CamModel} (2-D, images `[n, h, w, c]`) or a 3-D zoo
 * model (volumes `[n, d, h, w, c]`) whose conv pre-activations can be visited (the zoo's). Its head's bias is
 * `classifier/bias` (2-D) or `head/bias` (3-D).
 */
export interface DataInitModel extends Pick<CamModel, "trainable"> {
  readonly config: {
    name: string;
    /** 3-D models: "regress" for a regression head ŷ = s·(pool·W + b) + m. */
    head?: unknown;
    /** m of a regression head. */
    targetMean?: unknown;
    /** s of a regression head. */
    targetScale?: unknown;
    [key: string]: unknown;
  };
  /** One inference pass in which `visit` sees, and may replace, each conv's output before batch norm and ReLU. */
  visitPreActivations(
    images: tf.Tensor,
    visit: (layer: string, z: tf.Tensor) => tf.Tensor | void,
  ): tf.Tensor2D;
}

/** Whether `model` is a {@linkcode DataInitModel}. */
export function canInitFromData(model: object): model is DataInitModel {
  return typeof (model as Partial<DataInitModel>).visitPreActivations === "function";
}

/** Options of {@linkcode initFromData}. */
export interface DataInitOptions {
  /** ε in σ = √(var + ε). @default 1e-5 */
  epsilon?: number;
  /**
   * Also centre the head: classifier bias b ← b − mean over the batch of the logits; for a regression head
   * (ŷ = s·(pool·W + b) + m) b ← b − (mean ŷ − m)/s, so the batch's mean prediction is the target mean m.
   * @default true
   */
  centerLogits?: boolean;
  /**
   * Also scale the head (Krähenbühl et al.'s step on the last layer too): per output c, with σ_c the standard
   * deviation over the batch of u_c = pool·W_c + b_c (a regression head's standardised output),
   * W_c ← W_c / σ_c and b_c ← b_c / σ_c before centring, so each output varies by ~1 from input to input.
   * A GAP head over a large grid needs it: its pooled features hardly differ between inputs (cosine 0.9999 on
   * 48³ FA volumes), so its outputs start nearly equal and a fixed step size moves them slowly.
   * @default false
   */
  scaleLogits?: boolean;
}

/** What {@linkcode initFromData} did (recorded with a run). */
export interface DataInitRecord {
  method: "data";
  /** Conv layers rescaled (those without batch norm). */
  layers: number;
  /** Images in the batch. */
  samples: number;
  /** Per rescaled layer, the mean over channels of the pre-activation's standard deviation before the rescale. */
  gains: Record<string, number>;
  /** With `scaleLogits`: per head output, the standard deviation σ_c over the batch it was divided by. */
  headScale?: number[];
}

/**
 * Rescale `model`'s conv layers in place from one batch, in forward order and in one forward pass: for each conv (without batch
 * norm) with pre-activation z = x ⊛ W + b, per output channel c with μ_c, σ_c² the mean and (biased)
 * variance of z_c over batch and space (2-D or 3-D), W_c ← W_c / σ_c and b_c ← (b_c − μ_c) / σ_c,
 * σ_c = √(σ_c² + ε), so that the new z_c has mean 0 and variance σ_c²/(σ_c² + ε) ≈ 1 on this batch. Then (by
 * default) the head's bias b ← b − mean_i logits_i (a regression head: see `centerLogits`). Batch-norm convs
 * are left as they are.
 *
 * @example
 * const model = createModel3d("small3d-gap", { inputShape: [24, 24, 24, 1] });
 * await initFromData(model, volumes); // volumes: [n, 24, 24, 24, 1] training inputs
 *
 * @throws {ModelError} an empty batch, or images the model refuses.
 */
export async function initFromData(
  model: DataInitModel,
  images: tf.Tensor4D | tf.Tensor5D,
  options: DataInitOptions = {},
): Promise<DataInitRecord> {
  const { epsilon = 1e-5, centerLogits = true, scaleLogits = false } = options;
  if (images.shape[0] < 1) throw new ModelError(model.config.name, "initFromData: empty batch");
  const sigmas: Record<string, tf.Tensor> = {};
  const trainable = model.trainable;
  const logits = model.visitPreActivations(images, (name, z) => {
    const kernel = trainable[`${name}/kernel`];
    const bias = trainable[`${name}/bias`];
    if (!kernel || !bias) return; // a batch-norm conv
    // Per channel (the last axis), over batch and every spatial axis.
    const { mean, variance } = tf.moments(z, Array.from({ length: z.rank - 1 }, (_, i) => i));
    const sigma = tf.sqrt(tf.add(variance, epsilon));
    kernel.assign(tf.div(kernel, sigma));
    bias.assign(tf.div(tf.sub(bias, mean), sigma));
    sigmas[name] = tf.keep(tf.mean(sigma));
    // What the rescaled layer gives, handed on so that the layers after it see their new inputs.
    return tf.div(tf.sub(z, mean), sigma);
  });
  const b = trainable["classifier/bias"] ?? trainable["head/bias"];
  const w = trainable["classifier/kernel"] ?? trainable["head/kernel"];
  const { head, targetMean, targetScale } = model.config;
  // u = pool·W + b: the head's own output (a regression head's ŷ = s·u + m, standardised back).
  let u = head === "regress"
    ? tf.tidy(() => tf.div(tf.sub(logits, Number(targetMean)), Number(targetScale)))
    : tf.clone(logits);
  let headScale: number[] | undefined;
  if (scaleLogits) {
    const sigma = tf.tidy(() => tf.sqrt(tf.add(tf.moments(u, 0).variance, epsilon)));
    headScale = Array.from(await sigma.data());
    tf.tidy(() => {
      w.assign(tf.div(w, sigma));
      b.assign(tf.div(b, sigma));
    });
    const scaled = tf.div(u, sigma);
    tf.dispose([u, sigma]);
    u = scaled;
  }
  if (centerLogits) tf.tidy(() => b.assign(tf.sub(b, tf.mean(u, 0))));
  u.dispose();
  logits.dispose();
  const gains: Record<string, number> = {};
  for (const [name, t] of Object.entries(sigmas)) gains[name] = (await t.data())[0];
  tf.dispose(Object.values(sigmas));
  return {
    method: "data",
    layers: Object.keys(gains).length,
    samples: images.shape[0],
    gains,
    ...(headScale ? { headScale } : {}),
  };
}
