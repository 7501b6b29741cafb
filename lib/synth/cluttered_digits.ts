/**
 * Cluttered digits: a weakly-supervised localisation benchmark with exact ground truth. Each image is a
 * `size` x `size` canvas with one MNIST digit (the class, 0–9) at a random scale and position, distractor
 * fragments cut from other digits, and Gaussian noise. The ground-truth box is the inclusive pixel box
 * [x0, y0, x1, y1] (x = column, y = row) of the placed digit's nonzero pixels, before noise; fragments never
 * overlap it, so the box stays exact.
 *
 * Splits: `train` and `val` draw from MNIST's training set (its first 50 000 and last 10 000 images, the usual
 * split), `test` from MNIST's test set. Each split visits its pool in a seeded random order; sample i is
 * rendered on demand from a generator seeded by (seed, split, i), so datasets are deterministic, random-access
 * and cost no memory until read.
 *
 * @module
 */
import { Rng } from "../rng.ts";
import type { Dataset, Sample } from "../data/dataset.ts";
import { loadMnist, type LoadMnistOptions, type MnistSet } from "./mnist.ts";
import { SynthError } from "./errors.ts";

/** An inclusive pixel box [x0, y0, x1, y1]. */
export type Box = [number, number, number, number];

/** One cluttered-digit image (HWC, 1 channel, values in [0, 1]) with its class and box. */
export interface DigitSample extends Sample {
  /** The digit's box, inclusive pixel coordinates [x0, y0, x1, y1]. */
  box: Box;
  meta: {
    /** Which split. */
    split: "train" | "val" | "test";
    /** Index of the source digit in its MNIST set. */
    source: number;
    /** Scale of the digit relative to MNIST's 28 px. */
    scale: number;
    /** Number of distractor fragments placed. */
    distractors: number;
  };
}

/** A split of cluttered digits. */
export interface DigitDataset extends Dataset {
  readonly split: "train" | "val" | "test";
  readonly height: number;
  readonly width: number;
  get(i: number): DigitSample;
}

/** The three splits. */
export interface ClutteredDigits {
  train: DigitDataset;
  val: DigitDataset;
  test: DigitDataset;
  /** Number of classes (10). */
  numClasses: number;
}

/** Options of {@linkcode clutteredDigits}. */
export interface ClutteredDigitsOptions {
  /** Canvas side, px (64–112 in the protocol). @default 84 */
  size?: number;
  /** Smallest digit scale (x 28 px). @default 0.8 */
  minScale?: number;
  /** Largest digit scale (x 28 px); capped so that the digit fits. @default 2 */
  maxScale?: number;
  /** Distractor fragments per image. @default 4 */
  distractors?: number;
  /** Side of a fragment in source pixels (before scaling). @default 10 */
  fragmentSize?: number;
  /** Standard deviation of the additive Gaussian noise (values clipped to [0, 1]). @default 0.1 */
  noise?: number;
  /** Samples per split. @default { train: 10000, val: 2000, test: 2000 } */
  counts?: { train?: number; val?: number; test?: number };
  /** Seed of every draw. @default 0 */
  seed?: number;
}

const SPLIT_IDS = { train: 1, val: 2, test: 3 } as const;

/**
 * Cluttered-digit datasets over loaded MNIST sets (see the module documentation).
 *
 * @example
 * const digits = clutteredDigits({ train: await loadMnist("train"), test: await loadMnist("test") }, { size: 64 });
 * const { image, label, box } = digits.train.get(0);
 */
export function clutteredDigits(
  mnist: { train: MnistSet; test: MnistSet },
  options: ClutteredDigitsOptions = {},
): ClutteredDigits {
  const {
    size = 84,
    minScale = 0.8,
    maxScale = 2,
    distractors = 4,
    fragmentSize = 10,
    noise = 0.1,
    seed = 0,
  } = options;
  const counts = { train: 10000, val: 2000, test: 2000, ...options.counts };
  if (!Number.isInteger(size) || size < 28) {
    throw new SynthError("cluttered digits", `size must be ≥ 28, got ${size}`);
  }
  if (!(minScale > 0 && minScale <= maxScale)) {
    throw new SynthError("cluttered digits", `need 0 < minScale ≤ maxScale, got ${minScale} and ${maxScale}`);
  }
  const trainPool = mnist.train.count > 50000 ? 50000 : Math.ceil(mnist.train.count * 5 / 6);
  const pools = {
    train: { set: mnist.train, start: 0, count: trainPool },
    val: { set: mnist.train, start: trainPool, count: mnist.train.count - trainPool },
    test: { set: mnist.test, start: 0, count: mnist.test.count },
  };
  const render = {
    size,
    minScale,
    maxScale: Math.min(maxScale, size / 28),
    distractors,
    fragmentSize,
    noise,
  };
  const make = (split: "train" | "val" | "test"): DigitDataset => {
    const pool = pools[split];
    const n = counts[split];
    if (!Number.isInteger(n) || n < 0) {
      throw new SynthError("cluttered digits", `counts.${split} must be ≥ 0`);
    }
    if (pool.count === 0 && n > 0) {
      throw new SynthError("cluttered digits", `no MNIST digits for the ${split} split`);
    }
    const order = new Int32Array(pool.count);
    for (let i = 0; i < order.length; i++) order[i] = pool.start + i;
    new Rng(seed * 31 + SPLIT_IDS[split]).shuffle(order);
    return {
      split,
      size: n,
      height: size,
      width: size,
      get(i: number): DigitSample {
        if (!Number.isInteger(i) || i < 0 || i >= n) {
          throw new SynthError(`cluttered digits ${split}`, `index ${i} out of range [0, ${n})`);
        }
        const rng = new Rng(((seed * 1_000_003 + SPLIT_IDS[split]) * 2_654_435_761 + i) % 2 ** 52);
        return renderSample(pool.set, order[i % order.length], order, rng, split, render);
      },
    };
  };
  return { train: make("train"), val: make("val"), test: make("test"), numClasses: 10 };
}

/**
 * Load MNIST (see lib/synth/mnist.ts) and build {@linkcode clutteredDigits} over it.
 *
 * @example
 * const digits = await loadClutteredDigits({ size: 64, counts: { train: 2000, val: 500, test: 500 } });
 */
export async function loadClutteredDigits(
  options: ClutteredDigitsOptions & LoadMnistOptions = {},
): Promise<ClutteredDigits> {
  const [train, test] = await Promise.all([loadMnist("train", options), loadMnist("test", options)]);
  return clutteredDigits({ train, test }, options);
}

interface RenderOptions {
  size: number;
  minScale: number;
  maxScale: number;
  distractors: number;
  fragmentSize: number;
  noise: number;
}

/** Bilinear resize of a (w x h) patch of `set`'s image `index` starting at (x0, y0) to (tw x th), values / 255. */
function resizePatch(
  set: MnistSet,
  index: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  tw: number,
  th: number,
): Float32Array {
  const out = new Float32Array(tw * th);
  const base = index * set.rows * set.cols;
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= w || y >= h ? 0 : set.pixels[base + (y0 + y) * set.cols + (x0 + x)] / 255;
  for (let y = 0; y < th; y++) {
    // Align pixel centres (half-pixel convention).
    const sy = ((y + 0.5) * h) / th - 0.5;
    const iy = Math.floor(sy), fy = sy - iy;
    for (let x = 0; x < tw; x++) {
      const sx = ((x + 0.5) * w) / tw - 0.5;
      const ix = Math.floor(sx), fx = sx - ix;
      out[y * tw + x] = (1 - fy) * ((1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)) +
        fy * ((1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1));
    }
  }
  return out;
}

function renderSample(
  set: MnistSet,
  source: number,
  pool: Int32Array,
  rng: Rng,
  split: "train" | "val" | "test",
  o: RenderOptions,
): DigitSample {
  const { size } = o;
  const canvas = new Float32Array(size * size);
  // The digit.
  const scale = rng.uniform(o.minScale, o.maxScale);
  const side = Math.max(1, Math.min(size, Math.round(28 * scale)));
  const digit = resizePatch(set, source, 0, 0, set.cols, set.rows, side, side);
  const px = rng.int(size - side + 1), py = rng.int(size - side + 1);
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = digit[y * side + x];
      if (v <= 0) continue;
      canvas[(py + y) * size + px + x] = v;
      x0 = Math.min(x0, px + x), x1 = Math.max(x1, px + x);
      y0 = Math.min(y0, py + y), y1 = Math.max(y1, py + y);
    }
  }
  const box: Box = x1 < 0 ? [px, py, px + side - 1, py + side - 1] : [x0, y0, x1, y1];
  // Distractor fragments from other digits, kept off the digit's box.
  let placed = 0;
  const f = Math.min(o.fragmentSize, set.cols, set.rows);
  for (let k = 0; k < o.distractors; k++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const other = pool[rng.int(pool.length)];
      if (other === source) continue;
      const fx = rng.int(set.cols - f + 1), fy = rng.int(set.rows - f + 1);
      const fScale = rng.uniform(o.minScale, o.maxScale);
      const fs = Math.max(2, Math.min(size, Math.round(f * fScale)));
      const qx = rng.int(size - fs + 1), qy = rng.int(size - fs + 1);
      const overlaps = qx <= box[2] && qx + fs - 1 >= box[0] && qy <= box[3] && qy + fs - 1 >= box[1];
      if (overlaps) continue;
      const fragment = resizePatch(set, other, fx, fy, f, f, fs, fs);
      let ink = 0;
      for (const v of fragment) ink += v;
      if (ink < 0.1 * fs * fs) continue; // mostly background: try another cut
      for (let y = 0; y < fs; y++) {
        for (let x = 0; x < fs; x++) {
          const i = (qy + y) * size + qx + x;
          canvas[i] = Math.max(canvas[i], fragment[y * fs + x]);
        }
      }
      placed++;
      break;
    }
  }
  if (o.noise > 0) {
    for (let i = 0; i < canvas.length; i++) {
      canvas[i] = Math.min(1, Math.max(0, canvas[i] + rng.normal(0, o.noise)));
    }
  }
  return {
    image: canvas,
    height: size,
    width: size,
    channels: 1,
    label: set.labels[source],
    box,
    meta: { split, source, scale: side / 28, distractors: placed },
  };
}
