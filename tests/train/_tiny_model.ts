/**
 * A tiny CamModel for tests, fully under the tests' control (zoo_test.ts covers lib/models' small network):
 * conv3x3 → ReLU → conv3x3 → ReLU (CAM layer) → GAP/GMP → dropout (seeded from ApplyOptions.seed) → dense.
 */
import * as tf from "../../lib/tf.ts";
import type { ApplyOptions, ApplyResult, CamModel, ModelConfig, Pooling } from "../../lib/models/model.ts";

export interface TinyOptions {
  inputShape?: [number, number, number];
  numClasses?: number;
  pooling?: Pooling;
  width?: number;
  dropout?: number;
  seed?: number;
}

export function tinyModel(options: TinyOptions = {}): CamModel {
  const { inputShape = [16, 16, 1], numClasses = 2, pooling = "gap", width = 8, dropout = 0, seed = 1 } =
    options;
  const c = inputShape[2];
  const he = (shape: number[], fanIn: number, s: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", s), true);
  const trainable: Record<string, tf.Variable> = {
    "conv1/kernel": he([3, 3, c, width], 9 * c, seed),
    "conv1/bias": tf.variable(tf.zeros([width]), true),
    "conv2/kernel": he([3, 3, width, width], 9 * width, seed + 1),
    "conv2/bias": tf.variable(tf.zeros([width]), true),
    "fc/kernel": he([width, numClasses], width, seed + 2),
    "fc/bias": tf.variable(tf.zeros([numClasses]), true),
  };
  const config: ModelConfig = {
    name: `tiny-${pooling}`,
    inputShape,
    numClasses,
    pooling,
    widthMultiplier: 1,
    dropout,
  };
  return {
    config,
    trainable,
    state: {},
    layerNames: ["conv1", "conv2", "pool", "fc"],
    convLayers: ["conv1", "conv2"],
    camLayer: "conv2",
    apply(images: tf.Tensor4D, opts: ApplyOptions = {}): ApplyResult {
      const activations: Record<string, tf.Tensor> = {};
      const capture = new Set(opts.capture ?? []);
      const h1 = tf.relu(
        tf.add(
          tf.conv2d(images, trainable["conv1/kernel"] as tf.Tensor4D, 1, "same"),
          trainable["conv1/bias"],
        ),
      );
      if (capture.has("conv1")) activations.conv1 = h1;
      const features = tf.relu(
        tf.add(
          tf.conv2d(h1 as tf.Tensor4D, trainable["conv2/kernel"] as tf.Tensor4D, 1, "same"),
          trainable["conv2/bias"],
        ),
      ) as tf.Tensor4D;
      if (capture.has("conv2")) activations.conv2 = features;
      let pooled = (pooling === "gap" ? tf.mean(features, [1, 2]) : tf.max(features, [1, 2])) as tf.Tensor2D;
      if (opts.training && dropout > 0) {
        pooled = tf.dropout(pooled, dropout, undefined, opts.seed ?? 0) as tf.Tensor2D;
      }
      const logits = tf.add(
        tf.matMul(pooled, trainable["fc/kernel"] as tf.Tensor2D),
        trainable["fc/bias"],
      ) as tf.Tensor2D;
      return { logits, features, activations };
    },
    classifier() {
      return { weights: trainable["fc/kernel"] as tf.Tensor2D, bias: trainable["fc/bias"] as tf.Tensor1D };
    },
    dispose() {
      for (const v of Object.values(trainable)) v.dispose();
    },
  };
}
