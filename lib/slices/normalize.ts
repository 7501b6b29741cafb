/**
 * Intensity normalisation of slice images, with a record of exactly what was applied.
 *
 * Every method is the affine map v' = (clip(v, lo, hi) - offset) / scale; the record keeps offset,
 * scale and the clip bounds in raw units so the transform can be inverted or repeated.
 *
 * @module
 */

/** Normalisation methods. */
export type NormalizationMethod = "none" | "minmax" | "zscore" | "percentile";

/** Which voxels the statistics are computed on: every voxel, the non-zero ones, or a given mask. */
export type MaskChoice = "all" | "nonzero" | "mask";

/** Options for normalising intensities. */
export interface NormalizationOptions {
  /**
   * - "none": values as stored;
   * - "minmax": (v - min) / (max - min) → [0, 1];
   * - "zscore": (v - μ) / σ, μ and σ (population) over the mask;
   * - "percentile": clip to the [p_lo, p_hi] percentiles, then (v - p_lo) / (p_hi - p_lo) → [0, 1].
   * @default "none"
   */
  method?: NormalizationMethod;
  /** Statistics over the whole 3-D map ("volume") or each slice's own plane ("slice"). @default "volume" */
  scope?: "volume" | "slice";
  /**
   * Voxels the statistics use. A mask array (same grid as the volume) is used where non-zero.
   * @default "nonzero" for "zscore" and "percentile", "all" otherwise
   */
  mask?: "all" | "nonzero" | ArrayLike<number>;
  /** Percentiles (0–100) for "percentile", linear interpolation as numpy's default. @default [1, 99] */
  percentiles?: [number, number];
  /** Spreads below eps count as flat: scale becomes 1, so a flat map maps to zeros, never NaN. @default 1e-8 */
  eps?: number;
}

/** What normalisation was applied to an image: v' = (min(max(v, clip[0]), clip[1]) - offset) / scale. */
export interface NormalizationRecord {
  /** Method applied. */
  method: NormalizationMethod;
  /** Whether the statistics came from the whole map or from each slice. */
  scope: "volume" | "slice";
  /** Which voxels the statistics used. */
  mask: MaskChoice;
  /** Subtracted after clipping (raw units). */
  offset: number;
  /** Divided by after subtracting (raw units); 1 when the statistics were flat. */
  scale: number;
  /** Clip bounds in raw units; [-Infinity, Infinity] when nothing is clipped. */
  clip: [number, number];
  /** Percentiles used, for "percentile". */
  percentiles?: [number, number];
  /** Number of voxels the statistics were computed on (0 → identity transform). */
  count: number;
}

/**
 * Fit a normalisation to `values` (only where `include(i)` holds) and return its record.
 *
 * No masked voxels, or a flat selection, gives an offset-only transform (scale 1) so nothing is NaN.
 */
export function fitNormalization(
  values: ArrayLike<number>,
  include: ((i: number) => boolean) | null,
  options: NormalizationOptions = {},
): NormalizationRecord {
  const method = options.method ?? "none";
  const scope = options.scope ?? "volume";
  const eps = options.eps ?? 1e-8;
  const mask = maskChoice(options);
  const record: NormalizationRecord = {
    method,
    scope,
    mask,
    offset: 0,
    scale: 1,
    clip: [-Infinity, Infinity],
    count: 0,
  };
  if (method === "none") return record;
  const selected: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && (include === null || include(i))) selected.push(v);
  }
  record.count = selected.length;
  if (selected.length === 0) return record;
  if (method === "minmax") {
    let lo = Infinity, hi = -Infinity;
    for (const v of selected) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    record.offset = lo;
    record.scale = hi - lo > eps ? hi - lo : 1;
  } else if (method === "zscore") {
    let sum = 0;
    for (const v of selected) sum += v;
    const mean = sum / selected.length;
    let ss = 0;
    for (const v of selected) ss += (v - mean) * (v - mean);
    const sd = Math.sqrt(ss / selected.length);
    record.offset = mean;
    record.scale = sd > eps ? sd : 1;
  } else if (method === "percentile") {
    const p = options.percentiles ?? [1, 99];
    const sorted = Float64Array.from(selected).sort();
    const lo = percentile(sorted, p[0]), hi = percentile(sorted, p[1]);
    record.percentiles = [p[0], p[1]];
    record.clip = [lo, hi];
    record.offset = lo;
    record.scale = hi - lo > eps ? hi - lo : 1;
  } else {
    throw new RangeError(`normalization: unknown method "${method}"`);
  }
  return record;
}

/** Apply a record to one value: (clip(v) - offset) / scale; NaN stays NaN only if the input was NaN. */
export function normalizeValue(v: number, record: NormalizationRecord): number {
  const c = v < record.clip[0] ? record.clip[0] : v > record.clip[1] ? record.clip[1] : v;
  return (c - record.offset) / record.scale;
}

/** Apply a record in place to a Float32Array and return it. */
export function applyNormalization(values: Float32Array, record: NormalizationRecord): Float32Array {
  if (record.method === "none") return values;
  for (let i = 0; i < values.length; i++) values[i] = normalizeValue(values[i], record);
  return values;
}

/** The p-th percentile (0–100) of ascending `sorted`, linear between order statistics (numpy "linear"). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = Math.min(Math.max(p, 0), 100) / 100 * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The mask choice the options resolve to. */
export function maskChoice(options: NormalizationOptions): MaskChoice {
  const m = options.mask;
  if (m === undefined) {
    return options.method === "zscore" || options.method === "percentile" ? "nonzero" : "all";
  }
  return typeof m === "string" ? m : "mask";
}
