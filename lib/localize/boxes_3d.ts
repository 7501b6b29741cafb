/** Boxes of 3-D maps: connected components of a thresholded volume, their bounding boxes, 3-D IoU. */
import { checkFraction } from "./_check.ts";
import { LocalizeError } from "./errors.ts";
import type { Box3D } from "./types.ts";

/** Voxel adjacency of a 3-D component: faces (6), faces and edges (18), or all neighbours (26). */
export type Connectivity3D = 6 | 18 | 26;

/** Connected components of a binary volume. */
export interface Components3D {
  /** Component label per voxel: 0 background, 1..count in raster order of each component's first voxel. */
  readonly labels: Int32Array;
  readonly count: number;
  /** Voxels per component (index 0 is component 1). */
  readonly sizes: readonly number[];
  /** Bounding box per component (index 0 is component 1). */
  readonly boxes: readonly Box3D[];
}

/** Check a volume's shape `[depth, height, width]` against its values. */
export function checkVolume(fn: string, values: ArrayLike<number>, shape: readonly number[]): void {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new LocalizeError(fn, `shape must be [depth, height, width] of positive integers, got [${shape}]`);
  }
  const size = shape[0] * shape[1] * shape[2];
  if (values.length !== size) {
    throw new LocalizeError(fn, `volume holds ${values.length} values but shape [${shape}] needs ${size}`);
  }
}

/**
 * Label the connected components of the nonzero voxels of `mask` (`[depth, height, width]`, row-major),
 * with their sizes and bounding boxes. Iterative flood fill: no recursion-depth limit.
 *
 * @example
 * const { sizes, boxes } = connectedComponents3d(mask, [d, h, w], { connectivity: 26 });
 */
export function connectedComponents3d(
  mask: ArrayLike<number>,
  shape: readonly [number, number, number],
  options: { connectivity?: Connectivity3D } = {},
): Components3D {
  const connectivity = options.connectivity ?? 26;
  checkVolume("connectedComponents3d", mask, shape);
  if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26) {
    throw new LocalizeError("connectedComponents3d", `connectivity must be 6, 18 or 26, got ${connectivity}`);
  }
  const [d, h, w] = shape;
  const offsets: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const steps = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (steps === 0 || (connectivity === 6 && steps > 1) || (connectivity === 18 && steps > 2)) continue;
        offsets.push([dz, dy, dx]);
      }
    }
  }
  const labels = new Int32Array(d * h * w);
  const stack = new Int32Array(d * h * w);
  const sizes: number[] = [];
  const boxes: Box3D[] = [];
  let count = 0;
  for (let start = 0; start < d * h * w; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = ++count;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let size = 0, x0 = w, y0 = h, z0 = d, x1 = -1, y1 = -1, z1 = -1;
    while (top > 0) {
      const p = stack[--top];
      const z = (p / (h * w)) | 0, rest = p - z * h * w, y = (rest / w) | 0, x = rest - y * w;
      size++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (z < z0) z0 = z;
      if (z > z1) z1 = z;
      for (const [dz, dy, dx] of offsets) {
        const nz = z + dz, ny = y + dy, nx = x + dx;
        if (nz < 0 || nz >= d || ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
        const q = (nz * h + ny) * w + nx;
        if (mask[q] && !labels[q]) {
          labels[q] = label;
          stack[top++] = q;
        }
      }
    }
    sizes.push(size);
    boxes.push(Object.freeze({ x0, y0, z0, x1, y1, z1 }));
  }
  return Object.freeze({ labels, count, sizes: Object.freeze(sizes), boxes: Object.freeze(boxes) });
}

/**
 * The 3-D analogue of the paper's box: keep voxels strictly above τ·max, then the bounding box of the
 * largest connected component (the first in raster order on a tie). Null when nothing survives.
 *
 * @example
 * const box = boxFromVolume(camVolume, [d, h, w], { threshold: 0.2 });
 */
export function boxFromVolume(
  map: ArrayLike<number>,
  shape: readonly [number, number, number],
  options: { threshold?: number; connectivity?: Connectivity3D } = {},
): Box3D | null {
  const threshold = options.threshold ?? 0.2;
  checkVolume("boxFromVolume", map, shape);
  checkFraction("boxFromVolume", "threshold", threshold);
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i] > max) max = map[i];
  const mask = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) mask[i] = map[i] > threshold * max ? 1 : 0;
  const { sizes, boxes } = connectedComponents3d(mask, shape, options);
  let best = -1;
  for (let i = 0; i < sizes.length; i++) if (best < 0 || sizes[i] > sizes[best]) best = i;
  return best < 0 ? null : boxes[best];
}

/**
 * IoU of 3-D boxes with the inclusive (+1 voxel) convention: |A ∩ B| / |A ∪ B| in voxels. A missing box
 * (null) gives 0.
 *
 * @example
 * iou3d({ x0: 0, y0: 0, z0: 0, x1: 1, y1: 1, z1: 1 }, { x0: 1, y0: 0, z0: 0, x1: 2, y1: 1, z1: 1 }); // 4 / 12
 */
export function iou3d(a: Box3D | null, b: Box3D | null): number {
  if (!a || !b) return 0;
  const overlap = (lo0: number, hi0: number, lo1: number, hi1: number) =>
    Math.max(0, Math.min(hi0, hi1) - Math.max(lo0, lo1) + 1);
  const intersection = overlap(a.x0, a.x1, b.x0, b.x1) * overlap(a.y0, a.y1, b.y0, b.y1) *
    overlap(a.z0, a.z1, b.z0, b.z1);
  const volume = (v: Box3D) => (v.x1 - v.x0 + 1) * (v.y1 - v.y0 + 1) * (v.z1 - v.z0 + 1);
  const union = volume(a) + volume(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** The best 3-D IoU of a box against any of several (0 for none). */
export function maxIou3d(box: Box3D | null, others: readonly Box3D[]): number {
  let best = 0;
  for (const o of others) best = Math.max(best, iou3d(box, o));
  return best;
}
