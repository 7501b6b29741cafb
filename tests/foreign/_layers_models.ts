/**
 * Small tf.LayersModels trained in the tests (cpu backend, seeded initialisers, no shuffling): a 2-D net
 * that tells a blob on the left from one on the right, and a 3-D net that tells a blob in the front half of
 * a volume from one in the back half.
 */
import * as tf from "../../lib/tf.ts";
import * as tfl from "@tensorflow/tfjs-layers";
import { Rng } from "../../lib/rng.ts";

const seeded = (seed: number) => ({
  kernelInitializer: tfl.initializers.glorotUniform({ seed }),
});

/** conv1 (8, 3x3, ReLU) → pool1 (2x2 max) → conv2 (8, 3x3, ReLU) → gap → fc (2, softmax); input 12x12x1. */
export function net2d(name = "blobs-2d"): tfl.LayersModel {
  return tfl.sequential({
    name,
    layers: [
      tfl.layers.conv2d({
        inputShape: [12, 12, 1],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        name: "conv1",
        ...seeded(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: "pool1" }),
      tfl.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        name: "conv2",
        ...seeded(2),
      }),
      tfl.layers.globalAveragePooling2d({ name: "gap" }),
      tfl.layers.dense({ units: 2, activation: "softmax", name: "fc", ...seeded(3) }),
    ],
  });
}

/**
 * conv1 (4, 3³, ReLU) → pool1 (2³ max) → conv2 (6, 3³, ReLU) → gap (4³ average pooling, the whole map) →
 * flat → fc (2, softmax); input 8x8x8x1. TensorFlow.js has no GlobalAveragePooling3D: a whole-map average
 * pooling and a flatten are its global pooling.
 */
export function net3d(name = "blobs-3d"): tfl.LayersModel {
  return tfl.sequential({
    name,
    layers: [
      tfl.layers.conv3d({
        inputShape: [8, 8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        name: "conv1",
        ...seeded(4),
      }),
      tfl.layers.maxPooling3d({ poolSize: 2, name: "pool1" }),
      tfl.layers.conv3d({
        filters: 6,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        name: "conv2",
        ...seeded(5),
      }),
      tfl.layers.averagePooling3d({ poolSize: 4, name: "gap" }),
      tfl.layers.flatten({ name: "flat" }),
      tfl.layers.dense({ units: 2, activation: "softmax", name: "fc", ...seeded(6) }),
    ],
  });
}

/** Blob images (2-D: [n, 12, 12, 1]) or volumes (3-D: [n, 8, 8, 8, 1]): class 0 left/front, 1 right/back. */
export function blobs<R extends 2 | 3>(
  rank: R,
  n: number,
  seed: number,
): { x: R extends 2 ? tf.Tensor4D : tf.Tensor5D; labels: number[]; centres: number[][] } {
  const rng = new Rng(seed);
  const dims = rank === 2 ? [12, 12] : [8, 8, 8];
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n * size);
  const labels: number[] = [], centres: number[][] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    // The first axis (columns in 2-D, depth in 3-D) carries the class; a 2-wide blob.
    const half = dims[0] / 2;
    const along = label * half + 1 + rng.int(half - 3);
    const centre = dims.map((d, a) => (a === (rank === 2 ? 1 : 0) ? along : 1 + rng.int(d - 3)));
    for (let p = 0; p < size; p++) data[i * size + p] = 0.1 * rng.float();
    const at = (c: number[]) => c.reduce((s, v, a) => s * dims[a] + v, 0);
    const offsets = rank === 2
      ? [[0, 0], [0, 1], [1, 0], [1, 1]]
      : [0, 1].flatMap((a) => [[0, 0], [0, 1], [1, 0], [1, 1]].map(([b, c]) => [a, b, c]));
    for (const o of offsets) data[i * size + at(centre.map((v, a) => v + o[a]))] = 1;
    labels.push(label);
    centres.push(centre);
  }
  const x = tf.tensor(data, [n, ...dims, 1] as number[]) as unknown as R extends 2 ? tf.Tensor4D
    : tf.Tensor5D;
  return { x, labels, centres };
}

/** Train with Adam on one-hot labels (full batches of 16, no shuffling), then return the training accuracy. */
export async function fit(
  model: tfl.LayersModel,
  x: tf.Tensor,
  labels: number[],
  epochs: number,
): Promise<number> {
  const optimizer = tf.train.adam(0.02); // ours to free: tfjs-layers frees only optimizers it made from a name
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 2));
  await model.fit(x, y, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
  const predicted = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1));
  const top = await predicted.data();
  tf.dispose([y, predicted]);
  optimizer.dispose();
  return labels.filter((l, i) => top[i] === l).length / labels.length;
}
