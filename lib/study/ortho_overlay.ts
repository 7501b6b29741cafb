/**
 * Orthogonal-slice overlays of a 3-D CAM: the axial, coronal and sagittal planes through one voxel, the CAM
 * colour-mapped over the anatomy (lib/viz's `overlayCam`), side by side in one PNG. A minimal 3-plane figure
 * for the 3-D study's outputs.
 *
 * @module
 */
import { encodePng, montage, overlayCam } from "../viz/mod.ts";

/** Options of {@linkcode orthoOverlayPng}. */
export interface OrthoOverlayOptions {
  /** The voxel `[x, y, z]` the three planes pass through. @default the volume's centre */
  at?: readonly [number, number, number];
  /** CAM values mapped to the colormap's ends. @default [0, 1] */
  camRange?: [number, number];
  /** Weight of the CAM colour. @default 0.5 */
  alpha?: number;
}

/**
 * Extract plane `axis` (0: sagittal x = i, 1: coronal y = i, 2: axial z = i) of a volume stored x-fastest
 * (NIfTI order, index = x + nx·(y + ny·z)), as a row-major map with the superior (or anterior) side on top.
 */
export function volumePlane(
  values: ArrayLike<number>,
  shape: readonly [number, number, number],
  axis: 0 | 1 | 2,
  index: number,
): { data: Float32Array; height: number; width: number } {
  const [nx, ny, nz] = shape;
  const at = (x: number, y: number, z: number) => Number(values[x + nx * (y + ny * z)]);
  const [w, h] = axis === 0 ? [ny, nz] : axis === 1 ? [nx, nz] : [nx, ny];
  const data = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    const up = h - 1 - r; // image rows go down, the volume's second in-plane axis goes up
    for (let c = 0; c < w; c++) {
      data[r * w + c] = axis === 0 ? at(index, c, up) : axis === 1 ? at(c, index, up) : at(c, up, index);
    }
  }
  return { data, height: h, width: w };
}

/**
 * A PNG of the three orthogonal planes through `at` of `anatomy` with `cam` overlaid (both x-fastest volumes
 * of `shape` `[nx, ny, nz]`): sagittal, coronal, axial, left to right.
 *
 * @example
 * await Deno.writeFile("cam_ortho.png", orthoOverlayPng(fa.data, camVolume, [48, 48, 48], { at: [24, 30, 28] }));
 */
export function orthoOverlayPng(
  anatomy: ArrayLike<number>,
  cam: ArrayLike<number>,
  shape: readonly [number, number, number],
  options: OrthoOverlayOptions = {},
): Uint8Array {
  const at = options.at ?? [0, 1, 2].map((i) => Math.floor(shape[i] / 2)) as [number, number, number];
  const tiles = ([0, 1, 2] as const).map((axis) =>
    overlayCam(volumePlane(anatomy, shape, axis, at[axis]), volumePlane(cam, shape, axis, at[axis]), {
      camRange: options.camRange ?? [0, 1],
      alpha: options.alpha ?? 0.5,
    })
  );
  return encodePng(montage(tiles, { columns: 3 }));
}
