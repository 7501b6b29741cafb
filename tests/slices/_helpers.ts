/**
 * Test helpers: volumes built in code, stored in any axis order, and a reader for ../shared/data.
 *
 * @module
 */

import { readNifti, type Volume } from "../../lib/nifti/mod.ts";

/** Folder of the shared real data, or null (tests then skip with a message). */
export const DATA = new URL("../../../shared/data/", import.meta.url);

/** Whether ../shared/data exists. */
export function haveData(): boolean {
  try {
    return Deno.statSync(DATA).isDirectory;
  } catch {
    return false;
  }
}

/**
 * A volume on a canonical RAS+ grid of `shape` and `spacing` with value f(x, y, z) at voxel (x, y, z),
 * origin `origin` (world mm of voxel 0).
 */
export function rasVolume(
  shape: [number, number, number],
  spacing: [number, number, number],
  f: (x: number, y: number, z: number) => number,
  origin: [number, number, number] = [-10, -20, -30],
): Volume {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  let o = 0;
  for (let z = 0; z < shape[2]; z++) {
    for (let y = 0; y < shape[1]; y++) for (let x = 0; x < shape[0]; x++) data[o++] = f(x, y, z);
  }
  return {
    shape: [...shape],
    datatype: "float32",
    data,
    affine: [
      [spacing[0], 0, 0, origin[0]],
      [0, spacing[1], 0, origin[1]],
      [0, 0, spacing[2], origin[2]],
      [0, 0, 0, 1],
    ],
    pixdim: [...spacing],
  };
}

/**
 * The same anatomy as canonical RAS+ `volume`, stored with axis codes `codes` (e.g. "LPI", "AIL"):
 * voxel axis i runs along the world axis of codes[i], towards it.
 */
export function restore(volume: Volume, codes: string): Volume {
  const worldOf: Record<string, [number, number]> = {
    R: [0, 1],
    L: [0, -1],
    A: [1, 1],
    P: [1, -1],
    S: [2, 1],
    I: [2, -1],
  };
  const axes = [...codes].map((c) => worldOf[c]);
  const cs = volume.shape as [number, number, number];
  const sp = volume.pixdim;
  const shape = axes.map(([w]) => cs[w]);
  const data = new Float32Array(volume.data.length);
  const src = volume.data as Float32Array;
  const q = [0, 0, 0];
  let o = 0;
  for (let k = 0; k < shape[2]; k++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let i = 0; i < shape[0]; i++) {
        [i, j, k].forEach((a, t) => {
          const [w, s] = axes[t];
          q[w] = s > 0 ? a : cs[w] - 1 - a;
        });
        data[o++] = src[q[0] + cs[0] * (q[1] + cs[1] * q[2])];
      }
    }
  }
  const affine = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
  const q0 = [0, 0, 0];
  axes.forEach(([w, s], t) => {
    affine[w][t] = s * sp[w];
    q0[w] = s > 0 ? 0 : cs[w] - 1;
  });
  for (let w = 0; w < 3; w++) affine[w][3] = volume.affine[w][3] + q0[w] * sp[w];
  return { shape, datatype: "float32", data, affine, pixdim: axes.map(([w]) => sp[w]) };
}

/** World coordinates of voxel (i, j, k). */
export function world(volume: Volume, i: number, j: number, k: number): number[] {
  return [0, 1, 2].map((r) =>
    volume.affine[r][0] * i + volume.affine[r][1] * j + volume.affine[r][2] * k + volume.affine[r][3]
  );
}

/** Read a NIfTI file from ../shared/data with lib/nifti. */
export function readVolume(relative: string): Promise<Volume> {
  return readNifti(new URL(relative, DATA).pathname);
}
