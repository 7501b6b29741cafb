/** A CamModel around a fixed (not trainable here) forward function with named layers. */
import * as tf from "../tf.ts";
import type { ApplyOptions, ApplyResult, CamModel, ModelConfig } from "../models/model.ts";
import { ForeignModelError } from "./errors.ts";

/** Called on every named layer output: adds the perturbation and records a capture. */
export type LayerHook = (name: string, output: tf.Tensor) => tf.Tensor;

/** The forward pass up to the CAM layer's map and the pooled logits. */
export type ForwardFn = (input: tf.Tensor4D, hook: LayerHook) => { features: tf.Tensor4D };

/** What a {@linkcode FixedCamModel} is made of. */
export interface FixedModelParts {
  config: ModelConfig;
  layerNames: string[];
  convLayers: string[];
  camLayer: string;
  /** Every weight, owned by the model (freed by `dispose`). */
  state: Record<string, tf.Variable>;
  /** Classifier weights `[K, C]` and bias `[C]`: logits = GAP(features)·W + b. */
  classifierWeights: tf.Variable;
  classifierBias: tf.Variable;
  forward: ForwardFn;
}

/**
 * A pretrained network as a {@linkcode CamModel}: `apply` runs the fixed forward function, logits are
 * GAP(features)·W + b, `capture`/`perturb` reach every named layer. Nothing is trainable.
 */
export class FixedCamModel implements CamModel {
  readonly config: ModelConfig;
  readonly trainable: Record<string, tf.Variable> = {};
  readonly state: Record<string, tf.Variable>;
  readonly layerNames: string[];
  readonly convLayers: string[];
  readonly camLayer: string;
  readonly #w: tf.Variable;
  readonly #b: tf.Variable;
  readonly #forward: ForwardFn;

  constructor(parts: FixedModelParts) {
    this.config = parts.config;
    this.state = parts.state;
    this.layerNames = parts.layerNames;
    this.convLayers = parts.convLayers;
    this.camLayer = parts.camLayer;
    this.#w = parts.classifierWeights;
    this.#b = parts.classifierBias;
    this.#forward = parts.forward;
  }

  apply(images: tf.Tensor4D, options: ApplyOptions = {}): ApplyResult {
    const [h, w, c] = this.config.inputShape;
    if (images.rank !== 4 || images.shape[1] !== h || images.shape[2] !== w || images.shape[3] !== c) {
      throw new ForeignModelError(
        this.config.name,
        `input must be [n, ${h}, ${w}, ${c}], got [${images.shape}]`,
      );
    }
    const capture = new Set(options.capture ?? []);
    const perturb = options.perturb ?? {};
    for (const name of [...capture, ...Object.keys(perturb)]) {
      if (!this.layerNames.includes(name)) {
        throw new ForeignModelError(
          this.config.name,
          `no layer named ${name} (layers: ${this.layerNames.join(", ")})`,
        );
      }
    }
    // One tidy: only the returned tensors outlive the call (the caller owns them).
    return tf.tidy(() => {
      const activations: Record<string, tf.Tensor> = {};
      const hook: LayerHook = (name, output) => {
        const out = perturb[name] ? tf.add(output, perturb[name]) : output;
        if (capture.has(name)) activations[name] = out;
        return out;
      };
      const { features } = this.#forward(images, hook);
      const pooled = tf.mean(features, [1, 2]) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(pooled, this.#w), this.#b) as tf.Tensor2D;
      return { logits, features, activations };
    });
  }

  classifier(): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
    return { weights: this.#w as unknown as tf.Tensor2D, bias: this.#b as unknown as tf.Tensor1D };
  }

  dispose(): void {
    for (const v of Object.values(this.state)) v.dispose();
    this.#w.dispose();
    this.#b.dispose();
  }
}

/** A pretrained CAM model plus the names of its classes. */
export interface PretrainedCamModel extends FixedCamModel {
  /** Class names in logit order. */
  readonly labels: readonly string[];
  /** The layer Grad-CAM is shown at by default (the last wide conv map). */
  readonly gradCamLayer: string;
}

/** A frozen variable from a decoded weight. */
export function constVariable(values: Float32Array | Int32Array, shape: number[]): tf.Variable {
  return tf.tidy(() =>
    tf.variable(tf.tensor(values, shape, values instanceof Int32Array ? "int32" : "float32"), false)
  );
}
