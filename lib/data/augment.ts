/**
 * Image augmentation on plain Float32Arrays (HWC), as in the seed study: horizontal flip, Gaussian noise
 * (mean 0, sd 0.3), resize (scale jitter), random crop (pad-and-crop or crop-and-resize back to size) and
 * random erasing (Zhong et al., AAAI 2020). Every random draw comes from the {@linkcode Rng} passed in, so an
 * augmented batch is reproducible from the batch seed. Every function returns a new array and leaves its input
 * untouched; every function keeps the image size.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import type { Rng } from "../rng.ts";

/** Height, width and channels of an HWC image. */
export interface ImageDims {
  height: number;
  width: number;
  channels: number;
}

/** A pixel rectangle: rows [top, top + height), columns [left, left + width). */
export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Options of {@linkcode flipHorizontal} inside {@linkcode augmentImage}. */
export interface FlipOptions {
  /** Probability of flipping. @default 0.5 */
  probability?: number;
}

/** Options of {@linkcode addGaussianNoise}. */
export interface NoiseOptions {
  /** Mean of the additive noise. @default 0 */
  mean?: number;
  /** Standard deviation of the additive noise (the seed's 0.3). @default 0.3 */
  sd?: number;
  /** Probability of adding noise to an image (inside {@linkcode augmentImage}). @default 1 */
  probability?: number;
}

/** Options of {@linkcode scaleJitter}. */
export interface ScaleOptions {
  /** Scale factor s is drawn uniformly from this range. @default [0.9, 1.1] */
  range?: [number, number];
  /** Value of pixels uncovered when s < 1. @default 0 */
  fill?: number;
  /** Probability of rescaling an image (inside {@linkcode augmentImage}). @default 0.5 */
  probability?: number;
}

/** Options of {@linkcode randomCrop}. */
export interface CropOptions {
  /**
   * "pad": pad by `padding` pixels on every side, then crop a random window of the original size.
   * "resize": crop a random window (area fraction in `scaleRange`, aspect ratio in `aspectRange`) and resize it
   * back to the original size (torchvision's RandomResizedCrop). @default "pad"
   */
  mode?: "pad" | "resize";
  /** Padding in pixels for mode "pad". @default 4 */
  padding?: number;
  /** Fill of the padding for mode "pad". @default 0 */
  fill?: number;
  /** Area fraction of the crop for mode "resize". @default [0.8, 1] */
  scaleRange?: [number, number];
  /** Aspect ratio (width / height) range of the crop for mode "resize", drawn log-uniformly. @default [0.75, 4/3] */
  aspectRange?: [number, number];
  /** Probability of cropping an image (inside {@linkcode augmentImage}). @default 1 */
  probability?: number;
}

/** Options of {@linkcode randomErasing} (Zhong et al., "Random Erasing Data Augmentation", AAAI 2020). */
export interface ErasingOptions {
  /** Probability of erasing a rectangle. @default 0.5 */
  probability?: number;
  /** Erased area as a fraction of the image area, [s_l, s_h]. @default [0.02, 0.33] */
  areaRange?: [number, number];
  /** Aspect ratio (height / width) range [r_1, r_2], drawn log-uniformly. @default [0.3, 3.3] */
  aspectRange?: [number, number];
  /** Fill value, or "random" for standard-normal values per pixel. @default 0 */
  fill?: number | "random";
  /** Rectangles tried before giving up (the image is then returned unchanged). @default 10 */
  maxAttempts?: number;
}

/**
 * Which augmentations to apply and how. Each is off when absent or `false`; `true` uses its defaults.
 * Order: scale jitter → crop → flip → noise → erasing.
 */
export interface AugmentOptions {
  /** Horizontal flip. @default off */
  flip?: boolean | FlipOptions;
  /** Additive Gaussian noise. @default off */
  noise?: boolean | NoiseOptions;
  /** Resize by a random factor, back to size by centre crop/pad. @default off */
  scale?: boolean | ScaleOptions;
  /** Random crop that keeps the image size. @default off */
  crop?: boolean | CropOptions;
  /** Random erasing. @default off */
  erasing?: boolean | ErasingOptions;
}

/** The seed study's augmentation: flip, noise (0, 0.3), resize, random crop and random erasing, all with defaults. */
export const SEED_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  flip: true,
  noise: true,
  scale: true,
  crop: true,
  erasing: true,
});

/** Raised on impossible augmentation options; the message names the function and the option. */
export class AugmentError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "augment"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "AugmentError";
  }
}

function checkImage(where: string, image: Float32Array, dims: ImageDims): void {
  const n = dims.height * dims.width * dims.channels;
  if (image.length !== n) {
    throw new AugmentError(
      `${where}: image has ${image.length} values, expected ${n} (${dims.height}x${dims.width}x${dims.channels})`,
    );
  }
}

function checkRange(where: string, name: string, range: [number, number], min = 0): void {
  if (!(range[0] >= min && range[1] >= range[0])) {
    throw new AugmentError(
      `${where}: ${name} must be an increasing pair ≥ ${min}, got [${range.join(", ")}]`,
    );
  }
}

/**
 * Mirror an image left–right: out(y, x) = in(y, W − 1 − x). Applying it twice gives the input back.
 *
 * @example
 * const mirrored = flipHorizontal(image, { height: 16, width: 16, channels: 1 });
 */
export function flipHorizontal(image: Float32Array, dims: ImageDims): Float32Array {
  checkImage("flipHorizontal", image, dims);
  const { height, width, channels } = dims;
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const src = (row + width - 1 - x) * channels;
      const dst = (row + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = image[src + c];
    }
  }
  return out;
}

/**
 * Add i.i.d. Gaussian noise: out = in + ε, ε ~ N(mean, sd²) per value.
 *
 * @example
 * const noisy = addGaussianNoise(image, { rng: new Rng(1), sd: 0.3 });
 */
export function addGaussianNoise(image: Float32Array, options: NoiseOptions & { rng: Rng }): Float32Array {
  const { rng, mean = 0, sd = 0.3 } = options;
  if (!(sd >= 0)) throw new AugmentError(`addGaussianNoise: sd must be ≥ 0, got ${sd}`);
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = image[i] + rng.normal(mean, sd);
  return out;
}

/**
 * Bilinear resize of an HWC image with half-pixel centres (src = (dst + 0.5)·in/out − 0.5, clamped to the
 * image), the convention of tf.image.resize(half_pixel_centers=True) and PyTorch's align_corners=False.
 *
 * @example
 * const big = resizeBilinear(image, { height: 16, width: 16, channels: 1 }, { height: 32, width: 32 });
 */
export function resizeBilinear(
  image: Float32Array,
  dims: ImageDims,
  size: { height: number; width: number },
): Float32Array {
  checkImage("resizeBilinear", image, dims);
  const { height: inH, width: inW, channels } = dims;
  const { height: outH, width: outW } = size;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH >= 1 && outW >= 1)) {
    throw new AugmentError(`resizeBilinear: output size must be positive integers, got ${outH}x${outW}`);
  }
  const out = new Float32Array(outH * outW * channels);
  const sy = inH / outH;
  const sx = inW / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), inH - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, inH - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), inW - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, inW - 1);
      const wx = fx - x0;
      const i00 = (y0 * inW + x0) * channels;
      const i01 = (y0 * inW + x1) * channels;
      const i10 = (y1 * inW + x0) * channels;
      const i11 = (y1 * inW + x1) * channels;
      const o = (y * outW + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top = image[i00 + c] * (1 - wx) + image[i01 + c] * wx;
        const bottom = image[i10 + c] * (1 - wx) + image[i11 + c] * wx;
        out[o + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/**
 * Copy the window of `image` whose top-left corner is (top, left) (may lie outside the image) into an image of
 * `size`, with `fill` where the window leaves the image.
 */
function window(
  image: Float32Array,
  dims: ImageDims,
  box: Box,
  fill: number,
): Float32Array {
  const { height: inH, width: inW, channels } = dims;
  const out = new Float32Array(box.height * box.width * channels).fill(fill);
  for (let y = 0; y < box.height; y++) {
    const sy = y + box.top;
    if (sy < 0 || sy >= inH) continue;
    for (let x = 0; x < box.width; x++) {
      const sx = x + box.left;
      if (sx < 0 || sx >= inW) continue;
      const s = (sy * inW + sx) * channels;
      const d = (y * box.width + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = image[s + c];
    }
  }
  return out;
}

/**
 * Scale jitter: resize by s ~ U(range) (bilinear), then centre-crop (s > 1) or centre-pad with `fill` (s < 1)
 * back to the original size.
 *
 * @example
 * const jittered = scaleJitter(image, dims, { rng, range: [0.9, 1.1] });
 */
export function scaleJitter(
  image: Float32Array,
  dims: ImageDims,
  options: ScaleOptions & { rng: Rng },
): Float32Array {
  checkImage("scaleJitter", image, dims);
  const { rng, range = [0.9, 1.1], fill = 0 } = options;
  checkRange("scaleJitter", "range", range, Number.MIN_VALUE);
  const s = rng.uniform(range[0], range[1]);
  const h = Math.max(1, Math.round(dims.height * s));
  const w = Math.max(1, Math.round(dims.width * s));
  if (h === dims.height && w === dims.width) return image.slice();
  const resized = resizeBilinear(image, dims, { height: h, width: w });
  const top = Math.floor((h - dims.height) / 2);
  const left = Math.floor((w - dims.width) / 2);
  return window(resized, { height: h, width: w, channels: dims.channels }, {
    top,
    left,
    height: dims.height,
    width: dims.width,
  }, fill);
}

/**
 * Random crop that keeps the image size: pad-and-crop (mode "pad", as torchvision's RandomCrop(padding)) or
 * crop-and-resize (mode "resize", as torchvision's RandomResizedCrop).
 *
 * @example
 * const cropped = randomCrop(image, dims, { rng, mode: "pad", padding: 2 });
 */
export function randomCrop(
  image: Float32Array,
  dims: ImageDims,
  options: CropOptions & { rng: Rng },
): Float32Array {
  checkImage("randomCrop", image, dims);
  const { rng, mode = "pad", padding = 4, fill = 0, scaleRange = [0.8, 1], aspectRange = [0.75, 4 / 3] } =
    options;
  const { height, width } = dims;
  if (mode === "pad") {
    if (!(Number.isInteger(padding) && padding >= 0)) {
      throw new AugmentError(`randomCrop: padding must be an integer ≥ 0, got ${padding}`);
    }
    const top = rng.int(2 * padding + 1) - padding;
    const left = rng.int(2 * padding + 1) - padding;
    return window(image, dims, { top, left, height, width }, fill);
  }
  if (mode !== "resize") throw new AugmentError(`randomCrop: mode must be "pad" or "resize", got "${mode}"`);
  checkRange("randomCrop", "scaleRange", scaleRange, Number.MIN_VALUE);
  checkRange("randomCrop", "aspectRange", aspectRange, Number.MIN_VALUE);
  const area = height * width;
  let box: Box = { top: 0, left: 0, height, width };
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scaleRange[0], Math.min(scaleRange[1], 1));
    const ratio = Math.exp(rng.uniform(Math.log(aspectRange[0]), Math.log(aspectRange[1])));
    const w = Math.round(Math.sqrt(target * ratio));
    const h = Math.round(Math.sqrt(target / ratio));
    if (w >= 1 && h >= 1 && w <= width && h <= height) {
      box = { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
      break;
    }
  }
  const crop = window(image, dims, box, fill);
  return resizeBilinear(crop, { height: box.height, width: box.width, channels: dims.channels }, {
    height,
    width,
  });
}

/**
 * Draw the rectangle random erasing would erase (Zhong et al., Alg. 1): area S_e = S · U(s_l, s_h), aspect
 * r_e = exp U(ln r_1, ln r_2), H_e = round(√(S_e r_e)), W_e = round(√(S_e / r_e)), position uniform.
 * A draw is rejected (and redrawn, up to `maxAttempts`) when it does not fit, or when rounding moved its area
 * fraction H_e·W_e / S outside [s_l, s_h], so the erased fraction always lies in the range. Null when every
 * attempt failed.
 *
 * @example
 * const box = sampleErasingBox({ height: 32, width: 32, channels: 1 }, { rng });
 */
export function sampleErasingBox(
  dims: ImageDims,
  options: Omit<ErasingOptions, "fill" | "probability"> & { rng: Rng },
): Box | null {
  const { rng, areaRange = [0.02, 0.33], aspectRange = [0.3, 3.3], maxAttempts = 10 } = options;
  checkRange("randomErasing", "areaRange", areaRange);
  checkRange("randomErasing", "aspectRange", aspectRange, Number.MIN_VALUE);
  const { height, width } = dims;
  const area = height * width;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const target = area * rng.uniform(areaRange[0], areaRange[1]);
    const ratio = Math.exp(rng.uniform(Math.log(aspectRange[0]), Math.log(aspectRange[1])));
    const h = Math.round(Math.sqrt(target * ratio));
    const w = Math.round(Math.sqrt(target / ratio));
    const fraction = (h * w) / area;
    if (h < 1 || w < 1 || h >= height || w >= width) continue;
    if (fraction < areaRange[0] || fraction > areaRange[1]) continue;
    return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
  }
  return null;
}

/**
 * Random erasing (Zhong et al., AAAI 2020): with probability p, fill one random rectangle (see
 * {@linkcode sampleErasingBox}) with `fill` (or standard-normal values when fill is "random").
 *
 * @example
 * const erased = randomErasing(image, dims, { rng, probability: 1, areaRange: [0.02, 0.2] });
 */
export function randomErasing(
  image: Float32Array,
  dims: ImageDims,
  options: ErasingOptions & { rng: Rng },
): Float32Array {
  checkImage("randomErasing", image, dims);
  const { rng, probability = 0.5, fill = 0 } = options;
  const out = image.slice();
  if (!rng.bernoulli(probability)) return out;
  const box = sampleErasingBox(dims, options);
  if (box === null) return out;
  const { width, channels } = dims;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = fill === "random" ? rng.normal() : fill;
    }
  }
  return out;
}

function resolve<T extends object>(option: boolean | T | undefined): T | undefined {
  if (option === undefined || option === false) return undefined;
  return option === true ? ({} as T) : option;
}

/**
 * Apply the augmentations selected in `options` to one image, in the order scale jitter → crop → flip →
 * noise → erasing, each with its probability.
 *
 * @example
 * const out = augmentImage(sample.image, sample, { ...SEED_AUGMENTATION, rng: new Rng(3) });
 */
export function augmentImage(
  image: Float32Array,
  dims: ImageDims,
  options: AugmentOptions & { rng: Rng },
): Float32Array {
  const { rng } = options;
  let out = image;
  const scale = resolve(options.scale);
  if (scale && rng.bernoulli(scale.probability ?? 0.5)) out = scaleJitter(out, dims, { ...scale, rng });
  const crop = resolve(options.crop);
  if (crop && rng.bernoulli(crop.probability ?? 1)) out = randomCrop(out, dims, { ...crop, rng });
  const flip = resolve(options.flip);
  if (flip && rng.bernoulli(flip.probability ?? 0.5)) out = flipHorizontal(out, dims);
  const noise = resolve(options.noise);
  if (noise && rng.bernoulli(noise.probability ?? 1)) out = addGaussianNoise(out, { ...noise, rng });
  const erasing = resolve(options.erasing);
  if (erasing) out = randomErasing(out, dims, { ...erasing, rng });
  return out === image ? image.slice() : out;
}
