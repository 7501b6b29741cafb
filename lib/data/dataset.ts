/**
 * Datasets as random-access collections of samples, and a batch iterator over them. Nothing here holds the
 * whole set as one array or tensor: a {@linkcode Dataset} computes each sample on demand, and
 * {@linkcode batches} packs one batch at a time into plain typed arrays. Tensors are made per batch by the
 * trainer.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import { augmentImage, type AugmentOptions } from "./augment.ts";
import { Rng } from "../rng.ts";

/** One image with its label. Pixels are HWC-ordered: index = (y · width + x) · channels + c. */
export interface Sample {
  /** Pixels, length height · width · channels. */
  image: Float32Array;
  height: number;
  width: number;
  channels: number;
  /** Class index in [0, numClasses). */
  label: number;
  /** Stratum, e.g. the age group ("young" / "old"). */
  group?: string | number;
  /** Subject identifier; slices of one subject must stay on one side of a split. */
  subject?: string | number;
  /** Anything else worth carrying (acquisition, axis, slice index, ...). */
  meta?: Record<string, unknown>;
}

/** A random-access collection of samples; `get` may compute the sample lazily. */
export interface Dataset {
  /** Number of samples. */
  readonly size: number;
  /** The sample at index i, 0 ≤ i < size. */
  get(i: number): Sample;
}

/** Raised on malformed datasets or batch options; the message names the dataset operation and the problem. */
export class DatasetError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "dataset"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "DatasetError";
  }
}

function checkIndex(where: string, i: number, size: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new DatasetError(`${where}: index ${i} out of range [0, ${size})`);
  }
}

/**
 * A dataset over samples already in memory (not copied).
 *
 * @example
 * const ds = arrayDataset([{ image, height: 16, width: 16, channels: 1, label: 0 }]);
 */
export function arrayDataset(samples: readonly Sample[]): Dataset {
  return {
    size: samples.length,
    get(i) {
      checkIndex("arrayDataset.get", i, samples.length);
      return samples[i];
    },
  };
}

/**
 * A dataset whose samples are `fn(dataset.get(i), i)`, computed on each access (nothing is cached).
 *
 * @example
 * const normalised = mapDataset(ds, (s) => ({ ...s, image: s.image.map((v) => v / 255) }));
 */
export function mapDataset(dataset: Dataset, fn: (sample: Sample, index: number) => Sample): Dataset {
  return {
    size: dataset.size,
    get(i) {
      checkIndex("mapDataset.get", i, dataset.size);
      return fn(dataset.get(i), i);
    },
  };
}

/**
 * The samples of `dataset` at `indices`, in that order (e.g. one side of a split).
 *
 * @example
 * const { train } = splitBySubject(metas, { seed: 1 });
 * const trainSet = subset(all, train);
 */
export function subset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const idx = Int32Array.from(indices as ArrayLike<number>);
  for (const i of idx) checkIndex("subset", i, dataset.size);
  return {
    size: idx.length,
    get(i) {
      checkIndex("subset.get", i, idx.length);
      return dataset.get(idx[i]);
    },
  };
}

/** Options of {@linkcode batches}. */
export interface BatchOptions {
  /** Samples per batch. @default 32 */
  batchSize?: number;
  /** Visit samples in a seeded random order. @default false */
  shuffle?: boolean;
  /** Seed of the shuffle order and of the augmentation draws. @default 0 */
  seed?: number;
  /** Augment each sample (see {@linkcode AugmentOptions}); `false`/absent = no augmentation. @default false */
  augment?: AugmentOptions | false;
  /** Drop a last batch smaller than batchSize. @default false */
  dropLast?: boolean;
}

/** One batch of images and labels, as plain typed arrays. */
export interface Batch {
  /** Images, NHWC, length n · height · width · channels. */
  images: Float32Array;
  /** Class labels, length n. */
  labels: Int32Array;
  /** Dataset indices of the batch's samples. */
  indices: Int32Array;
  /** Number of samples in this batch. */
  size: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * Iterate over a dataset in batches. The order is `0..size-1`, or a Fisher–Yates shuffle seeded by `seed`;
 * augmentation draws come from the same generator, so one seed fixes the whole epoch.
 * All samples must share height, width and channels.
 *
 * @example
 * for (const batch of batches(ds, { batchSize: 16, shuffle: true, seed: 7, augment: { flip: true } })) {
 *   const x = tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, batch.channels]);
 * }
 */
export function* batches(dataset: Dataset, options: BatchOptions = {}): Generator<Batch> {
  const { batchSize = 32, shuffle = false, seed = 0, augment = false, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DatasetError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  }
  const rng = new Rng(seed);
  const order = new Int32Array(dataset.size);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (shuffle) rng.shuffle(order);
  let shape: [number, number, number] | undefined;
  for (let start = 0; start < order.length; start += batchSize) {
    const n = Math.min(batchSize, order.length - start);
    if (dropLast && n < batchSize) return;
    const indices = order.slice(start, start + n);
    let images: Float32Array | undefined;
    const labels = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const sample = dataset.get(indices[k]);
      const { height, width, channels } = sample;
      const pixels = height * width * channels;
      if (shape === undefined) shape = [height, width, channels];
      if (height !== shape[0] || width !== shape[1] || channels !== shape[2]) {
        throw new DatasetError(
          `batches: sample ${indices[k]} is ${height}x${width}x${channels}, expected ${shape.join("x")}`,
        );
      }
      if (sample.image.length !== pixels) {
        throw new DatasetError(
          `batches: sample ${indices[k]} has ${sample.image.length} values, expected ${pixels} ` +
            `(${height}x${width}x${channels})`,
        );
      }
      if (!Number.isInteger(sample.label) || sample.label < 0) {
        throw new DatasetError(
          `batches: sample ${indices[k]} has label ${sample.label}, expected an integer ≥ 0`,
        );
      }
      const image = augment ? augmentImage(sample.image, sample, { ...augment, rng }) : sample.image;
      images ??= new Float32Array(n * pixels);
      images.set(image, k * pixels);
      labels[k] = sample.label;
    }
    yield {
      images: images!,
      labels,
      indices,
      size: n,
      height: shape![0],
      width: shape![1],
      channels: shape![2],
    };
  }
}

/** Number of batches {@linkcode batches} yields: ⌈size / batchSize⌉, or ⌊size / batchSize⌋ with dropLast. */
export function batchCount(size: number, options: Pick<BatchOptions, "batchSize" | "dropLast"> = {}): number {
  const { batchSize = 32, dropLast = false } = options;
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}
