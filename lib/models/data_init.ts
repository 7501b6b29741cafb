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

/** A model {@linkcode initFromData} can rescale: a {@link CamModel} whose conv pre-activations can be visited (the zoo's). */
export interface DataInitModel extends Pick<CamModel, "config" | "trainable"> {
  /** One inference pass in which `visit` sees, and may replace, each conv's output before batch norm and ReLU. */
  visitPreActivations(
    images: tf.Tensor4D,
    visit: (layer: string, z: tf.Tensor4D) => tf.Tensor4D | void,
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
  /** Also centre the logits: classifier bias b ← b − mean over the batch of the logits. @default true */
  centerLogits?: boolean;
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
}

/**
 * Rescale `model`'s conv layers in place from one batch, in forward order and in one forward pass: for each conv (without batch
 * norm) with pre-activation z = x ⊛ W + b, per output channel c with μ_c, σ_c² the mean and (biased)
 * variance of z_c over batch and space, W_c ← W_c / σ_c and b_c ← (b_c − μ_c) / σ_c, σ_c = √(σ_c² + ε),
 * so that the new z_c has mean 0 and variance σ_c²/(σ_c² + ε) ≈ 1 on this batch. Then (by default)
 * the classifier bias b ← b − mean_i logits_i. Batch-norm convs are left as they are.
 *
 * @throws {ModelError} an empty batch, or images the model refuses.
 */
export async function initFromData(
  model: DataInitModel,
  images: tf.Tensor4D,
  options: DataInitOptions = {},
): Promise<DataInitRecord> {
  const { epsilon = 1e-5, centerLogits = true } = options;
  if (images.shape[0] < 1) throw new ModelError(model.config.name, "initFromData: empty batch");
  const sigmas: Record<string, tf.Tensor> = {};
  const trainable = model.trainable;
  const logits = model.visitPreActivations(images, (name, z) => {
    const kernel = trainable[`${name}/kernel`];
    const bias = trainable[`${name}/bias`];
    if (!kernel || !bias) return; // a batch-norm conv
    const { mean, variance } = tf.moments(z, [0, 1, 2]);
    const sigma = tf.sqrt(tf.add(variance, epsilon));
    kernel.assign(tf.div(kernel, sigma));
    bias.assign(tf.div(tf.sub(bias, mean), sigma));
    sigmas[name] = tf.keep(tf.mean(sigma));
    // What the rescaled layer gives, handed on so that the layers after it see their new inputs.
    return tf.div(tf.sub(z, mean), sigma) as tf.Tensor4D;
  });
  if (centerLogits) {
    const b = trainable["classifier/bias"];
    tf.tidy(() => b.assign(tf.sub(b, tf.mean(logits, 0))));
  }
  logits.dispose();
  const gains: Record<string, number> = {};
  for (const [name, t] of Object.entries(sigmas)) gains[name] = (await t.data())[0];
  tf.dispose(Object.values(sigmas));
  return { method: "data", layers: Object.keys(gains).length, samples: images.shape[0], gains };
}
