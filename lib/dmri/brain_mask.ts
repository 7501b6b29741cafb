/**
 * Brain mask from the b0 images: dipy's `median_otsu`, optionally keeping the largest component.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";

/** Options of {@linkcode brainMask}. */
export interface BrainMaskOptions {
  /** Radius r of the (2r+1)³ median filter. dipy's default is 4 (slow for large volumes). @default 2 */
  medianRadius?: number;
  /** Passes of the median filter. dipy's default is 4. @default 1 */
  numPass?: number;
  /** Keep only the largest 6-connected component of the thresholded image. @default true */
  largestComponent?: boolean;
  /** Histogram bins of the Otsu threshold. @default 256 */
  bins?: number;
}

/**
 * A brain mask (uint8 0/1 Volume, the DWI's affine) by dipy's `median_otsu` method:
 * mean of the b0 volumes (b ≤ b0Threshold) → `numPass` passes of a (2r+1)³ median filter (edges
 * reflected, as scipy's `median_filter`) → Otsu threshold on a `bins`-bin histogram (dipy's `otsu`:
 * the left edge of the bin that maximises the between-class variance) → voxels above it →
 * optionally the largest 6-connected component.
 *
 * @param dwi 4-D DWI volume (nx, ny, nz, N).
 * @param gtab Its gradient table; at least one volume must be a b0 image.
 * @example
 * const mask = brainMask(dwi, gtab);
 * const maps = fitTensor(dwi, gtab, { mask });
 */
export function brainMask(dwi: Volume, gtab: GradientTable, options: BrainMaskOptions = {}): Volume {
  const { medianRadius = 2, numPass = 1, largestComponent = true, bins = 256 } = options;
  const [nx, ny, nz, n] = dwi.shape;
  if (dwi.shape.length < 4 || n !== gtab.count) {
    throw new DmriError(
      gtab.source,
      `has ${gtab.count} entries but the DWI has shape (${dwi.shape.join(", ")})`,
    );
  }
  const b0s: number[] = [];
  for (let t = 0; t < n; t++) if (gtab.b0Mask[t]) b0s.push(t);
  if (b0s.length === 0) {
    throw new DmriError(gtab.source, `no b0 volume (b ≤ ${gtab.b0Threshold}) to build a brain mask from`);
  }
  const nvox = nx * ny * nz;
  let img: Float64Array = new Float64Array(nvox);
  const data = dwi.data;
  for (const t of b0s) for (let v = 0; v < nvox; v++) img[v] += Number(data[t * nvox + v]);
  for (let v = 0; v < nvox; v++) img[v] /= b0s.length;
  for (let p = 0; p < numPass; p++) img = medianFilter3(img, [nx, ny, nz], { radius: medianRadius });
  const threshold = otsuThreshold(img, bins);
  let mask: Uint8Array = new Uint8Array(nvox);
  for (let v = 0; v < nvox; v++) mask[v] = img[v] > threshold ? 1 : 0;
  if (largestComponent) mask = keepLargestComponent(mask, [nx, ny, nz]);
  return {
    shape: [nx, ny, nz],
    datatype: "uint8",
    data: mask,
    affine: dwi.affine.map((r) => [...r]),
    pixdim: dwi.pixdim.slice(0, 3),
    provenance: {
      tool: "cam-dmri brainMask",
      method: "median_otsu",
      medianRadius,
      numPass,
      largestComponent,
      bins,
    },
  };
}

/**
 * Otsu's threshold as dipy's `otsu` (copied from scikit-image): histogram with `bins` equal bins over
 * [min, max]; returns the left edge of the bin k maximising w₁(k) w₂(k+1) (μ₁(k) − μ₂(k+1))², class means
 * taken at the right bin edges.
 */
export function otsuThreshold(values: ArrayLike<number>, bins = 256): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(hi > lo)) return lo;
  const hist = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    let k = Math.floor((values[i] - lo) / width);
    if (k >= bins) k = bins - 1; // numpy: the last bin is closed
    if (k >= 0) hist[k]++;
  }
  const right = (k: number) => lo + (k + 1) * width;
  const w1 = new Float64Array(bins), m1 = new Float64Array(bins);
  const w2 = new Float64Array(bins), m2 = new Float64Array(bins);
  let acc = 0, accM = 0;
  for (let k = 0; k < bins; k++) {
    acc += hist[k];
    accM += hist[k] * right(k);
    w1[k] = acc;
    m1[k] = accM / acc;
  }
  acc = accM = 0;
  for (let k = bins - 1; k >= 0; k--) {
    acc += hist[k];
    accM += hist[k] * right(k);
    w2[k] = acc;
    m2[k] = accM / acc;
  }
  let best = -Infinity, bestK = 0;
  for (let k = 0; k < bins - 1; k++) {
    const d = m1[k] - m2[k + 1];
    const v = w1[k] * w2[k + 1] * d * d;
    if (v > best) { // numpy argmax: the first maximum; NaN (empty classes) never wins
      best = v;
      bestK = k;
    }
  }
  return lo + bestK * width;
}

/**
 * (2r+1)³ median filter with scipy's "reflect" edges (d c b a | a b c d | d c b a), as scipy's
 * `median_filter(img, size=2r+1)`.
 *
 * @param img Values in NIfTI order.
 * @param shape [nx, ny, nz].
 */
export function medianFilter3(
  img: ArrayLike<number>,
  shape: number[],
  options: {
    /** Radius r of the (2r+1)³ window. @default 1 */
    radius?: number;
  } = {},
): Float64Array {
  const { radius = 1 } = options;
  const [nx, ny, nz] = shape;
  if (radius <= 0) return Float64Array.from(img);
  const out = new Float64Array(img.length);
  const w = 2 * radius + 1;
  const win = new Float64Array(w * w * w);
  const reflect = (i: number, n: number) => {
    // Half-sample symmetric, repeated for windows wider than the image.
    const period = 2 * n;
    i = ((i % period) + period) % period;
    return i < n ? i : period - 1 - i;
  };
  const ix = (d: number, n: number) =>
    Array.from({ length: n + 2 * radius }, (_, i) => reflect(i - radius, d));
  const xs = ix(nx, nx), ys = ix(ny, ny), zs = ix(nz, nz);
  const half = (win.length - 1) >> 1;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let k = 0;
        for (let dz = 0; dz < w; dz++) {
          const oz = zs[z + dz] * nx * ny;
          for (let dy = 0; dy < w; dy++) {
            const oy = oz + ys[y + dy] * nx;
            for (let dx = 0; dx < w; dx++) win[k++] = img[oy + xs[x + dx]];
          }
        }
        out[x + nx * (y + ny * z)] = select(win, half);
      }
    }
  }
  return out;
}

/** The k-th smallest value of a (reordered in place), by quickselect. */
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Keep the largest 6-connected component of a 0/1 mask (all zeros stays all zeros). */
export function keepLargestComponent(mask: ArrayLike<number>, shape: number[]): Uint8Array {
  const [nx, ny, nz] = shape;
  const labels = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  let label = 0, bestLabel = 0, bestSize = 0;
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || labels[s]) continue;
    label++;
    let top = 0, size = 0;
    stack[top++] = s;
    labels[s] = label;
    while (top > 0) {
      const v = stack[--top];
      size++;
      const x = v % nx, y = Math.floor(v / nx) % ny, z = Math.floor(v / (nx * ny));
      const visit = (u: number) => {
        if (mask[u] && !labels[u]) {
          labels[u] = label;
          stack[top++] = u;
        }
      };
      if (x > 0) visit(v - 1);
      if (x < nx - 1) visit(v + 1);
      if (y > 0) visit(v - nx);
      if (y < ny - 1) visit(v + nx);
      if (z > 0) visit(v - nx * ny);
      if (z < nz - 1) visit(v + nx * ny);
    }
    if (size > bestSize) [bestSize, bestLabel] = [size, label];
  }
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) out[v] = labels[v] === bestLabel && bestLabel > 0 ? 1 : 0;
  return out;
}
