/**
 * The contract every network in the model zoo honours, so that training (lib/train) and the CAM family
 * (lib/cam) work with any backbone.
 *
 * Layout is NHWC (TensorFlow.js's native layout): images are `[batch, height, width, channels]`.
 *
 * @module
 */
import type * as tf from "../tf.ts";
import type { Explainable } from "./explainable.ts";

/** Global pooling between the last conv map and the classifier. */
export type Pooling = "gap" | "gmp";

/** What a model was built from; enough to rebuild it. */
export interface ModelConfig {
  /** Registry name, e.g. "alexnet-gap". */
  name: string;
  /** Input `[height, width, channels]`. */
  inputShape: [number, number, number];
  /** Number of classes of the softmax classifier. */
  numClasses: number;
  /** GAP or GMP head. */
  pooling: Pooling;
  /** Channel width multiplier (1 = paper size). */
  widthMultiplier: number;
  /** Any further architecture options (dropout rate, batch norm, ...). */
  [key: string]: unknown;
}

/** Options of one forward pass. */
export interface ApplyOptions {
  /** Training mode: dropout on, batch-norm uses and updates batch statistics. @default false */
  training?: boolean;
  /**
   * Weight m of this pass's batch statistics in the moving ones (training mode):
   * moving ← (1 − m)·moving + m·batch. lib/train's `recalibrateBatchNorm` passes 1/(k + 1) on its k-th batch,
   * so that the moving statistics become the plain mean over its batches. @default the model's `bnMomentum`
   */
  bnMomentum?: number;
  /** Names of layers (from `layerNames`) whose outputs to return in `activations`. @default [] */
  capture?: string[];
  /**
   * Tensors added to the named layers' outputs before the forward pass goes on. Gradients of any output
   * with respect to such an (all-zero) tensor equal the gradients with respect to that layer's output, which
   * is how Grad-CAM reaches any layer. @default {}
   */
  perturb?: Record<string, tf.Tensor>;
  /**
   * Seed of this pass's random draws (dropout masks in training mode): with it, the mask depends on
   * `(model seed, seed)` only; without it, on the model's own running stream. @default undefined
   */
  seed?: number;
  /**
   * Index of this pass's first image within the batch that `seed` belongs to: the dropout draws of the
   * images before it are skipped, so that the micro-batches of one batch get exactly the masks the whole
   * batch would. Without `seed` the running stream already continues from one pass to the next. @default 0
   */
  sampleOffset?: number;
}

/** What one forward pass returns. */
export interface ApplyResult {
  /** Class scores before softmax, `[batch, numClasses]`. */
  logits: tf.Tensor2D;
  /** The CAM layer's output (last conv map, before pooling), `[batch, h, w, K]`. */
  features: tf.Tensor4D;
  /** Outputs of the layers named in `capture`. */
  activations: Record<string, tf.Tensor>;
}

/** A GAP/GMP classification network: an {@link Explainable} plus what training needs (variables, state). */
export interface CamModel extends Explainable {
  readonly config: ModelConfig;
  /** Trainable variables, by unique name. */
  readonly trainable: Record<string, tf.Variable>;
  /** Non-trainable state (batch-norm moving statistics), by unique name. */
  readonly state: Record<string, tf.Variable>;
  /** Layer names in forward order that `capture`/`perturb` accept; conv layers are listed in `convLayers`. */
  readonly layerNames: string[];
  /** Names of the conv (and inception-block) outputs, in order; the last is the CAM layer. */
  readonly convLayers: string[];
  /** Name of the CAM layer (the map fed to global pooling). */
  readonly camLayer: string;
  /** Forward pass. The caller owns the returned tensors. */
  apply(images: tf.Tensor4D, options?: ApplyOptions): ApplyResult;
  /**
   * Classifier weights W `[K, numClasses]` and bias b `[numClasses]` (logits = pool(features)·W + b).
   * Call inside `tf.tidy` and never dispose the results by hand: an implementation may return the live
   * variables (which tidy leaves alone) or new handles on them (the zoo returns `tf.clone`s, which tidy frees).
   */
  classifier(): { weights: tf.Tensor2D; bias: tf.Tensor1D };
  /** Free every variable. */
  dispose(): void;
}
