/**
 * Build a {@link Volume} in code.
 *
 * @module
 */

import { datatypeOfArray } from "./_datatypes.ts";
import { identityAffine } from "./affine.ts";
import { NiftiError } from "./errors.ts";
import type { Volume, VoxelArray } from "./volume.ts";

/** Options of {@link volumeFrom}. */
export interface VolumeFromOptions {
  /** Voxel-to-world 4x4 affine. @default identity, or diag(pixdim) when `pixdim` is given */
  affine?: number[][];
  /** Voxel sizes per dimension. @default the affine's column norms for x, y, z and 1 beyond */
  pixdim?: number[];
  /** Units of pixdim. @default { spatial: "mm", temporal: "sec" } */
  units?: { spatial: string; temporal: string };
  /** Values per voxel for RGB data ("rgb24": 3, "rgba32": 4), interleaved in `data`. @default 1 */
  channels?: 3 | 4;
}

/**
 * A Volume from a typed array in NIfTI (Fortran) order, index = i + nx·(j + ny·(k + nz·t)).
 * `datatype` follows the array type ("rgb24"/"rgba32" for Uint8Array with `channels` 3/4).
 * The data are used as they are, not copied.
 *
 * @example
 * const vol = volumeFrom(new Float32Array(4 * 5 * 6), [4, 5, 6], { pixdim: [2, 2, 2] });
 *
 * @throws {NiftiError} (file "<volumeFrom>") when the shape is not 1 to 7 positive integers, the data
 * length is not the product of the shape (times channels), or the affine is not 4x4 and finite.
 */
export function volumeFrom(data: VoxelArray, shape: number[], options: VolumeFromOptions = {}): Volume {
  const who = "<volumeFrom>";
  if (shape.length < 1 || shape.length > 7 || !shape.every((n) => Number.isSafeInteger(n) && n >= 1)) {
    throw new NiftiError(who, `shape [${shape.join(", ")}] must be 1 to 7 positive integers`);
  }
  const channels = options.channels ?? 1;
  const count = shape.reduce((a, b) => a * b, 1) * channels;
  if (data.length !== count) {
    throw new NiftiError(
      who,
      `data length ${data.length} does not match shape [${shape.join(", ")}]` +
        (channels > 1 ? ` x ${channels} channels` : ""),
    );
  }
  let datatype = datatypeOfArray(data);
  if (!datatype) throw new NiftiError(who, "data must be a typed array");
  if (channels > 1) {
    if (!(data instanceof Uint8Array)) throw new NiftiError(who, "RGB data must be a Uint8Array");
    datatype = channels === 3 ? "rgb24" : "rgba32";
  }
  let affine = options.affine?.map((r) => r.slice());
  if (!affine) {
    affine = identityAffine();
    if (options.pixdim) { for (let i = 0; i < 3; i++) affine[i][i] = options.pixdim[i] ?? 1; }
  }
  if (affine.length !== 4 || !affine.every((r) => r.length === 4 && r.every(Number.isFinite))) {
    throw new NiftiError(who, "affine must be 4 rows of 4 finite numbers");
  }
  const norms = [0, 1, 2].map((j) => Math.hypot(affine[0][j], affine[1][j], affine[2][j]));
  const pixdim = shape.map((_, i) => options.pixdim?.[i] ?? (i < 3 ? norms[i] : 1));
  const volume: Volume = {
    shape: shape.slice(),
    datatype,
    data,
    affine,
    pixdim,
    units: options.units ?? { spatial: "mm", temporal: "sec" },
  };
  if (channels > 1) volume.channels = channels;
  return volume;
}
