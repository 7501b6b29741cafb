/**
 * The inverse of 2.5D slicing: per-slice 2-D maps back into the source volume's 3-D voxel grid.
 *
 * @module
 */

import type { Volume } from "../nifti/mod.ts";
import { type Interpolation, PLANES, sampleBilinear, sampleNearest, toUnit } from "./_layout.ts";
import type { SliceMap } from "./batch.ts";
import { SliceError } from "./errors.ts";
import { canonicalGeometry } from "./orientation.ts";

/** A reassembled map and how many slice maps covered each voxel. */
export interface ReassembledVolume {
  /** float32 volume on the reference's 3-D grid (storage order, affine and pixdim of the reference). */
  volume: Volume;
  /** uint8 volume: number of maps that covered each voxel (0 = not covered, value 0 there). */
  coverage: Volume;
}

/** Options of {@linkcode slicesToVolume}. */
export interface SlicesToVolumeOptions {
  /** Frame of a 4-D reference whose grid the slices were cut from (only its 3-D grid is used). @default 0 */
  frame?: number;
  /** Sampling of the maps at voxel centres: "nearest" for label maps. @default "bilinear" */
  interpolation?: Interpolation;
  /** Name of the reference in error messages. @default "reference" */
  input?: string;
}

/**
 * Put per-slice maps back into the reference volume's voxel grid (original storage order).
 *
 * Each map is taken to cover the same square field of view as the slice image it explains, whatever its
 * own resolution (224x224, 14x14, ...). For every voxel of the map's slice plane, the voxel centre's
 * position in that field of view is sampled from the map, bilinearly (half-pixel centres, edges clamped)
 * or from the nearest pixel.
 * A voxel covered by k maps (k ≤ 3 for one slice per axis) gets the mean of its k samples:
 * V(v) = (1/k) Σ_j m_j(v); uncovered voxels are 0 with coverage 0.
 *
 * @example
 * const slices = sliceVolume(fa);
 * const { volume, coverage } = slicesToVolume(slices.map((s, k) => ({ ...camOf(k), provenance: s.provenance })), fa);
 */
export function slicesToVolume(
  maps: readonly SliceMap[],
  reference: Volume,
  options: SlicesToVolumeOptions = {},
): ReassembledVolume {
  const input = options.input ?? "reference";
  const sample = (options.interpolation ?? "bilinear") === "nearest" ? sampleNearest : sampleBilinear;
  const geometry = canonicalGeometry(reference, { frame: options.frame, input });
  const { shape, spacing, orientation, sourceShape, steps, base } = geometry;
  const total = sourceShape[0] * sourceShape[1] * sourceShape[2];
  const sum = new Float64Array(total);
  const count = new Uint8Array(total);

  maps.forEach((map, k) => {
    const name = `maps[${k}]`;
    const { axis, rasIndex } = map.provenance ?? {};
    if (!(axis in PLANES)) throw new SliceError(name, `unknown axis "${axis}"`);
    const { sliceAxis, rowAxis, colAxis } = PLANES[axis];
    const n = shape[sliceAxis];
    if (!Number.isInteger(rasIndex) || rasIndex < 0 || rasIndex >= n) {
      throw new SliceError(name, `${axis} slice ${rasIndex} is outside the reference grid (0..${n - 1})`);
    }
    const h = map.height, w = map.width;
    if (!(h >= 1 && w >= 1) || map.data.length !== h * w) {
      throw new SliceError(name, `has ${map.data.length} values, ${h}x${w} needs ${h * w}`);
    }
    checkProvenance(map, name, orientation.voxelAxis[sliceAxis], orientation.sign, n);
    for (let i = 0; i < map.data.length; i++) {
      if (!Number.isFinite(map.data[i])) {
        throw new SliceError(name, `value ${map.data[i]} at pixel ${i} is not finite`);
      }
    }
    const rows = shape[rowAxis], cols = shape[colAxis];
    const rowMm = rows * spacing[rowAxis], colMm = cols * spacing[colAxis];
    const fov = Math.max(rowMm, colMm);
    const fx = new Float64Array(cols);
    for (let c = 0; c < cols; c++) fx[c] = toUnit((c + 0.5) * spacing[colAxis], colMm, fov) * w - 0.5;
    for (let r = 0; r < rows; r++) {
      const fy = toUnit((r + 0.5) * spacing[rowAxis], rowMm, fov) * h - 0.5;
      // Row r of the image is canonical index rows - 1 - r along rowAxis (superior/anterior up).
      const q = [0, 0, 0];
      q[sliceAxis] = rasIndex;
      q[rowAxis] = rows - 1 - r;
      for (let c = 0; c < cols; c++) {
        q[colAxis] = c;
        const v = base + q[0] * steps[0] + q[1] * steps[1] + q[2] * steps[2];
        sum[v] += sample(map.data, h, w, fy, fx[c]);
        if (count[v] === 255) throw new SliceError(name, "more than 255 maps cover one voxel");
        count[v]++;
      }
    }
  });

  const data = new Float32Array(total);
  for (let v = 0; v < total; v++) if (count[v] > 0) data[v] = sum[v] / count[v];
  const affine = reference.affine.map((row) => [...row]);
  const pixdim = [0, 1, 2].map((i) => reference.pixdim?.[i] ?? 1);
  return {
    volume: { shape: [...sourceShape], datatype: "float32", data, affine, pixdim },
    coverage: {
      shape: [...sourceShape],
      datatype: "uint8",
      data: count,
      affine: affine.map((r) => [...r]),
      pixdim,
    },
  };
}

function checkProvenance(map: SliceMap, name: string, voxelAxis: number, sign: number[], n: number): void {
  const p = map.provenance;
  if (p.voxelAxis === undefined && p.voxelIndex === undefined) return;
  const expectedIndex = sign[voxelAxis] > 0 ? p.rasIndex : n - 1 - p.rasIndex;
  if (
    (p.voxelAxis !== undefined && p.voxelAxis !== voxelAxis) ||
    (p.voxelIndex !== undefined && p.voxelIndex !== expectedIndex)
  ) {
    throw new SliceError(
      name,
      `provenance says voxel axis ${p.voxelAxis} index ${p.voxelIndex}, but the reference puts ${p.axis} ` +
        `slice ${p.rasIndex} at voxel axis ${voxelAxis} index ${expectedIndex}: was it cut from another volume?`,
    );
  }
}
