/**
 * Orientation of a voxel grid from its affine, and reorientation to the closest canonical (RAS+) grid.
 *
 * Like nibabel's `io_orientation` + `as_closest_canonical`: each voxel axis is assigned the world axis
 * (R, A or S) its direction cosine points along most, and a sign. Reorienting only permutes and flips voxel axes (no interpolation), so the same anatomy stored in
 * any axis order and direction gives bit-identical canonical data.
 *
 * The axis assignment is lib/nifti's `ioOrientation` (nibabel's algorithm, polar decomposition included).
 *
 * @module
 */

import { ioOrientation, type Volume } from "../nifti/mod.ts";
import { SliceError } from "./errors.ts";

/** Where each voxel axis points in world (RAS+) space. */
export interface AxisOrientation {
  /** `worldAxis[i]`: world axis (0 = R, 1 = A, 2 = S) that voxel axis i runs along. */
  worldAxis: [number, number, number];
  /** `sign[i]`: +1 when increasing voxel index i moves towards +world (R, A, S), -1 when opposite. */
  sign: [number, number, number];
  /** `voxelAxis[w]`: the voxel axis that runs along world axis w (inverse of `worldAxis`). */
  voxelAxis: [number, number, number];
  /** Axis codes as nibabel's `aff2axcodes` writes them, e.g. "RAS", "LPI", "AIL". */
  codes: string;
}

const POSITIVE = "RAS";
const NEGATIVE = "LPI";

/**
 * Orientation of the voxel axes of a 4x4 voxel-to-world affine, by nibabel's `io_orientation`
 * (`ioOrientation` of lib/nifti: closest orthogonal matrix to the direction cosines, then for each voxel
 * axis in turn the unused world axis with the largest |cosine|, with its sign).
 *
 * @example
 * axisOrientation([[0, 0, -2, 74], [2, 0, 0, -110], [0, -2, 0, 84], [0, 0, 0, 1]]).codes; // "AIL"
 */
export function axisOrientation(affine: number[][], options: { input?: string } = {}): AxisOrientation {
  const input = options.input ?? "affine";
  if (!Array.isArray(affine) || affine.length < 3 || affine.slice(0, 3).some((r) => r.length < 3)) {
    throw new SliceError(input, "affine must be a 4x4 matrix");
  }
  for (let i = 0; i < 3; i++) {
    const norm = Math.hypot(affine[0][i], affine[1][i], affine[2][i]);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new SliceError(
        input,
        `affine column ${i} is zero or not finite: voxel axis ${i} has no direction`,
      );
    }
  }
  const ornt = ioOrientation(affine);
  const worldAxis: [number, number, number] = [-1, -1, -1];
  const sign: [number, number, number] = [1, 1, 1];
  const voxelAxis: [number, number, number] = [-1, -1, -1];
  ornt.forEach((o, i) => {
    if (o === null || voxelAxis[o[0]] >= 0) {
      throw new SliceError(input, `affine is degenerate: voxel axis ${i} has no world axis of its own`);
    }
    worldAxis[i] = o[0];
    sign[i] = o[1];
    voxelAxis[o[0]] = i;
  });
  const codes = worldAxis.map((w, i) => (sign[i] > 0 ? POSITIVE : NEGATIVE)[w]).join("");
  return { worldAxis, sign, voxelAxis, codes };
}

/** Options of {@linkcode toCanonical} and {@linkcode canonicalGeometry}. */
export interface CanonicalOptions {
  /** Volume index along the 4th axis to use when the volume is 4-D. @default 0 */
  frame?: number;
  /** Name used in error messages. @default "volume" */
  input?: string;
}

/** Geometry of the canonical grid of a volume, without the data. */
export interface CanonicalGeometry {
  /** [nx, ny, nz] along R, A, S. */
  shape: [number, number, number];
  /** Voxel sizes (mm) along R, A, S, taken from the volume's pixdim (or the affine's column norms). */
  spacing: [number, number, number];
  /** How the source voxel axes map to RAS. */
  orientation: AxisOrientation;
  /** Shape of the source volume's first three axes, in storage order. */
  sourceShape: [number, number, number];
  /** Source index of canonical voxel (x, y, z) = base + x·steps[0] + y·steps[1] + z·steps[2]. */
  base: number;
  /** Source index step per canonical step along R, A, S (negative where the source axis is flipped). */
  steps: [number, number, number];
  /** Offset of the chosen frame in the source data. */
  offset: number;
}

/** The data of a volume permuted and flipped into RAS+ voxel order. */
export interface CanonicalGrid extends CanonicalGeometry {
  /** Values as float32, index = x + nx·(y + ny·z) with x→R, y→A, z→S. */
  data: Float32Array;
}

/**
 * Canonical (RAS+) geometry of a volume: canonical voxel (x, y, z) is source voxel v with v_i = q_i when
 * sign_i = +1 and n_i - 1 - q_i when sign_i = -1, where q_i is the canonical coordinate along world axis
 * `worldAxis[i]`.
 */
export function canonicalGeometry(volume: Volume, options: CanonicalOptions = {}): CanonicalGeometry {
  const input = options.input ?? "volume";
  const { sourceShape, offset } = spatialFrame(volume, options.frame ?? 0, input);
  const orientation = axisOrientation(volume.affine, { input });
  const strides = [1, sourceShape[0], sourceShape[0] * sourceShape[1]];
  const shape = [0, 0, 0] as [number, number, number];
  const spacing = [1, 1, 1] as [number, number, number];
  const steps = [0, 0, 0] as [number, number, number];
  let base = 0;
  for (let w = 0; w < 3; w++) {
    const i = orientation.voxelAxis[w];
    shape[w] = sourceShape[i];
    spacing[w] = voxelSize(volume, i);
    steps[w] = orientation.sign[i] * strides[i];
    if (orientation.sign[i] < 0) base += (sourceShape[i] - 1) * strides[i];
  }
  return { shape, spacing, orientation, sourceShape, base, steps, offset };
}

/**
 * Permute and flip a volume's first three axes into RAS+ order (nibabel's `as_closest_canonical`),
 * converting values to float32. See {@linkcode canonicalGeometry} for the index map.
 *
 * @example
 * const grid = toCanonical(await readNifti("LPI.nii.gz"));  // grid.orientation.codes === "LPI"
 */
export function toCanonical(volume: Volume, options: CanonicalOptions = {}): CanonicalGrid {
  const geometry = canonicalGeometry(volume, options);
  const { shape, steps } = geometry;
  const src = volume.data;
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  const isBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
  const base = geometry.base + geometry.offset;
  let o = 0;
  for (let z = 0; z < shape[2]; z++) {
    for (let y = 0; y < shape[1]; y++) {
      let s = base + y * steps[1] + z * steps[2];
      for (let x = 0; x < shape[0]; x++, s += steps[0]) {
        data[o++] = isBig ? Number(src[s]) : (src[s] as number);
      }
    }
  }
  return { ...geometry, data };
}

/** Source voxel index (storage order, first frame) of canonical voxel (x, y, z). */
export function canonicalToSource(geometry: CanonicalGeometry, x: number, y: number, z: number): number {
  return geometry.base + x * geometry.steps[0] + y * geometry.steps[1] + z * geometry.steps[2];
}

/** Shape of the first three axes and the data offset of one frame; rejects non-3-D data. */
export function spatialFrame(
  volume: Volume,
  frame: number,
  input: string,
): { sourceShape: [number, number, number]; offset: number } {
  const shape = volume.shape ?? [];
  if (shape.length < 1 || shape.length > 7) throw new SliceError(input, `shape [${shape}] is not 1-D to 7-D`);
  const s3 = [shape[0] ?? 1, shape[1] ?? 1, shape[2] ?? 1] as [number, number, number];
  const frames = shape.slice(3).reduce((a, b) => a * b, 1);
  if (!Number.isInteger(frame) || frame < 0 || frame >= frames) {
    throw new SliceError(input, `frame ${frame} is out of range: the volume has ${frames} frame(s)`);
  }
  const n = s3[0] * s3[1] * s3[2];
  if (volume.data.length < n * frames) {
    throw new SliceError(
      input,
      `data holds ${volume.data.length} values, shape [${shape}] needs ${n * frames}`,
    );
  }
  return { sourceShape: s3, offset: frame * n };
}

function voxelSize(volume: Volume, axis: number): number {
  const p = volume.pixdim?.[axis];
  if (typeof p === "number" && p > 0 && Number.isFinite(p)) return p;
  const a = volume.affine;
  const norm = Math.hypot(a[0][axis], a[1][axis], a[2][axis]);
  return norm > 0 ? norm : 1;
}
