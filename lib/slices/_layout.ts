/**
 * Display convention and square layout shared by slicing and its inverse.
 *
 * @module
 */

/** Anatomical slicing axes. */
export type AxisName = "sagittal" | "coronal" | "axial";

/** All axes, in output order. */
export const AXES: readonly AxisName[] = ["sagittal", "coronal", "axial"];

/**
 * How each axis is cut and shown, in canonical (RAS+) voxel axes 0 = R, 1 = A, 2 = S.
 * Rows run from the top of the image, i.e. from the highest canonical index of `rowAxis` down.
 * Columns run with increasing `colAxis` index.
 * - sagittal: slice along R; superior up, anterior to the right;
 * - coronal: slice along A; superior up, patient's left on the image's left (neurological);
 * - axial: slice along S; anterior up, patient's left on the image's left (neurological).
 */
export const PLANES: Record<AxisName, { sliceAxis: number; rowAxis: number; colAxis: number }> = {
  sagittal: { sliceAxis: 0, rowAxis: 2, colAxis: 1 },
  coronal: { sliceAxis: 1, rowAxis: 2, colAxis: 0 },
  axial: { sliceAxis: 2, rowAxis: 1, colAxis: 0 },
};

/**
 * How pixels are read between voxel centres: "bilinear" for intensities and CAMs, "nearest" for labels
 * and masks (a pixel takes the voxel whose extent holds its centre; values never mix).
 */
export type Interpolation = "bilinear" | "nearest";

/** Native grid of one slice plane. */
export interface PlaneGrid {
  /** Voxel rows of the plane before resampling. */
  rows: number;
  /** Voxel columns of the plane before resampling. */
  cols: number;
  /** Voxel size (mm) down the rows. */
  rowSpacing: number;
  /** Voxel size (mm) along the columns. */
  colSpacing: number;
}

/**
 * Normalised position (0 at the image's top/left edge, 1 at the bottom/right edge) of a point `mm` from
 * the plane's top/left edge, for a plane of physical length `lengthMm` centred in a square field of view
 * of side `fovMm` = max(height, width) mm: u = 1/2 + (mm - lengthMm/2) / fovMm.
 */
export function toUnit(mm: number, lengthMm: number, fovMm: number): number {
  return 0.5 + (mm - lengthMm / 2) / fovMm;
}

/** Per output pixel along one dimension: source index pair and weight, or pad. */
export interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
  pad: Uint8Array;
}

/**
 * Taps to resample `n` voxels of size `spacing` into `out` pixels spanning a field of view `fovMm`
 * (pixel centres at (p + 1/2)/out, voxel centres at (i + 1/2)·spacing). Pixels whose centre falls outside
 * the plane are padding; inside, linear interpolation clamps to the edge voxels for the half voxel at
 * each border (half-pixel centres, like align_corners = false). Nearest: the voxel ⌊mm / spacing⌋.
 */
export function axisTaps(
  n: number,
  spacing: number,
  out: number,
  fovMm: number,
  interpolation: Interpolation = "bilinear",
): AxisTaps {
  const lengthMm = n * spacing;
  const taps: AxisTaps = {
    i0: new Int32Array(out),
    i1: new Int32Array(out),
    w: new Float32Array(out),
    pad: new Uint8Array(out),
  };
  for (let p = 0; p < out; p++) {
    const mm = ((p + 0.5) / out - 0.5) * fovMm + lengthMm / 2;
    if (mm < 0 || mm > lengthMm) {
      taps.pad[p] = 1;
      continue;
    }
    if (interpolation === "nearest") {
      const i = Math.min(Math.floor(mm / spacing), n - 1);
      taps.i0[p] = i;
      taps.i1[p] = i;
      continue;
    }
    const f = Math.min(Math.max(mm / spacing - 0.5, 0), n - 1);
    const i0 = Math.floor(f);
    taps.i0[p] = i0;
    taps.i1[p] = Math.min(i0 + 1, n - 1);
    taps.w[p] = f - i0;
  }
  return taps;
}

/** Bilinear resampling of a row-major plane to height x width with precomputed taps. */
export function resamplePlane(
  plane: Float32Array,
  cols: number,
  rowTaps: AxisTaps,
  colTaps: AxisTaps,
  padValue: number,
): Float32Array {
  const height = rowTaps.w.length, width = colTaps.w.length;
  const out = new Float32Array(height * width);
  for (let r = 0; r < height; r++) {
    const o = r * width;
    if (rowTaps.pad[r]) {
      out.fill(padValue, o, o + width);
      continue;
    }
    const a = rowTaps.i0[r] * cols, b = rowTaps.i1[r] * cols, wy = rowTaps.w[r];
    for (let c = 0; c < width; c++) {
      if (colTaps.pad[c]) {
        out[o + c] = padValue;
        continue;
      }
      const c0 = colTaps.i0[c], c1 = colTaps.i1[c], wx = colTaps.w[c];
      const top = plane[a + c0] + (plane[a + c1] - plane[a + c0]) * wx;
      const bottom = plane[b + c0] + (plane[b + c1] - plane[b + c0]) * wx;
      out[o + c] = top + (bottom - top) * wy;
    }
  }
  return out;
}

/** Value of a row-major h x w map at pixel (round(fy), round(fx)), clamped to the edges. */
export function sampleNearest(map: ArrayLike<number>, h: number, w: number, fy: number, fx: number): number {
  const y = Math.min(Math.max(Math.round(fy), 0), h - 1), x = Math.min(Math.max(Math.round(fx), 0), w - 1);
  return map[y * w + x];
}

/** Bilinear sample of a row-major h x w map at fractional pixel (fy, fx), clamped to the edges. */
export function sampleBilinear(map: ArrayLike<number>, h: number, w: number, fy: number, fx: number): number {
  const y = Math.min(Math.max(fy, 0), h - 1), x = Math.min(Math.max(fx, 0), w - 1);
  const y0 = Math.floor(y), x0 = Math.floor(x);
  const y1 = Math.min(y0 + 1, h - 1), x1 = Math.min(x0 + 1, w - 1);
  const wy = y - y0, wx = x - x0;
  const top = map[y0 * w + x0] + (map[y0 * w + x1] - map[y0 * w + x0]) * wx;
  const bottom = map[y1 * w + x0] + (map[y1 * w + x1] - map[y1 * w + x0]) * wx;
  return top + (bottom - top) * wy;
}

/** Indices of the centre `count` slices of `n`: start = floor((n - count) / 2); all n when n ≤ count. */
export function centreSlices(n: number, count: number): number[] {
  const k = Math.min(Math.max(Math.floor(count), 0), n);
  const start = Math.floor((n - k) / 2);
  return Array.from({ length: k }, (_, i) => start + i);
}
