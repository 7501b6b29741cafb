/**
 * The in-memory image every part of cam-dmri passes around: a NIfTI volume after scaling.
 *
 * Voxel (i, j, k) maps to world (x, y, z) through the 4x4 `affine`:
 * [x, y, z, 1]ᵀ = affine · [i, j, k, 1]ᵀ (nibabel's convention, RAS+ millimetres).
 * Data are stored in NIfTI (Fortran) order: index = i + nx·(j + ny·(k + nz·t)).
 *
 * @module
 */

import type { NiftiExtension, NiftiHeader } from "./header.ts";

/** Typed arrays a Volume may hold. */
export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A 3-D to 7-D image with its geometry. */
export interface Volume {
  /** Size along each dimension (1 to 7 entries), fastest-varying first. */
  shape: number[];
  /** Datatype name of `data` after scaling, e.g. "uint8", "int16", "float32". */
  datatype: string;
  /** Voxel values in NIfTI (Fortran) order. */
  data: VoxelArray;
  /** Voxel-to-world transform, 4 rows of 4 numbers. */
  affine: number[][];
  /** Voxel sizes pixdim[1..n] matching `shape` (mm, or s for time). */
  pixdim: number[];
  /** Units of pixdim as nibabel names them (spatial "mm", "meter", "micron"; temporal "sec", "msec", ...). */
  units?: { spatial: string; temporal: string };
  /** The NIfTI header the volume was read from (after nibabel's fixes), if any. */
  header?: NiftiHeader;
  /** NIfTI header extensions (read from the file; written back by writeNifti). */
  extensions?: NiftiExtension[];
  /** File the volume was read from. */
  file?: string;
  /** Values per voxel for RGB data (3 for "rgb24", 4 for "rgba32"), interleaved in `data`. */
  channels?: number;
  /** The scl_slope/scl_inter applied while reading (absent when the values are stored ones). */
  scaling?: { slope: number; inter: number };
  /** Extra fields (header, extensions, provenance) filled by readers and producers. */
  [key: string]: unknown;
}
