/** Deletion and insertion curves (Petsiuk et al., 2018, RISE), model-agnostic. */
import { LocalizeError } from "./errors.ts";

/**
 * A classifier seen from outside: a batch of images (row-major `[n, height, width, channels]`) → class
 * probabilities (row-major `[n, C]`). lib/cam's `modelScoreFunction` wraps a CamModel as one; a closed-form
 * scorer makes the curves testable by hand.
 */
export type ScoreFunction = (
  images: Float32Array,
  shape: readonly [number, number, number, number],
) => Float32Array | Promise<Float32Array>;

/** One image and the map that explains it. */
export interface FaithfulnessSample {
  /** The image, row-major `[height, width, channels]`. */
  readonly image: Float32Array;
  /** `[height, width, channels]`. */
  readonly shape: readonly [number, number, number];
  /** The saliency map `[height, width]`: pixels are removed / inserted in decreasing order of it. */
  readonly saliency: ArrayLike<number>;
  /** Class whose probability is tracked. @default the image's top class */
  readonly classIndex?: number;
}

/** Options of {@linkcode deletionCurve} and {@linkcode insertionCurve}. */
export interface CurveOptions {
  /** Pixels changed per step (RISE uses 224 at 224 x 224). @default the image width */
  step?: number;
  /**
   * The image the pixels are replaced with (deletion) or taken from at the start (insertion): zeros, a
   * Gaussian blur of the image (RISE: 11 taps, σ = 5, zero padding), or an explicit image.
   * @default "zeros" for deletion, "blur" for insertion
   */
  baseline?: "zeros" | "blur" | Float32Array;
  /** Images per call of the score function. @default 64 */
  batchSize?: number;
}

/** A deletion or insertion curve. */
export interface Curve {
  /** Area under the curve, trapezoidal over [0, 1]: (Σ s_i − s_0/2 − s_n/2) / n (RISE's `auc`). */
  readonly auc: number;
  /** Probability of the class after 0, 1, ..., n steps. */
  readonly scores: Float32Array;
  readonly classIndex: number;
  readonly step: number;
}

/**
 * Deletion: start from the image and replace its pixels (all channels) by the baseline's, most salient
 * first, `step` pixels at a time, scoring the class after every step. A faithful map makes the probability
 * fall fast: lower AUC is better.
 *
 * @example
 * const { auc } = await deletionCurve(score, { image, shape: [64, 64, 1], saliency, classIndex: 1 });
 */
export function deletionCurve(
  score: ScoreFunction,
  sample: FaithfulnessSample,
  options: CurveOptions = {},
): Promise<Curve> {
  return curve("deletionCurve", score, sample, options, false);
}

/**
 * Insertion: start from the baseline (blurred image by default) and put back the image's pixels, most
 * salient first. A faithful map makes the probability rise fast: higher AUC is better.
 */
export function insertionCurve(
  score: ScoreFunction,
  sample: FaithfulnessSample,
  options: CurveOptions = {},
): Promise<Curve> {
  return curve("insertionCurve", score, sample, options, true);
}

async function curve(
  fn: string,
  score: ScoreFunction,
  sample: FaithfulnessSample,
  options: CurveOptions,
  insertion: boolean,
): Promise<Curve> {
  const [h, w, c] = sample.shape;
  const pixels = h * w;
  if (sample.image.length !== pixels * c) {
    throw new LocalizeError(
      fn,
      `image holds ${sample.image.length} values but shape [${sample.shape}] needs ${pixels * c}`,
    );
  }
  if (sample.saliency.length !== pixels) {
    throw new LocalizeError(
      fn,
      `saliency holds ${sample.saliency.length} values but the image has ${pixels} pixels`,
    );
  }
  const step = options.step ?? w, batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(step) || step < 1) {
    throw new LocalizeError(fn, `step must be a positive integer, got ${step}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new LocalizeError(fn, `batchSize must be a positive integer, got ${batchSize}`);
  }
  const spec = options.baseline ?? (insertion ? "blur" : "zeros");
  let baseline: Float32Array;
  if (spec === "zeros") baseline = new Float32Array(pixels * c);
  else if (spec === "blur") baseline = gaussianBlur(sample.image, sample.shape, 11, 5);
  else if (spec.length === pixels * c) baseline = spec;
  else throw new LocalizeError(fn, `baseline holds ${spec.length} values but the image ${pixels * c}`);
  const [start, finish] = insertion ? [baseline, sample.image] : [sample.image, baseline];

  let classIndex = sample.classIndex;
  if (classIndex === undefined) {
    const p = await score(sample.image.slice(), [1, h, w, c]);
    classIndex = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[classIndex]) classIndex = k;
  }
  // Most salient first; ties keep raster order.
  const order = Array.from({ length: pixels }, (_, i) => i).sort((a, b) =>
    (sample.saliency[b] - sample.saliency[a]) || a - b
  );
  const steps = Math.ceil(pixels / step);
  const scores = new Float32Array(steps + 1);
  const current = start.slice();
  for (let first = 0; first <= steps; first += batchSize) {
    const count = Math.min(batchSize, steps + 1 - first);
    const batch = new Float32Array(count * pixels * c);
    for (let j = 0; j < count; j++) {
      const s = first + j; // image after s steps
      if (s > 0) {
        for (const p of order.slice((s - 1) * step, s * step)) {
          for (let ch = 0; ch < c; ch++) current[p * c + ch] = finish[p * c + ch];
        }
      }
      batch.set(current, j * pixels * c);
    }
    const probabilities = await score(batch, [count, h, w, c]);
    const numClasses = probabilities.length / count;
    if (!Number.isInteger(numClasses) || classIndex >= numClasses) {
      throw new LocalizeError(
        fn,
        `the score function gave ${probabilities.length} values for ${count} images (class ${classIndex})`,
      );
    }
    for (let j = 0; j < count; j++) scores[first + j] = probabilities[j * numClasses + classIndex];
  }
  let sum = 0;
  for (const s of scores) sum += s;
  const auc = (sum - scores[0] / 2 - scores[steps] / 2) / steps;
  return Object.freeze({ auc, scores, classIndex, step });
}

/** Separable Gaussian blur per channel with zero padding (RISE's `gkern(klen, nsig)` substrate). */
export function gaussianBlur(
  image: Float32Array,
  shape: readonly [number, number, number],
  taps = 11,
  sigma = 5,
): Float32Array {
  const [h, w, c] = shape;
  const half = taps >> 1;
  const kernel = Array.from({ length: taps }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const norm = kernel.reduce((s, v) => s + v, 0);
  for (let i = 0; i < taps; i++) kernel[i] /= norm;
  const rows = new Float32Array(image.length), out = new Float32Array(image.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < taps; k++) {
          const xx = x + k - half;
          if (xx >= 0 && xx < w) s += kernel[k] * image[(y * w + xx) * c + ch];
        }
        rows[(y * w + x) * c + ch] = s;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < taps; k++) {
          const yy = y + k - half;
          if (yy >= 0 && yy < h) s += kernel[k] * rows[(yy * w + x) * c + ch];
        }
        out[(y * w + x) * c + ch] = s;
      }
    }
  }
  return out;
}
