/**
 * Byte images (what PNG encodes) and float maps (what slices and CAMs are), and the step between them.
 *
 * @module
 */

import { VizError } from "./errors.ts";

/** An 8-bit image, row-major, channels interleaved, row 0 at the top. */
export interface RasterImage {
  /** height·width·channels bytes. */
  data: Uint8Array;
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA. */
  channels: 1 | 2 | 3 | 4;
}

/** A single-channel float map (a slice image, a CAM): height·width values, row-major, row 0 at the top. */
export interface FloatMap {
  /** height·width values. */
  data: ArrayLike<number>;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
}

/** Value range mapped to [0, 1]: fixed bounds, or "auto" for the map's own min and max. */
export type ValueRange = [number, number] | "auto";

/**
 * Lower and upper bound of a range for a map; "auto" gives the finite min and max.
 * A flat or empty range gives [lo, lo + 1] so everything maps to 0 (never NaN).
 */
export function resolveRange(values: ArrayLike<number>, range: ValueRange): [number, number] {
  let lo: number, hi: number;
  if (range === "auto") {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(lo)) lo = 0;
  } else {
    [lo, hi] = range;
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * Scale a float map to [0, 1]: t = clip((v - lo) / (hi - lo), 0, 1); NaN becomes 0.
 */
export function unitScale(map: FloatMap, range: ValueRange = [0, 1]): Float32Array {
  checkMap(map, "map");
  const [lo, hi] = resolveRange(map.data, range);
  const out = new Float32Array(map.height * map.width);
  const inv = 1 / (hi - lo);
  for (let i = 0; i < out.length; i++) {
    const t = (map.data[i] - lo) * inv;
    out[i] = t > 0 ? (t < 1 ? t : 1) : 0;
  }
  return out;
}

/** Options of {@linkcode toGray}. */
export interface ToGrayOptions {
  /** Values mapped to black and white. @default [0, 1] */
  range?: ValueRange;
}

/**
 * A float map as an 8-bit gray image: byte = round(255 · clip((v - lo) / (hi - lo), 0, 1)).
 *
 * @example
 * const png = encodePng(toGray(slice, { range: "auto" }));
 */
export function toGray(map: FloatMap, options: ToGrayOptions = {}): RasterImage {
  const unit = unitScale(map, options.range ?? [0, 1]);
  const data = new Uint8Array(unit.length);
  for (let i = 0; i < unit.length; i++) data[i] = Math.round(unit[i] * 255);
  return { data, width: map.width, height: map.height, channels: 1 };
}

/** Convert to RGB (gray replicated, alpha dropped by compositing over `background`). */
export function toRgb(image: RasterImage, background: [number, number, number] = [0, 0, 0]): RasterImage {
  checkRaster(image, "image");
  if (image.channels === 3) return image;
  const n = image.width * image.height, c = image.channels;
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const s = p * c;
    const rgb = c <= 2
      ? [image.data[s], image.data[s], image.data[s]]
      : [image.data[s], image.data[s + 1], image.data[s + 2]];
    const a = c === 2 ? image.data[s + 1] / 255 : c === 4 ? image.data[s + 3] / 255 : 1;
    for (let k = 0; k < 3; k++) data[p * 3 + k] = Math.round(rgb[k] * a + background[k] * (1 - a));
  }
  return { data, width: image.width, height: image.height, channels: 3 };
}

/** Bilinear resize of a float map (half-pixel centres, edges clamped), e.g. a 14 x 14 CAM to 224 x 224. */
export function resizeMap(map: FloatMap, height: number, width: number): FloatMap {
  checkMap(map, "map");
  if (map.height === height && map.width === width) return map;
  const out = new Float32Array(height * width);
  const sy = map.height / height, sx = map.width / width;
  for (let r = 0; r < height; r++) {
    const fy = Math.min(Math.max((r + 0.5) * sy - 0.5, 0), map.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, map.height - 1), wy = fy - y0;
    for (let c = 0; c < width; c++) {
      const fx = Math.min(Math.max((c + 0.5) * sx - 0.5, 0), map.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, map.width - 1), wx = fx - x0;
      const d = map.data, w = map.width;
      const top = d[y0 * w + x0] + (d[y0 * w + x1] - d[y0 * w + x0]) * wx;
      const bottom = d[y1 * w + x0] + (d[y1 * w + x1] - d[y1 * w + x0]) * wx;
      out[r * width + c] = top + (bottom - top) * wy;
    }
  }
  return { data: out, height, width };
}

/** Throw a VizError unless `map` is a consistent height x width float map. */
export function checkMap(map: FloatMap, input: string): void {
  if (!(Number.isInteger(map.height) && Number.isInteger(map.width) && map.height > 0 && map.width > 0)) {
    throw new VizError(input, `size ${map.height}x${map.width} is not a positive integer size`);
  }
  if (map.data.length !== map.height * map.width) {
    throw new VizError(
      input,
      `has ${map.data.length} values, ${map.height}x${map.width} needs ${map.height * map.width}`,
    );
  }
}

/** Throw a VizError unless `image` is a consistent 8-bit raster. */
export function checkRaster(image: RasterImage, input: string): void {
  if (![1, 2, 3, 4].includes(image.channels)) {
    throw new VizError(input, `channels must be 1 to 4, got ${image.channels}`);
  }
  const n = image.width * image.height * image.channels;
  if (!(image.width > 0 && image.height > 0) || image.data.length !== n) {
    throw new VizError(
      input,
      `has ${image.data.length} bytes, ${image.height}x${image.width}x${image.channels} needs ${n}`,
    );
  }
}
