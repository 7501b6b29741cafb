/** Ground-truth boxes from masks (planted regions of simulated brains, segmentations). */
import { LocalizeError } from "./errors.ts";
import type { Box } from "./types.ts";

/**
 * The inclusive bounding box of a 2-D mask's nonzero pixels (row-major `[height, width]`), or null when the
 * mask is empty: the truth box of a slice whose planted-region mask is known (e.g. for lib/study/transfer's
 * `cropAccuracy`).
 *
 * @example
 * maskBox(new Uint8Array([0, 0, 0, 1, 1, 0, 0, 0, 0]), [3, 3]); // { x0: 0, y0: 1, x1: 1, y1: 1 }
 */
export function maskBox(mask: ArrayLike<number>, shape: readonly [number, number]): Box | null {
  const [h, w] = shape;
  if (mask.length !== h * w) {
    throw new LocalizeError("maskBox", `mask has ${mask.length} values, shape ${h}x${w} needs ${h * w}`);
  }
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}
