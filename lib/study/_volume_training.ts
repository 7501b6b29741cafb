// The 3-D study's fit loop: whole volumes, a classify or regress head, Adam (lib/train's optimizer), seeded
// shuffling and 3-D augmentation; plus the guard that refuses a backend whose 3-D kernels are wrong.
import * as tf from "../tf.ts";
import { type Augment3dOptions, augmentVolume, Rng, type VolumeDims } from "../data/mod.ts";
import { ModelError, type ZooModel3d } from "../models/mod.ts";
import { createOptimizer, softmaxCrossEntropy } from "../train/mod.ts";

/** One whole volume (DHW, one channel) with its class and age. */
export interface VolumeSample {
  volume: Float32Array;
  /** `[depth, height, width]`. */
  shape: readonly [number, number, number];
  label: number;
  /** Age, years (the regression target). */
  age: number;
  subject: string;
  acquisition: string;
}

/** Options of {@linkcode trainVolumes}. */
export interface TrainVolumesOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** 3-D augmentation of training volumes, or false. */
  augment: Augment3dOptions | false;
  /** Called after each epoch with its mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Pack volumes into one `[n, D, H, W, 1]` tensor. */
export function volumeTensor(samples: readonly VolumeSample[], volumes?: Float32Array[]): tf.Tensor5D {
  const [d, h, w] = samples[0].shape;
  const size = d * h * w;
  const data = new Float32Array(samples.length * size);
  samples.forEach((s, i) => data.set(volumes?.[i] ?? s.volume, i * size));
  return tf.tensor5d(data, [samples.length, d, h, w, 1]);
}

/**
 * Train a 3-D model. Loss: softmax cross-entropy (classify), or mean((ŷ − y)² / s²) with s the model's
 * `targetScale` (regress: the squared error of the standardised target). Returns each epoch's mean loss.
 */
export async function trainVolumes(
  model: ZooModel3d,
  samples: readonly VolumeSample[],
  options: TrainVolumesOptions,
): Promise<{ epoch: number; loss: number; seconds: number }[]> {
  const optimizer = createOptimizer("adam");
  const rng = new Rng(options.seed);
  const varKey = new Map(Object.entries(model.trainable).map(([k, v]) => [v.name, k]));
  const varList = Object.values(model.trainable);
  const history: { epoch: number; loss: number; seconds: number }[] = [];
  const regress = model.config.head === "regress";
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const t0 = performance.now();
      const order = rng.shuffle(Int32Array.from({ length: samples.length }, (_, i) => i));
      let lossSum = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        const batch = Array.from(order.slice(start, start + options.batchSize), (i) => samples[i]);
        const [d, h, w] = batch[0].shape;
        const dims: VolumeDims = { depth: d, height: h, width: w, channels: 1 };
        const volumes = options.augment
          ? batch.map((s) => augmentVolume(s.volume, dims, { ...(options.augment as Augment3dOptions), rng }))
          : undefined;
        const loss = tf.tidy(() => {
          const x = volumeTensor(batch, volumes);
          const { value, grads } = tf.variableGrads(() => {
            const { logits } = model.apply(x, { training: true });
            if (!regress) return softmaxCrossEntropy(logits, Int32Array.from(batch, (s) => s.label));
            const y = tf.tensor2d(Float32Array.from(batch, (s) => s.age), [batch.length, 1]);
            return tf.mean(tf.square(tf.div(tf.sub(logits, y), model.config.targetScale))) as tf.Scalar;
          }, varList);
          const byKey: Record<string, tf.Tensor> = {};
          for (const [name, g] of Object.entries(grads)) byKey[varKey.get(name)!] = g;
          optimizer.step(model.trainable, byKey, { learningRate: options.learningRate });
          return value;
        });
        lossSum += (await loss.data())[0] * batch.length;
        loss.dispose();
      }
      const mean = lossSum / samples.length;
      history.push({ epoch, loss: mean, seconds: (performance.now() - t0) / 1000 });
      options.onEpoch?.(epoch, mean);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/** Head outputs of every sample, `[n, outputs]` row-major, in passes of `batchSize`. */
export async function predictVolumes(
  model: ZooModel3d,
  samples: readonly VolumeSample[],
  batchSize: number,
): Promise<Float32Array> {
  const k = model.config.numClasses;
  const out = new Float32Array(samples.length * k);
  for (let start = 0; start < samples.length; start += batchSize) {
    const batch = samples.slice(start, start + batchSize);
    const logits = tf.tidy(() => model.apply(volumeTensor(batch)).logits);
    out.set(await logits.data(), start * k);
    logits.dispose();
  }
  return out;
}

/**
 * Check the current backend's 3-D kernels on a tiny case against closed forms before training on them: the
 * input gradient of Σ conv3d(x, W) ("same", stride 1) is at voxel p the sum of W's taps that reach an output
 * inside the volume; max pooling 2³/2 of a ramp is the ramp at each window's far corner. Stock wasm gets both
 * wrong (issue 17); a wrong kernel is a ModelError naming the backend, never a silently wrong model.
 */
export async function checkConv3dKernels(where: string): Promise<void> {
  const n = 4, k = 3;
  const wValues = Float32Array.from({ length: k ** 3 }, (_, i) => ((i * 7) % 11) / 10 - 0.4);
  const [grad, pooled] = tf.tidy(() => {
    const x = tf.zeros([1, n, n, n, 1]) as tf.Tensor5D;
    const w = tf.tensor5d(wValues, [k, k, k, 1, 1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.conv3d(v as tf.Tensor5D, w, 1, "same")))(x);
    const ramp = tf.tensor5d(Float32Array.from({ length: n ** 3 }, (_, i) => i), [1, n, n, n, 1]);
    return [g, tf.maxPool3d(ramp, 2, 2, "same")];
  });
  const g = await grad.data(), p = await pooled.data();
  tf.dispose([grad, pooled]);
  let worst = 0;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        // out(q) = Σ_t x(q + t − 1) W(t): x(p) reaches out(q) for q = p − t + 1 inside the volume.
        let s = 0;
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            for (let c = 0; c < k; c++) {
              const qz = z - a + 1, qy = y - b + 1, qx = x - c + 1;
              if (qz >= 0 && qz < n && qy >= 0 && qy < n && qx >= 0 && qx < n) {
                s += wValues[(a * k + b) * k + c];
              }
            }
          }
        }
        worst = Math.max(worst, Math.abs(g[(z * n + y) * n + x] - s));
      }
    }
  }
  let poolWorst = 0;
  for (let z = 0; z < 2; z++) {
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        poolWorst = Math.max(
          poolWorst,
          Math.abs(p[(z * 2 + y) * 2 + x] - ((2 * z + 1) * n * n + (2 * y + 1) * n + 2 * x + 1)),
        );
      }
    }
  }
  if (worst > 1e-4 || poolWorst > 1e-4) {
    throw new ModelError(
      where,
      `the ${tf.getBackend()} backend's 3-D kernels are wrong (Conv3D input gradient off by ${
        worst.toFixed(3)
      }, ` +
        `MaxPool3D by ${
          poolWorst.toFixed(3)
        }); run with CAM_BACKEND=cpu or a backend with checked 3-D kernels`,
    );
  }
}
