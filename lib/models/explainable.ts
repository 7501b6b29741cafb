/**
 * The one contract the CAM family (lib/cam) explains: named layers whose outputs a forward pass can capture
 * and perturb, the default CAM layer, pre-softmax class scores, and — where the head is global pooling →
 * dense — the classifier's weights. The zoo's {@link CamModel} honours it (training's variables and state
 * extend it there); lib/foreign's `fromLayersModel` / `fromGraphModel` make any TensorFlow.js model honour it.
 * It lives on this low floor so that lib/models can extend it; lib/cam re-exports it.
 *
 * Layout is channels-last: images are `[batch, height, width, channels]` (2-D) or
 * `[batch, depth, height, width, channels]` (3-D), and so are the maps of the layers CAM explains.
 *
 * @module
 */
import type * as tf from "../tf.ts";

/** What a model says about itself, for records and error messages. */
export interface ExplainableConfig {
  /** Name in records and error messages. */
  readonly name: string;
  /** Global pooling of the head (`"gap"`, `"gmp"`), when there is one. @default unknown */
  readonly pooling?: string;
  /** Anything else (class count, input shape, where the model came from, ...). */
  readonly [key: string]: unknown;
}

/** Options of one explaining forward pass (always in inference mode). */
export interface ExplainOptions {
  /** Names of layers (from `layerNames`) whose outputs to return in `activations`. @default [] */
  capture?: string[];
  /**
   * Tensors added to the named layers' outputs before the forward pass goes on. The gradient of any output
   * with respect to such an (all-zero) tensor is the gradient with respect to that layer's output, which is
   * how Grad-CAM reaches any layer. @default {}
   */
  perturb?: Record<string, tf.Tensor>;
}

/** What one explaining forward pass returns; the caller owns the tensors. */
export interface ExplainOutput {
  /**
   * Class scores before softmax, `[batch, numClasses]`. A model that only outputs probabilities and has no
   * pre-softmax tensor gives log-probabilities here (its `config.scores` says so): the same arg-max, and
   * gradients ∂log p_c = ∂y_c − Σ_j p_j ∂y_j.
   */
  logits: tf.Tensor2D;
  /** Outputs of the layers named in `capture`. */
  activations: Record<string, tf.Tensor>;
}

/** A classification network the CAM family can explain. */
export interface Explainable {
  readonly config: ExplainableConfig;
  /** Layer names `capture` and `perturb` accept, in forward order. */
  readonly layerNames: readonly string[];
  /** The default layer of every CAM method: the map fed to global pooling when the head is pool → dense. */
  readonly camLayer: string;
  /** Forward pass in inference mode. The caller owns the returned tensors. */
  apply(images: tf.Tensor, options?: ExplainOptions): ExplainOutput;
  /**
   * Classifier weights W `[K, numClasses]` and bias b `[numClasses]` after global pooling of the CAM layer
   * (logits = pool(A)·W + b), which plain CAM needs; absent (or throwing a typed error that says why) when
   * the head is not pool → dense. Call inside `tf.tidy` and never dispose the results by hand.
   */
  classifier?(): { weights: tf.Tensor2D; bias: tf.Tensor1D };
}
