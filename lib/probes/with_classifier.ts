/** A CamModel whose classifier is replaced (by a linear SVM's, a concept detector's, ...). */
import * as tf from "../tf.ts";
import type { ApplyOptions, ApplyResult, CamModel, ModelConfig } from "../models/model.ts";
import { ProbeError } from "./errors.ts";

/**
 * The same network with another linear classifier on its GAP features: logits = GAP(f)·W + b with W
 * `[K, C']`, b `[C']` (row-major arrays, e.g. {@linkcode LinearSvm}'s `weights` and `bias`). CAM on the result
 * is the paper's "generic discriminative localization" (Sec. 4.1, Fig. 8): M_c = Σ_k w_k^c f_k with the
 * SVM's w. Only the classifier's two tensors are new; `dispose` frees them, not the wrapped model.
 *
 * @example
 * const svmModel = withClassifier(model, svm.weights, svm.bias);
 * const maps = await cam(svmModel, images, { classIndex: labels });
 */
export function withClassifier(
  model: CamModel,
  weights: Float32Array,
  bias: Float32Array,
): CamModel & { readonly base: CamModel } {
  const numClasses = bias.length;
  if (numClasses === 0 || weights.length % numClasses !== 0) {
    throw new ProbeError("withClassifier", `${weights.length} weights do not form [K, ${numClasses}]`);
  }
  const k = weights.length / numClasses;
  // Variables: a tf.tidy around this call must not free them; the tidy here frees the source tensors.
  const w = tf.tidy(() =>
    tf.variable(tf.tensor2d(weights, [k, numClasses]), false)
  ) as unknown as tf.Tensor2D;
  const b = tf.tidy(() => tf.variable(tf.tensor1d(bias), false)) as unknown as tf.Tensor1D;
  const config: ModelConfig = { ...model.config, numClasses, name: `${model.config.name}+linear` };
  return {
    base: model,
    config,
    trainable: {},
    state: model.state,
    layerNames: model.layerNames,
    convLayers: model.convLayers,
    camLayer: model.camLayer,
    apply(images: tf.Tensor4D, options: ApplyOptions = {}): ApplyResult {
      return tf.tidy(() => {
        const out = model.apply(images, options);
        if (out.features.shape[3] !== k) {
          throw new ProbeError(
            "withClassifier",
            `the classifier has ${k} inputs but ${model.config.name}'s CAM layer has ${
              out.features.shape[3]
            } channels`,
          );
        }
        const logits = tf.add(tf.matMul(tf.mean(out.features, [1, 2]) as tf.Tensor2D, w), b) as tf.Tensor2D;
        return { logits, features: out.features, activations: out.activations };
      });
    },
    classifier() {
      return { weights: w, bias: b };
    },
    dispose() {
      w.dispose();
      b.dispose();
    },
  };
}
