/** Intersection over union of boxes. */
import type { Box } from "./types.ts";

/**
 * IoU = |A ∩ B| / |A ∪ B| with the inclusive (+1 pixel) convention of ILSVRC and wsolevaluation: a box
 * (x0, y0, x1, y1) covers (x1 − x0 + 1)(y1 − y0 + 1) pixels, so a one-pixel box has area 1 and two
 * boxes sharing an edge row overlap by that row. A missing box (null) or a degenerate union gives 0.
 *
 * @example
 * iou({ x0: 0, y0: 0, x1: 9, y1: 9 }, { x0: 5, y0: 0, x1: 14, y1: 9 }); // 50 / 150 = 1/3
 */
export function iou(a: Box | null, b: Box | null): number {
  if (!a || !b) return 0;
  const iw = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1);
  const ih = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1);
  const intersection = iw * ih;
  const areaA = (a.x1 - a.x0 + 1) * (a.y1 - a.y0 + 1);
  const areaB = (b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1);
  const union = areaA + areaB - intersection;
  return union > 0 ? intersection / union : 0;
}

/** The best IoU of a box against any of several (0 for none). */
export function maxIou(box: Box | null, others: readonly Box[]): number {
  let best = 0;
  for (const o of others) best = Math.max(best, iou(box, o));
  return best;
}
