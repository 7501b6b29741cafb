/**
 * Hand-built tiny CamModels with known weights: the oracles of the CAM tests (by-hand sums are possible).
 * They honour the CamModel contract of lib/models/model.ts: NHWC, conv layers named conv1, conv2, ...
 * (after their ReLU), an optional 2x2 max pool "pool<i>" after a conv, GAP or GMP, dense classifier.
 */
import * as tf from "../../lib/tf.ts";
import type { ApplyOptions, ApplyResult, CamModel, ModelConfig, Pooling } from "../../lib/models/model.ts";

export interface TinyConv {
  /** Kernel, row-major [kh, kw, cin, cout]. */
  kernel: number[];
  shape: [number, number, number, number];
  bias?: number[];
  /** @default true */
  relu?: boolean;
  /** 2x2 max pool after this conv (layer "pool<i>"). @default false */
  pool?: boolean;
}

export interface TinySpec {
  name?: string;
  inputShape: [number, number, number];
  convs: TinyConv[];
  /** Dense classifier W, row-major [K, C], and bias [C]. */
  classifier: { weights: number[]; bias?: number[] };
  numClasses: number;
  pooling: Pooling;
}

export function tinyModel(spec: TinySpec): CamModel {
  const trainable: Record<string, tf.Variable> = {};
  const layerNames: string[] = [];
  const convLayers: string[] = [];
  spec.convs.forEach((c, i) => {
    trainable[`conv${i + 1}/kernel`] = tf.variable(tf.tensor4d(c.kernel, c.shape));
    trainable[`conv${i + 1}/bias`] = tf.variable(tf.tensor1d(c.bias ?? new Array(c.shape[3]).fill(0)));
    layerNames.push(`conv${i + 1}`);
    convLayers.push(`conv${i + 1}`);
    if (c.pool) layerNames.push(`pool${i + 1}`);
  });
  const k = spec.convs[spec.convs.length - 1].shape[3];
  trainable["fc/weights"] = tf.variable(tf.tensor2d(spec.classifier.weights, [k, spec.numClasses]));
  trainable["fc/bias"] = tf.variable(tf.tensor1d(spec.classifier.bias ?? new Array(spec.numClasses).fill(0)));
  const config: ModelConfig = {
    name: spec.name ?? `tiny-${spec.pooling}`,
    inputShape: spec.inputShape,
    numClasses: spec.numClasses,
    pooling: spec.pooling,
    widthMultiplier: 1,
  };
  const camLayer = convLayers[convLayers.length - 1];
  return {
    config,
    trainable,
    state: {},
    layerNames,
    convLayers,
    camLayer,
    apply(images: tf.Tensor4D, options: ApplyOptions = {}): ApplyResult {
      const capture = options.capture ?? [];
      const perturb = options.perturb ?? {};
      return tf.tidy(() => {
        const activations: Record<string, tf.Tensor> = {};
        const out = (name: string, x: tf.Tensor4D): tf.Tensor4D => {
          const y = perturb[name] ? tf.add(x, perturb[name]) as tf.Tensor4D : x;
          if (capture.includes(name)) activations[name] = y;
          return y;
        };
        let x = images;
        let features = images;
        spec.convs.forEach((c, i) => {
          const z = tf.add(
            tf.conv2d(x, trainable[`conv${i + 1}/kernel`] as tf.Tensor4D, 1, "same"),
            trainable[`conv${i + 1}/bias`],
          ) as tf.Tensor4D;
          x = out(`conv${i + 1}`, c.relu === false ? z : tf.relu(z));
          if (`conv${i + 1}` === camLayer) features = x;
          if (c.pool) x = out(`pool${i + 1}`, tf.maxPool(x, 2, 2, "valid"));
        });
        const pooled = spec.pooling === "gap" ? tf.mean(features, [1, 2]) : tf.max(features, [1, 2]);
        const logits = tf.add(
          tf.matMul(pooled, trainable["fc/weights"]),
          trainable["fc/bias"],
        ) as tf.Tensor2D;
        return { logits, features, activations };
      });
    },
    classifier() {
      return { weights: trainable["fc/weights"] as tf.Tensor2D, bias: trainable["fc/bias"] as tf.Tensor1D };
    },
    dispose() {
      for (const v of Object.values(trainable)) v.dispose();
    },
  };
}

/** Deterministic uniform numbers in [-1, 1) (mulberry32). */
export function seededValues(seed: number, count: number): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  return out;
}

/** A seeded random net: conv3x3(c→4) pool conv3x3(4→6) → GAP/GMP → dense(3), input 8x8xc. */
export function seededModel(seed: number, pooling: Pooling = "gap", channels = 1): CamModel {
  return tinyModel({
    name: `seeded-${pooling}`,
    inputShape: [8, 8, channels],
    numClasses: 3,
    pooling,
    convs: [
      {
        kernel: seededValues(seed, 9 * channels * 4),
        shape: [3, 3, channels, 4],
        bias: seededValues(seed + 1, 4),
        pool: true,
      },
      {
        kernel: seededValues(seed + 2, 9 * 4 * 6),
        shape: [3, 3, 4, 6],
        bias: seededValues(seed + 3, 6).map((v) => v * 0.1 + 0.2),
      },
    ],
    classifier: { weights: seededValues(seed + 4, 6 * 3), bias: seededValues(seed + 5, 3) },
  });
}

/** Seeded images [n, 8, 8, c] with values in [0, 1). */
export function seededImages(seed: number, n: number, channels = 1, size = 8): tf.Tensor4D {
  return tf.tensor4d(seededValues(seed, n * size * size * channels).map((v) => (v + 1) / 2), [
    n,
    size,
    size,
    channels,
  ]);
}
