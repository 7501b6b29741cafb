// The 3-D study's fit loop: whole volumes, a classify or regress head, Adam (lib/train's optimizer), seeded
// shuffling and 3-D augmentation; the same loop trains the 2.5D arm's per-slice brain-age regressor (a 2-D
// zoo model with one output); plus the guard that refuses a backend whose 3-D kernels are wrong.
import * as tf from "../tf.ts";
import {
  type Augment3dOptions,
  type AugmentOptions,
  augmentVolume,
  batches,
  type Dataset,
  Rng,
  type Sample,
  type VolumeDims,
} from "../data/mod.ts";
import {
  type DataInitRecord,
  initFromData,
  ModelError,
  type ZooModel,
  type ZooModel3d,
} from "../models/mod.ts";
import { averageBatchStatistics, createOptimizer, softmaxCrossEntropy } from "../train/mod.ts";

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
  /**
   * "data": before the first step, lib/models' `initFromData` (Krähenbühl et al., 2016) on up to
   * {@linkcode VOLUME_INIT_SAMPLES} training volumes spread evenly over the set (un-augmented): every conv's
   * pre-activation gets mean 0 and variance 1 per channel, and the head is centred. "he": the seeded draws.
   * @default "he"
   */
  init?: "he" | "data";
  /**
   * Train the head on standardised pooled features (batch norm without scale and shift after GAP/GMP, folded
   * back into the plain head after every epoch: see the study's fit loop). @default false
   */
  poolNorm?: boolean;
  /** Called after each epoch with its mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void | Promise<void>;
}

/** Volumes {@linkcode trainVolumes} rescales a fresh model on with `init: "data"` (fewer when the set is smaller). */
export const VOLUME_INIT_SAMPLES = 16;

/** What {@linkcode trainVolumes} returns: each epoch's mean loss and seconds, and what the data init did. */
export interface VolumeTrainResult {
  history: { epoch: number; loss: number; seconds: number }[];
  /** The data-dependent init's record (`init: "data"`), else null. */
  init: DataInitRecord | null;
}

/** Pack volumes into one `[n, D, H, W, 1]` tensor. */
export function volumeTensor(samples: readonly VolumeSample[], volumes?: Float32Array[]): tf.Tensor5D {
  const [d, h, w] = samples[0].shape;
  const size = d * h * w;
  const data = new Float32Array(samples.length * size);
  samples.forEach((s, i) => data.set(volumes?.[i] ?? s.volume, i * size));
  return tf.tensor5d(data, [samples.length, d, h, w, 1]);
}

/** A network the study's fit loop trains: its variables, config and a forward pass giving head outputs. */
interface FitModel {
  readonly trainable: Record<string, tf.Variable>;
  readonly state: Record<string, tf.Variable>;
  readonly config: { pooling: string; head?: unknown; targetMean?: unknown; targetScale?: unknown };
  apply(
    x: tf.Tensor,
    options: { training?: boolean; bnMomentum?: number },
  ): { logits: tf.Tensor2D; features: tf.Tensor };
}

/** Seed of epoch `epoch`'s clean batches (batch-norm statistics), apart from the training draws' seeds. */
function cleanSeed(seed: number, epoch: number): number {
  return ((seed * 100_003 + epoch) ^ 0x9e3779b9) >>> 0;
}

/**
 * One batch of the fit loop: its input (made inside the step's tidy), class labels and standardised
 * regression targets t = (y − m)/s.
 */
interface FitBatch {
  input: () => tf.Tensor;
  labels: Int32Array;
  targets: Float32Array;
}

/** ε of the pooled features' standardisation (their image-to-image variance can be ~1e-4). */
const POOL_NORM_EPSILON = 1e-8;

/**
 * Adam over `epochs` passes of `batchesOf(epoch)`, on the head's own output u (class scores; for a regression
 * head u = (ŷ − m)/s). Loss: softmax cross-entropy of u and the labels, or (`regress`) mean((u − t)²), the
 * squared error of the standardised target. Returns each epoch's mean loss (weighted by batch size) and seconds.
 *
 * With `poolNorm`, the head is trained on standardised pooled features, F̂_k = (F_k − μ_k)/√(σ_k² + ε) with
 * the batch's mean and variance (batch norm without scale and shift on the GAP/GMP output; Ioffe & Szegedy,
 * 2015), u = F̂·W + b; after every epoch μ and σ² are measured over the whole training set and the head is
 * folded back into the model's plain head, W'_kc = W_kc/σ_k, b'_c = b_c − Σ_k μ_k W_kc/σ_k, so that the model
 * is a plain GAP/GMP net (the same CAM, and u = F·W' + b' = F̂·W + b at those statistics). Why: GAP over a 12³ grid
 * gives features whose common part dwarfs their image-to-image part (cosine 0.9999 between volumes), and a
 * head on them starts with outputs that differ by ~0.006; centring and scaling F takes that common part out
 * of what the head and the gradients see.
 */
async function fitLoop(
  model: FitModel,
  batchesOf: (epoch: number) => Iterable<FitBatch>,
  options: Pick<TrainVolumesOptions, "epochs" | "learningRate" | "onEpoch" | "poolNorm"> & {
    regress: boolean;
    /** The training inputs, un-augmented, in batches (the pooled features' statistics with `poolNorm`). */
    population: () => Iterable<() => tf.Tensor>;
    /**
     * The training inputs, un-augmented, in batches shuffled with the epoch's seed: when given and the model
     * has batch norm, its moving statistics become their plain mean over these batches after every epoch
     * (lib/train's `recalibrateBatchNorm`: the averages of augmented batches misdescribe clean inputs).
     */
    clean?: (epoch: number) => Iterable<() => tf.Tensor>;
  },
): Promise<VolumeTrainResult["history"]> {
  const optimizer = createOptimizer("adam");
  const headKernel = model.trainable["head/kernel"] ?? model.trainable["classifier/kernel"];
  const headBias = model.trainable["head/bias"] ?? model.trainable["classifier/bias"];
  const { head, targetMean, targetScale, pooling } = model.config;
  const regressHead = head === "regress"; // a 3-D regression head: its logits are ŷ = s·u + m
  const poolNorm = options.poolNorm ?? false;
  // The standardised head (poolNorm): its own variables, trained in place of the model's head.
  const [k, outputs] = headKernel.shape as [number, number];
  const normHead = poolNorm
    ? {
      "pool_norm/kernel": tf.tidy(() => tf.variable(tf.clone(headKernel), true)),
      "pool_norm/bias": tf.tidy(() => tf.variable(tf.zeros([outputs]), true)),
    }
    : null;
  const running = poolNorm
    ? {
      mean: tf.tidy(() => tf.variable(tf.zeros([k]), false)),
      variance: tf.tidy(() => tf.variable(tf.ones([k]), false)),
    }
    : null;
  const trainable: Record<string, tf.Variable> = { ...model.trainable };
  if (normHead) {
    delete trainable[poolNormKey(model, headKernel)];
    delete trainable[poolNormKey(model, headBias)];
    Object.assign(trainable, normHead);
  }
  const varKey = new Map(Object.entries(trainable).map(([key, v]) => [v.name, key]));
  const varList = Object.values(trainable);
  const history: VolumeTrainResult["history"] = [];
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const t0 = performance.now();
      let lossSum = 0, seen = 0;
      for (const batch of batchesOf(epoch)) {
        const n = batch.labels.length;
        const loss = tf.tidy(() => {
          const x = batch.input();
          const { value, grads } = tf.variableGrads(() => {
            const out = model.apply(x, { training: true });
            let u: tf.Tensor2D;
            if (normHead && running) {
              const axes = Array.from({ length: out.features.rank - 2 }, (_, i) => i + 1);
              const f = pooling === "gmp" ? tf.max(out.features, axes) : tf.mean(out.features, axes);
              // The batch's statistics (a batch of one, which has none: the population's of the last epoch).
              const { mean, variance } = n > 1
                ? tf.moments(f, 0)
                : { mean: running.mean as tf.Tensor, variance: running.variance as tf.Tensor };
              const fh = tf.div(tf.sub(f, mean), tf.sqrt(tf.add(variance, POOL_NORM_EPSILON)));
              u = tf.add(
                tf.matMul(fh, normHead["pool_norm/kernel"]),
                normHead["pool_norm/bias"],
              ) as tf.Tensor2D;
            } else {
              u = regressHead
                ? tf.div(tf.sub(out.logits, Number(targetMean)), Number(targetScale)) as tf.Tensor2D
                : out.logits;
            }
            if (!options.regress) return softmaxCrossEntropy(u, batch.labels);
            return tf.mean(tf.square(tf.sub(u, tf.tensor2d(batch.targets, [n, 1])))) as tf.Scalar;
          }, varList);
          const byKey: Record<string, tf.Tensor> = {};
          for (const [name, g] of Object.entries(grads)) byKey[varKey.get(name)!] = g;
          optimizer.step(trainable, byKey, { learningRate: options.learningRate });
          return value;
        });
        lossSum += (await loss.data())[0] * n;
        seen += n;
        loss.dispose();
      }
      if (options.clean) averageBatchStatistics(model, options.clean(epoch));
      if (normHead && running) {
        // The pooled features' mean and variance over the whole (un-augmented) training set at the epoch's
        // weights ("precise" statistics: Wu & Johnson, 2021), which the folded head standardises with.
        let count = 0;
        const sum = tf.tidy(() => tf.variable(tf.zeros([k]), false));
        const sq = tf.tidy(() => tf.variable(tf.zeros([k]), false));
        for (const input of options.population()) {
          tf.tidy(() => {
            const { features } = model.apply(input(), {});
            const axes = Array.from({ length: features.rank - 2 }, (_, i) => i + 1);
            const f = pooling === "gmp" ? tf.max(features, axes) : tf.mean(features, axes);
            count += f.shape[0];
            sum.assign(tf.add(sum, tf.sum(f, 0)));
            sq.assign(tf.add(sq, tf.sum(tf.square(f), 0)));
          });
        }
        tf.tidy(() => {
          const mean = tf.div(sum, count);
          running.mean.assign(mean);
          running.variance.assign(tf.relu(tf.sub(tf.div(sq, count), tf.square(mean))));
        });
        tf.dispose([sum, sq]);
        // Fold: W' = W/σ (per feature row), b' = b − (μ/σ)·W, σ = √(running σ² + ε).
        tf.tidy(() => {
          const sigma = tf.sqrt(tf.add(running.variance, POOL_NORM_EPSILON));
          const w = tf.div(normHead["pool_norm/kernel"], tf.reshape(sigma, [k, 1]));
          const b = tf.sub(
            normHead["pool_norm/bias"],
            tf.reshape(tf.matMul(tf.reshape(running.mean, [1, k]), w), [outputs]),
          );
          headKernel.assign(w);
          headBias.assign(b);
        });
      }
      const mean = lossSum / Math.max(1, seen);
      history.push({ epoch, loss: mean, seconds: (performance.now() - t0) / 1000 });
      await options.onEpoch?.(epoch, mean);
    }
  } finally {
    optimizer.dispose();
    if (normHead) tf.dispose(Object.values(normHead));
    if (running) tf.dispose([running.mean, running.variance]);
  }
  return history;
}

/** The key of `variable` in the model's trainable map. */
function poolNormKey(model: FitModel, variable: tf.Variable): string {
  return Object.entries(model.trainable).find(([, v]) => v === variable)![0];
}

/**
 * Train a 3-D model. Loss: softmax cross-entropy (classify), or mean((ŷ − y)² / s²) with s the model's
 * `targetScale` (regress: the squared error of the standardised target). Returns each epoch's mean loss.
 */
export async function trainVolumes(
  model: ZooModel3d,
  samples: readonly VolumeSample[],
  options: TrainVolumesOptions,
): Promise<VolumeTrainResult> {
  let init: DataInitRecord | null = null;
  if (options.init === "data") {
    const n = Math.min(VOLUME_INIT_SAMPLES, samples.length);
    const x = volumeTensor(
      Array.from({ length: n }, (_, i) => samples[Math.floor((i * samples.length) / n)]),
    );
    try {
      init = await initFromData(model, x);
    } finally {
      x.dispose();
    }
  }
  const rng = new Rng(options.seed);
  const augment = options.augment;
  const m = model.config.targetMean, sd = model.config.targetScale;
  function* batchesOf(): Generator<FitBatch> {
    const order = rng.shuffle(Int32Array.from({ length: samples.length }, (_, i) => i));
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = Array.from(order.slice(start, start + options.batchSize), (i) => samples[i]);
      const [d, h, w] = batch[0].shape;
      const dims: VolumeDims = { depth: d, height: h, width: w, channels: 1 };
      const volumes = augment
        ? batch.map((s) => augmentVolume(s.volume, dims, { ...augment, rng }))
        : undefined;
      yield {
        input: () => volumeTensor(batch, volumes),
        labels: Int32Array.from(batch, (s) => s.label),
        targets: Float32Array.from(batch, (s) => (s.age - m) / sd),
      };
    }
  }
  function* population() {
    for (let start = 0; start < samples.length; start += options.batchSize) {
      yield () => volumeTensor(samples.slice(start, start + options.batchSize));
    }
  }
  // Batch-norm statistics re-estimated on clean, shuffled volumes after every epoch when training augments.
  function* clean(epoch: number) {
    const order = new Rng(cleanSeed(options.seed, epoch))
      .shuffle(Int32Array.from({ length: samples.length }, (_, i) => i));
    for (let start = 0; start < order.length; start += options.batchSize) {
      yield () => volumeTensor(Array.from(order.slice(start, start + options.batchSize), (i) => samples[i]));
    }
  }
  const history = await fitLoop(model, batchesOf, {
    ...options,
    regress: model.config.head === "regress",
    population,
    ...(augment ? { clean } : {}),
  });
  return { history, init };
}

/** Options of {@linkcode trainSlices}. */
export interface SliceTrainOptions extends Omit<TrainVolumesOptions, "augment"> {
  /** 2-D augmentation of training slices (lib/data's `augmentImage`), or false. */
  augment: AugmentOptions | false;
  /**
   * A regressor of `targets` (its one output learns t = (y − m)/s, m = `targetMean`, s = `targetScale`),
   * else a classifier of the samples' labels. @default absent (a classifier)
   */
  regress?: { targets: Float32Array; targetMean: number; targetScale: number };
}

/**
 * Train a 2-D zoo model on slices with the study's fit loop (the 2.5D arm, on the same footing as the 3-D
 * nets: Adam, `init`, `poolNorm`): a classifier of the labels, or (`regress`) a regressor of `targets[i]`
 * (e.g. each slice's subject age) with loss mean((out − t)²) on t = (y − m)/s, so ŷ = s·out + m
 * ({@linkcode predictSlices}). `init: "data"` rescales it first on up to 64 training slices spread over the
 * set (lib/models `initFromData`; the output centred). Shuffling and augmentation as lib/data's `batches`,
 * seeded per epoch.
 */
export async function trainSlices(
  model: ZooModel,
  samples: Dataset,
  options: SliceTrainOptions,
): Promise<VolumeTrainResult> {
  let init: DataInitRecord | null = null;
  if (options.init === "data") {
    const n = Math.min(64, samples.size);
    const x = sliceTensor(
      Array.from({ length: n }, (_, i) => samples.get(Math.floor((i * samples.size) / n))),
    );
    try {
      init = await initFromData(model, x);
    } finally {
      x.dispose();
    }
  }
  const regress = options.regress;
  function* batchesOf(epoch: number): Generator<FitBatch> {
    const seed = options.seed * 100_003 + epoch;
    for (
      const b of batches(samples, {
        batchSize: options.batchSize,
        shuffle: true,
        seed,
        augment: options.augment,
      })
    ) {
      yield {
        input: () => tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]),
        labels: b.labels,
        targets: regress
          ? Float32Array.from(
            b.indices,
            (i) => (regress.targets[i] - regress.targetMean) / regress.targetScale,
          )
          : new Float32Array(b.size),
      };
    }
  }
  function* population() {
    for (const b of batches(samples, { batchSize: options.batchSize })) {
      yield () => tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
    }
  }
  // Batch-norm statistics re-estimated on clean, shuffled slices after every epoch when training augments.
  function* clean(epoch: number) {
    const seed = cleanSeed(options.seed, epoch);
    for (const b of batches(samples, { batchSize: options.batchSize, shuffle: true, seed, augment: false })) {
      yield () => tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]);
    }
  }
  const history = await fitLoop(model, batchesOf, {
    ...options,
    regress: regress !== undefined,
    population,
    ...(options.augment ? { clean } : {}),
  });
  return { history, init };
}

/** Slices `[n, h, w, c]` as one tensor. */
function sliceTensor(samples: readonly Sample[]): tf.Tensor4D {
  const { height, width, channels } = samples[0];
  const per = height * width * channels;
  const data = new Float32Array(samples.length * per);
  samples.forEach((sample, i) => data.set(sample.image, i * per));
  return tf.tensor4d(data, [samples.length, height, width, channels]);
}

/** A 1-output 2-D model's predictions ŷ = s·out + m for every slice, in passes of `batchSize`. */
export async function predictSlices(
  model: ZooModel,
  samples: readonly Sample[],
  options: { batchSize: number; targetMean: number; targetScale: number },
): Promise<Float32Array> {
  const out = new Float32Array(samples.length);
  for (let start = 0; start < samples.length; start += options.batchSize) {
    const batch = samples.slice(start, start + options.batchSize);
    const y = tf.tidy(() => model.apply(sliceTensor(batch)).logits);
    const values = await y.data();
    y.dispose();
    values.forEach((v, i) => (out[start + i] = options.targetScale * v + options.targetMean));
  }
  return out;
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
