/**
 * NIfTI-1 and NIfTI-2 input/output with nibabel's conventions.
 *
 * - {@link readNifti} reads .nii, .nii.gz and .hdr/.img pairs (gzipped too), both byte orders, 1–7
 *   dimensions and every NIfTI datatype, into a {@link Volume}: values scaled by scl_slope/scl_inter
 *   as nibabel does (slope 0 or NaN: unscaled), and the affine nibabel's `get_best_affine` picks
 *   (sform if sform_code ≠ 0, else qform if qform_code ≠ 0, else pixdim-based).
 * - {@link readNiftiHeader} reads only the header: shape, datatype, affine, units, extensions.
 * - {@link writeNifti} writes NIfTI-1 .nii/.nii.gz (or pairs, or NIfTI-2) with the affine in sform
 *   and qform; reading back gives the same data, affine, shape and datatype.
 * - {@link volumeFrom} builds a Volume in code; {@link voxelToWorld}, {@link worldToVoxel} and
 *   {@link axisCodes} work on its affine.
 * - Reads are bounded: an image over `maxBytes` ({@link DEFAULT_MAX_BYTES}, 8 GiB, by default) is refused
 *   before it is read, a gzip stream inflates no further than the header's declared size, and bytes
 *   the reader does not keep (before vox_offset, after the image) are skipped, never held.
 * - Every failure is a {@link NiftiError} whose message starts with the file name.
 *
 * @example
 * import { axisCodes, readNifti, writeNifti } from "./mod.ts";
 * const vol = await readNifti("../shared/data/fa/FA.nii.gz");
 * axisCodes(vol.affine); // ["L", "A", "S"]
 * await writeNifti(vol, "data/cache/fa_copy.nii.gz");
 *
 * @module
 */

export type { Volume, VoxelArray } from "./volume.ts";
export { NiftiError } from "./errors.ts";
export {
  decodeNifti,
  DEFAULT_MAX_BYTES,
  type NiftiInfo,
  readNifti,
  readNiftiHeader,
  type ReadNiftiHeaderOptions,
  type ReadNiftiOptions,
} from "./read.ts";
export { encodeNifti, writeNifti, type WriteNiftiOptions } from "./write.ts";
export { volumeFrom, type VolumeFromOptions } from "./volume_from.ts";
export {
  affineToQform,
  axisCodes,
  type AxisCodesOptions,
  baseAffine,
  headerAffine,
  identityAffine,
  invertAffine,
  ioOrientation,
  qformAffine,
  type QformParams,
  quaternionMatrix,
  sformAffine,
  voxelToWorld,
  worldToVoxel,
} from "./affine.ts";
export {
  encodeHeader,
  type NiftiExtension,
  type NiftiHeader,
  parseExtensions,
  parseHeader,
} from "./header.ts";
