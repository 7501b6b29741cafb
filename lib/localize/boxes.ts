/** From a map to boxes: threshold at τ·max, connected components, bounding boxes (Zhou et al., 2016, Sec. 3.1). */
import { checkFraction, checkMap } from "./_check.ts";
import { LocalizeError } from "./errors.ts";
import type { Box } from "./types.ts";

/** Pixel adjacency of a connected component. */
export type Connectivity = 4 | 8;

/** Options of {@linkcode thresholdMap}. */
export interface ThresholdOptions {
  /** Keep pixels strictly above τ·max(map). @default 0.2 */
  threshold?: number;
}

/**
 * Binary mask of the pixels strictly above τ·max (Zhou et al. keep "the regions whose value is above 20%
 * of the max value of the CAM"; strictly above also matches OpenCV's THRESH_BINARY used by wsolevaluation).
 * An all-zero map keeps nothing.
 *
 * @example
 * const mask = thresholdMap(map, [64, 64], { threshold: 0.2 });
 */
export function thresholdMap(
  map: ArrayLike<number>,
  shape: readonly [number, number],
  options: ThresholdOptions = {},
): Uint8Array {
  const threshold = options.threshold ?? 0.2;
  checkMap("thresholdMap", map, shape);
  checkFraction("thresholdMap", "threshold", threshold);
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i] > max) max = map[i];
  const cut = threshold * max;
  const mask = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) mask[i] = map[i] > cut ? 1 : 0;
  return mask;
}

/** Connected components of a binary mask. */
export interface Components {
  /** Component label per pixel: 0 background, 1..count in raster order of each component's first pixel. */
  readonly labels: Int32Array;
  readonly count: number;
  /** Pixels per component (index 0 is component 1). */
  readonly sizes: readonly number[];
  /** Bounding box per component (index 0 is component 1). */
  readonly boxes: readonly Box[];
}

/** Options of {@linkcode connectedComponents}. */
export interface ComponentOptions {
  /** 4- (edges) or 8-neighbourhood (edges and corners). @default 8 */
  connectivity?: Connectivity;
}

/**
 * Label the connected components of the nonzero pixels of `mask` (`[height, width]`, row-major), with
 * their sizes and bounding boxes. Iterative flood fill: no recursion-depth limit.
 *
 * @example
 * const { count, sizes, boxes } = connectedComponents(mask, [h, w], { connectivity: 4 });
 */
export function connectedComponents(
  mask: ArrayLike<number>,
  shape: readonly [number, number],
  options: ComponentOptions = {},
): Components {
  const connectivity = options.connectivity ?? 8;
  checkMap("connectedComponents", mask, shape);
  if (connectivity !== 4 && connectivity !== 8) {
    throw new LocalizeError("connectedComponents", `connectivity must be 4 or 8, got ${connectivity}`);
  }
  const [h, w] = shape;
  const labels = new Int32Array(h * w);
  const sizes: number[] = [];
  const boxes: Box[] = [];
  const stack = new Int32Array(h * w);
  const dy = connectivity === 8 ? [-1, -1, -1, 0, 0, 1, 1, 1] : [-1, 0, 0, 1];
  const dx = connectivity === 8 ? [-1, 0, 1, -1, 1, -1, 0, 1] : [0, -1, 1, 0];
  let count = 0;
  for (let start = 0; start < h * w; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = ++count;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    let size = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
    while (top > 0) {
      const p = stack[--top];
      const y = (p / w) | 0, x = p - y * w;
      size++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let d = 0; d < dy.length; d++) {
        const ny = y + dy[d], nx = x + dx[d];
        if (ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
        const q = ny * w + nx;
        if (mask[q] && !labels[q]) {
          labels[q] = label;
          stack[top++] = q;
        }
      }
    }
    sizes.push(size);
    boxes.push(Object.freeze({ x0, y0, x1, y1 }));
  }
  return Object.freeze({ labels, count, sizes: Object.freeze(sizes), boxes: Object.freeze(boxes) });
}

/** Options of {@linkcode boxFromMap} and {@linkcode boxesFromMap}. */
export interface BoxOptions extends ThresholdOptions, ComponentOptions {}

/**
 * The paper's box: threshold at τ·max, then the bounding box of the largest connected component (by pixel
 * count; the first in raster order on a tie). Null when nothing survives the threshold (an all-zero map).
 *
 * @example
 * const box = boxFromMap(map, [64, 64]);            // τ = 0.2, 8-connected
 */
export function boxFromMap(
  map: ArrayLike<number>,
  shape: readonly [number, number],
  options: BoxOptions = {},
): Box | null {
  const { sizes, boxes } = connectedComponents(thresholdMap(map, shape, options), shape, options);
  let best = -1;
  for (let i = 0; i < sizes.length; i++) if (best < 0 || sizes[i] > sizes[best]) best = i;
  return best < 0 ? null : boxes[best];
}

/** Every component's box after thresholding (the multiple-box variant of MaxBoxAccV2), largest first. */
export function boxesFromMap(
  map: ArrayLike<number>,
  shape: readonly [number, number],
  options: BoxOptions = {},
): Box[] {
  const { sizes, boxes } = connectedComponents(thresholdMap(map, shape, options), shape, options);
  return sizes.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => boxes[i]);
}
