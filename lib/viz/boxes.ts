/**
 * Rectangle outlines drawn onto images (predicted and ground-truth boxes).
 *
 * @module
 */

import { VizError } from "./errors.ts";
import { checkRaster, type RasterImage } from "./raster.ts";

/**
 * A box in pixel coordinates, corners inclusive: columns x0..x1, rows y0..y1 (row 0 at the top); the same
 * convention as lib/localize's `Box`, so its boxes draw as they are.
 */
export interface Box {
  /** First column. */
  readonly x0: number;
  /** First row. */
  readonly y0: number;
  /** Last column (inclusive). */
  readonly x1: number;
  /** Last row (inclusive). */
  readonly y1: number;
  /** Outline colour of this box, overriding the options' colour. */
  readonly color?: readonly [number, number, number];
}

/** Options of {@linkcode drawBoxes}. */
export interface DrawBoxesOptions {
  /** Outline colour (RGB bytes). @default [0, 255, 0] */
  color?: [number, number, number];
  /** Outline width in pixels, drawn inwards from the box's edge. @default 1 */
  thickness?: number;
}

/**
 * Draw box outlines onto a copy of an image (gray images become RGB). Corners are rounded to pixels and
 * clipped to the image; a box entirely outside is skipped.
 *
 * @example
 * drawBoxes(overlay, [{ x0: 10, y0: 20, x1: 60, y1: 80 }], { color: [255, 0, 0], thickness: 2 });
 */
export function drawBoxes(
  image: RasterImage,
  boxes: readonly Box[],
  options: DrawBoxesOptions = {},
): RasterImage {
  checkRaster(image, "image");
  const thickness = options.thickness ?? 1;
  if (!(Number.isInteger(thickness) && thickness >= 1)) {
    throw new VizError("boxes", `thickness must be a positive integer, got ${thickness}`);
  }
  const { width, height } = image;
  const c = image.channels;
  const out = c >= 3 ? new Uint8Array(image.data) : expand(image);
  const oc = c >= 3 ? c : c === 2 ? 4 : 3;
  boxes.forEach((box, k) => {
    const coords = [box.x0, box.y0, box.x1, box.y1];
    if (coords.some((v) => !Number.isFinite(v))) {
      throw new VizError(`boxes[${k}]`, `corner is not finite: [${coords}]`);
    }
    const color = box.color ?? options.color ?? [0, 255, 0];
    const x0 = Math.round(Math.min(box.x0, box.x1)), x1 = Math.round(Math.max(box.x0, box.x1));
    const y0 = Math.round(Math.min(box.y0, box.y1)), y1 = Math.round(Math.max(box.y0, box.y1));
    if (x1 < 0 || y1 < 0 || x0 >= width || y0 >= height) return;
    for (let y = Math.max(y0, 0); y <= Math.min(y1, height - 1); y++) {
      for (let x = Math.max(x0, 0); x <= Math.min(x1, width - 1); x++) {
        const edge = x - x0 < thickness || x1 - x < thickness || y - y0 < thickness || y1 - y < thickness;
        if (!edge) continue;
        const p = (y * width + x) * oc;
        out[p] = color[0];
        out[p + 1] = color[1];
        out[p + 2] = color[2];
        if (oc === 4) out[p + 3] = 255;
      }
    }
  });
  return { data: out, width, height, channels: oc as 3 | 4 };
}

/** Gray → RGB, gray + alpha → RGBA. */
function expand(image: RasterImage): Uint8Array {
  const n = image.width * image.height, c = image.channels, oc = c === 2 ? 4 : 3;
  const out = new Uint8Array(n * oc);
  for (let p = 0; p < n; p++) {
    const g = image.data[p * c];
    out[p * oc] = g;
    out[p * oc + 1] = g;
    out[p * oc + 2] = g;
    if (oc === 4) out[p * oc + 3] = image.data[p * c + 1];
  }
  return out;
}
