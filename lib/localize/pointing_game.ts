/** The pointing game (Zhang et al., 2016, "Top-down Neural Attention by Excitation Backprop"). */
import { checkStack, mapAt } from "./_check.ts";
import { LocalizeError } from "./errors.ts";
import type { Box, MapStack } from "./types.ts";

/** Options of {@linkcode pointingGame}. */
export interface PointingOptions {
  /** A hit may miss the truth by up to this many pixels (Euclidean; the original uses 15 px at 224 px). @default 0 */
  tolerance?: number;
}

/** The pointing game's outcome. */
export interface PointingResult {
  /** Hits / images. */
  readonly accuracy: number;
  readonly hits: readonly boolean[];
  /** The pointed-at pixel per map as `[x, y]`, or null for a flat map. */
  readonly points: readonly (readonly [number, number] | null)[];
}

/**
 * A map's maximum (the first in raster order) is a hit when it lies within `tolerance` pixels of the
 * truth: inside the box grown by the tolerance, or within that distance of a mask pixel (masks are
 * row-major `[height, width]`, nonzero = object). A flat map points nowhere and counts as a miss.
 *
 * @example
 * pointingGame(camResult, truthBoxes).accuracy;
 */
export function pointingGame(
  stack: MapStack,
  truth: readonly (Box | Uint8Array)[],
  options: PointingOptions = {},
): PointingResult {
  const tolerance = options.tolerance ?? 0;
  if (!(tolerance >= 0)) throw new LocalizeError("pointingGame", `tolerance must be >= 0, got ${tolerance}`);
  checkStack("pointingGame", stack, truth.length);
  const [n, h, w] = stack.shape;
  const hits: boolean[] = [], points: ([number, number] | null)[] = [];
  for (let i = 0; i < n; i++) {
    const map = mapAt(stack, i);
    let arg = 0, min = Infinity;
    for (let p = 0; p < map.length; p++) {
      if (map[p] > map[arg]) arg = p;
      if (map[p] < min) min = map[p];
    }
    if (!(map[arg] > min)) {
      hits.push(false);
      points.push(null);
      continue;
    }
    const x = arg % w, y = (arg / w) | 0;
    points.push([x, y]);
    const t = truth[i];
    if (t instanceof Uint8Array) {
      if (t.length !== h * w) {
        throw new LocalizeError("pointingGame", `mask ${i} holds ${t.length} values but maps are ${h}x${w}`);
      }
      hits.push(nearMask(t, w, x, y, tolerance));
    } else {
      const dx = Math.max(t.x0 - x, 0, x - t.x1), dy = Math.max(t.y0 - y, 0, y - t.y1);
      hits.push(dx * dx + dy * dy <= tolerance * tolerance);
    }
  }
  return Object.freeze({ accuracy: hits.filter(Boolean).length / Math.max(n, 1), hits, points });
}

function nearMask(mask: Uint8Array, w: number, x: number, y: number, tolerance: number): boolean {
  if (mask[y * w + x]) return true;
  const h = mask.length / w, r = Math.floor(tolerance);
  for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
    for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
      if (mask[yy * w + xx] && (xx - x) ** 2 + (yy - y) ** 2 <= tolerance * tolerance) return true;
    }
  }
  return false;
}
