/**
 * Test helpers for tests/dmri: Volumes from typed arrays, a synthetic gradient table, the shared data path.
 *
 * @module
 */

import type { Volume, VoxelArray } from "../../lib/nifti/volume.ts";
import { type GradientTable, gradientTable, tensorSignal } from "../../lib/dmri/mod.ts";

export const DWI = new URL("../../../shared/data/dwi/", import.meta.url).pathname;
export const hasData = await Deno.stat(DWI).then(() => true, () => false);
if (!hasData) console.log(`[dmri] ${DWI} not found: the tests on real DWI data are skipped (ignored)`);

/** A Volume with an identity-like affine (2 mm voxels, offset) around the given data. */
export function volume(shape: number[], data: VoxelArray, datatype = "float64"): Volume {
  return {
    shape,
    datatype,
    data,
    affine: [[2, 0, 0, -10], [0, 2, 0, -20], [0, 0, 2, -30], [0, 0, 0, 1]],
    pixdim: shape.map((_, i) => (i < 3 ? 2 : 1)),
  };
}

/** b0 + `dirs` directions on a Fibonacci sphere at b = 1000 and as many at b = 2000. */
export function synthGradients(dirs = 30): GradientTable {
  const bvals = [0], bvecs = [0, 0, 0];
  for (const b of [1000, 2000]) {
    for (let i = 0; i < dirs; i++) {
      const z = 1 - (2 * (i + 0.5)) / dirs, r = Math.sqrt(1 - z * z), phi = i * Math.PI * (3 - Math.sqrt(5));
      bvals.push(b);
      bvecs.push(r * Math.cos(phi), r * Math.sin(phi), z);
    }
  }
  return gradientTable(bvals, bvecs);
}

/** A DWI Volume (nx, ny, nz, N) whose voxel v has the signal of tensors[v] (S0 = s0), in NIfTI order. */
export function dwiFromTensors(
  shape: [number, number, number],
  tensors: (v: number) => ArrayLike<number>,
  gtab: GradientTable,
  s0 = 1000,
): Volume {
  const nvox = shape[0] * shape[1] * shape[2], n = gtab.count;
  const data = new Float64Array(nvox * n);
  const s = new Float64Array(n);
  for (let v = 0; v < nvox; v++) {
    tensorSignal(tensors(v), gtab, { s0, out: s });
    for (let t = 0; t < n; t++) data[v + nvox * t] = s[t];
  }
  return volume([...shape, n], data);
}
