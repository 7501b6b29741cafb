/**
 * 2.5D slicing: the centre slices of a 3-D map along each anatomical axis, as square images.
 *
 * @module
 */

import type { Volume } from "../nifti/mod.ts";
import {
  AXES,
  type AxisName,
  axisTaps,
  centreSlices,
  type Interpolation,
  type PlaneGrid,
  PLANES,
  resamplePlane,
} from "./_layout.ts";
import { SliceError } from "./errors.ts";
import {
  applyNormalization,
  fitNormalization,
  maskChoice,
  type NormalizationOptions,
  type NormalizationRecord,
  normalizeValue,
} from "./normalize.ts";
import { type CanonicalGrid, toCanonical } from "./orientation.ts";

export type { AxisName, Interpolation, PlaneGrid };

/** Where a slice image came from. */
export interface SliceProvenance {
  /** Subject id, when given. */
  subject?: string;
  /** Acquisition name (e.g. "RL_dir80_corrected"), when given. */
  acquisition?: string;
  /** Source file or map name, when given. */
  source?: string;
  /** Anatomical axis the slice is cut across. */
  axis: AxisName;
  /** Slice index along the canonical RAS+ axis (R for sagittal, A for coronal, S for axial). */
  rasIndex: number;
  /** Source storage axis (0, 1, 2) the slice index runs along. */
  voxelAxis: number;
  /** Slice index along `voxelAxis` in the source voxel grid (storage order). */
  voxelIndex: number;
  /** Axis codes of the source grid, e.g. "LPI". */
  orientation: string;
  /** Native slice plane before resampling. */
  plane: PlaneGrid;
  /** How the plane was resampled to the image. */
  interpolation: Interpolation;
  /** Non-finite voxels (NaN, ±Inf) in the whole map, replaced by the raw pad value; absent when none. */
  nonFiniteVoxels?: number;
}

/** One slice as a single-channel image. */
export interface SliceImage {
  /** height·width values, row-major, row 0 at the top. */
  data: Float32Array;
  /** Rows of the image. */
  height: number;
  /** Columns of the image. */
  width: number;
  /** Where the slice came from. */
  provenance: SliceProvenance;
  /** The intensity normalisation applied (padding included). */
  normalization: NormalizationRecord;
}

/** Options of {@linkcode sliceVolume}. */
export interface SliceOptions {
  /** Centre slices per axis (all of them when the axis is shorter). @default 16 */
  count?: number;
  /** Side of the square output image, pixels. @default 224 */
  size?: number;
  /** Axes to cut, in this order. @default ["sagittal", "coronal", "axial"] */
  axes?: AxisName[];
  /** Intensity normalisation. @default { method: "none" } */
  normalization?: NormalizationOptions;
  /** Raw value of the padding that squares the image; it is normalised like a voxel. @default 0 */
  padValue?: number;
  /** Resampling: "nearest" keeps labels and masks crisp. @default "bilinear" */
  interpolation?: Interpolation;
  /** Frame of a 4-D volume to slice. @default 0 */
  frame?: number;
  /** Recorded in each image's provenance. @default undefined */
  subject?: string;
  /** Recorded in each image's provenance. @default undefined */
  acquisition?: string;
  /** Recorded in each image's provenance and used in error messages. @default undefined */
  source?: string;
}

/**
 * Cut the centre `count` slices along each anatomical axis of a 3-D map into square images.
 *
 * Steps: reorient to the closest canonical RAS+ grid (permute/flip only, see `toCanonical`), so the same
 * anatomy gives the same images whatever the storage order; take slices start = ⌊(n - count)/2⌋ …
 * start + count - 1 along R (sagittal), A (coronal), S (axial); lay each out in the display convention
 * of `PLANES` (superior up; anterior up in axial; neurological left-right); normalise intensities;
 * resample bilinearly to size x size keeping the physical aspect from pixdim: the plane's longer side
 * spans the full image and the shorter one is centred with padding (`padValue`) on both sides.
 * Non-finite voxels become `padValue` before anything else (counted in `provenance.nonFiniteVoxels`).
 *
 * @example
 * const images = sliceVolume(fa, { count: 16, size: 224, subject: "HCD0001", normalization: { method: "minmax" } });
 * images.length; // 48
 */
export function sliceVolume(volume: Volume, options: SliceOptions = {}): SliceImage[] {
  const input = options.source ?? "volume";
  const size = options.size ?? 224;
  const count = options.count ?? 16;
  if (!Number.isInteger(size) || size < 1) {
    throw new SliceError(input, `size must be a positive integer, got ${size}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new SliceError(input, `count must be a positive integer, got ${count}`);
  }
  const axes = options.axes ?? [...AXES];
  for (const a of axes) if (!(a in PLANES)) throw new SliceError(input, `unknown axis "${a}"`);
  const norm = options.normalization ?? {};
  const padValue = options.padValue ?? 0;
  const interpolation = options.interpolation ?? "bilinear";
  if (interpolation !== "bilinear" && interpolation !== "nearest") {
    throw new SliceError(input, `interpolation must be "bilinear" or "nearest", got "${interpolation}"`);
  }
  const grid = toCanonical(volume, { frame: options.frame, input });
  // NaN/±Inf voxels would poison every pixel they touch: they become the raw pad value, and are counted.
  let nonFinite = 0;
  for (let i = 0; i < grid.data.length; i++) {
    if (!Number.isFinite(grid.data[i])) {
      grid.data[i] = padValue;
      nonFinite++;
    }
  }
  const mask = canonicalMask(volume, grid, norm, input);
  const include = maskPredicate(grid.data, mask, norm);
  const volumeRecord = (norm.scope ?? "volume") === "volume"
    ? fitNormalization(grid.data, include, norm)
    : null;

  const images: SliceImage[] = [];
  for (const axis of axes) {
    const { sliceAxis, rowAxis, colAxis } = PLANES[axis];
    const plane: PlaneGrid = {
      rows: grid.shape[rowAxis],
      cols: grid.shape[colAxis],
      rowSpacing: grid.spacing[rowAxis],
      colSpacing: grid.spacing[colAxis],
    };
    const fov = Math.max(plane.rows * plane.rowSpacing, plane.cols * plane.colSpacing);
    const rowTaps = axisTaps(plane.rows, plane.rowSpacing, size, fov, interpolation);
    const colTaps = axisTaps(plane.cols, plane.colSpacing, size, fov, interpolation);
    const voxelAxis = grid.orientation.voxelAxis[sliceAxis];
    const n = grid.shape[sliceAxis];
    for (const rasIndex of centreSlices(n, count)) {
      const values = extractPlane(grid.data, grid.shape, axis, rasIndex);
      let record = volumeRecord;
      if (record === null) {
        const planeMask = mask === null ? null : extractPlane(mask, grid.shape, axis, rasIndex);
        record = fitNormalization(values, maskPredicate(values, planeMask, norm), norm);
      }
      applyNormalization(values, record);
      const data = resamplePlane(values, plane.cols, rowTaps, colTaps, normalizeValue(padValue, record));
      images.push({
        data,
        height: size,
        width: size,
        provenance: {
          ...(options.subject !== undefined ? { subject: options.subject } : {}),
          ...(options.acquisition !== undefined ? { acquisition: options.acquisition } : {}),
          ...(options.source !== undefined ? { source: options.source } : {}),
          axis,
          rasIndex,
          voxelAxis,
          voxelIndex: grid.orientation.sign[voxelAxis] > 0 ? rasIndex : n - 1 - rasIndex,
          orientation: grid.orientation.codes,
          plane: { ...plane },
          interpolation,
          ...(nonFinite > 0 ? { nonFiniteVoxels: nonFinite } : {}),
        },
        normalization: { ...record, clip: [record.clip[0], record.clip[1]] },
      });
    }
  }
  return images;
}

/**
 * One canonical plane as a row-major rows x cols Float32Array in the display convention of `PLANES`.
 */
export function extractPlane(
  data: ArrayLike<number>,
  shape: [number, number, number],
  axis: AxisName,
  index: number,
): Float32Array {
  const { sliceAxis, rowAxis, colAxis } = PLANES[axis];
  const strides = [1, shape[0], shape[0] * shape[1]];
  const rows = shape[rowAxis], cols = shape[colAxis];
  const out = new Float32Array(rows * cols);
  const base = index * strides[sliceAxis];
  for (let r = 0; r < rows; r++) {
    const rowBase = base + (rows - 1 - r) * strides[rowAxis];
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[rowBase + c * strides[colAxis]];
  }
  return out;
}

function canonicalMask(
  volume: Volume,
  grid: CanonicalGrid,
  norm: NormalizationOptions,
  input: string,
): Float32Array | null {
  const m = norm.mask;
  if (m === undefined || typeof m === "string") return null;
  const n = grid.sourceShape[0] * grid.sourceShape[1] * grid.sourceShape[2];
  if (m.length !== n) {
    throw new SliceError(input, `normalization mask has ${m.length} values, the volume's 3-D grid has ${n}`);
  }
  const data = m instanceof Float32Array ? m : Float32Array.from(m);
  return toCanonical({ ...volume, shape: [...grid.sourceShape], data }, { input }).data;
}

function maskPredicate(
  values: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  norm: NormalizationOptions,
): ((i: number) => boolean) | null {
  const choice = maskChoice(norm);
  if (choice === "mask" && mask !== null) return (i) => mask[i] !== 0;
  if (choice === "nonzero") return (i) => values[i] !== 0;
  return null;
}
