/**
 * The non-GAP baseline of Table 5: the same conv body with fully connected layers instead of GAP, as in
 * AlexNet/VGG (flatten → fc1 (ReLU) → fc2 → softmax). Its deep feature is fc1's output (the paper's fc7).
 */
import * as tf from "../tf.ts";
import type { ApplyOptions, ApplyResult, CamModel } from "../models/model.ts";
import { ProbeError } from "./errors.ts";

/** Options of {@linkcode fcHeadModel}. */
export interface FcHeadOptions {
  /** Units of the hidden fully connected layer fc1. @default 128 */
  hidden?: number;
  /** Seed of the Glorot-uniform initialisation of fc1 and fc2. @default 0 */
  seed?: number;
}

/**
 * Wrap a zoo backbone (its body up to the CAM layer) with a fully connected head. Trainable: the backbone's
 * variables except its `classifier/*`, plus `fc1/*` and `fc2/*`. Layers: the backbone's, plus `fc1` (capture it
 * for the deep feature: `gapFeatures(model, data, { layer: "fc1" })`). There is no CAM for this head:
 * `classifier()` throws. `dispose` frees the head and the backbone.
 *
 * @example
 * const fc = fcHeadModel(createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 10 }), { hidden: 64 });
 * await train(fc, { train: digits.train });
 */
export function fcHeadModel(backbone: CamModel, options: FcHeadOptions = {}): CamModel {
  const hidden = options.hidden ?? 128;
  const seed = options.seed ?? 0;
  const [h, w] = [backbone.config.inputShape[0], backbone.config.inputShape[1]];
  const probe = tf.tidy(() =>
    backbone.apply(tf.zeros([1, h, w, backbone.config.inputShape[2]])).features.shape
  );
  const flat = probe[1] * probe[2] * probe[3];
  const numClasses = backbone.config.numClasses;
  const glorot = (fanIn: number, fanOut: number, s: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.tidy(() => tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, "float32", s)));
  };
  const head = {
    "fc1/kernel": glorot(flat, hidden, seed * 2 + 1),
    "fc1/bias": tf.tidy(() => tf.variable(tf.zeros([hidden]))),
    "fc2/kernel": glorot(hidden, numClasses, seed * 2 + 2),
    "fc2/bias": tf.tidy(() => tf.variable(tf.zeros([numClasses]))),
  };
  const trainable: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(backbone.trainable)) if (!k.startsWith("classifier/")) trainable[k] = v;
  Object.assign(trainable, head);
  return {
    config: {
      ...backbone.config,
      name: `${backbone.config.name.replace(/-g[am]p$/, "")}-fc`,
      head: "fc",
      hidden,
    },
    trainable,
    state: backbone.state,
    layerNames: [...backbone.layerNames, "fc1"],
    convLayers: backbone.convLayers,
    camLayer: backbone.camLayer,
    apply(images: tf.Tensor4D, opts: ApplyOptions = {}): ApplyResult {
      const capture = opts.capture ?? [];
      return tf.tidy(() => {
        const out = backbone.apply(images, { ...opts, capture: capture.filter((c) => c !== "fc1") });
        const n = images.shape[0];
        let fc1 = tf.relu(
          tf.add(tf.matMul(tf.reshape(out.features, [n, flat]), head["fc1/kernel"]), head["fc1/bias"]),
        );
        if (opts.perturb?.fc1) fc1 = tf.add(fc1, opts.perturb.fc1);
        const logits = tf.add(
          tf.matMul(fc1 as tf.Tensor2D, head["fc2/kernel"]),
          head["fc2/bias"],
        ) as tf.Tensor2D;
        const activations = { ...out.activations, ...(capture.includes("fc1") ? { fc1 } : {}) };
        return { logits, features: out.features, activations };
      });
    },
    classifier(): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
      throw new ProbeError(this.config.name, "a fully connected head has no CAM classifier (no GAP)");
    },
    dispose() {
      for (const v of Object.values(head)) v.dispose();
      backbone.dispose();
    },
  };
}
