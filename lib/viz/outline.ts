/**
 * The outline of a mask drawn onto an image (a planted region, a truth mask).
 *
 * @module
 */

import { VizError } from "./errors.ts";
import { checkMap, checkRaster, type FloatMap, type RasterImage, toRgb } from "./raster.ts";

/** Options of {@linkcode drawOutline}. */
export interface DrawOutlineOptions {
  /** Outline colour (RGB bytes). @default [255, 0, 255] */
  color?: readonly [number, number, number];
  /** Outline width in image pixels, drawn inwards from the mask's edge. @default 1 */
  thickness?: number;
}

/**
 * Draw the outline of a mask onto a copy of an image (made RGB). The mask (nonzero = inside) may have another
 * size: it is scaled to the image by nearest neighbour, mask pixel ⌊r·h/H⌋, ⌊c·w/W⌋ for image pixel (r, c).
 * An image pixel is on the outline when it is inside and a pixel within `thickness` of it along a row or a
 * column is outside (or off the image).
 *
 * @example
 * const tile = drawOutline(overlayCam(slice, cam), truthSlice, { color: [255, 0, 255], thickness: 2 });
 */
export function drawOutline(
  image: RasterImage,
  mask: FloatMap,
  options: DrawOutlineOptions = {},
): RasterImage {
  checkRaster(image, "image");
  checkMap(mask, "mask");
  const thickness = options.thickness ?? 1;
  if (!(Number.isInteger(thickness) && thickness >= 1)) {
    throw new VizError("outline", `thickness must be a positive integer, got ${thickness}`);
  }
  const color = options.color ?? [255, 0, 255];
  const { width, height } = image;
  const inside = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    const mr = Math.min(mask.height - 1, Math.floor((r * mask.height) / height));
    for (let c = 0; c < width; c++) {
      const mc = Math.min(mask.width - 1, Math.floor((c * mask.width) / width));
      const v = mask.data[mr * mask.width + mc];
      inside[r * width + c] = v !== 0 && !Number.isNaN(v) ? 1 : 0;
    }
  }
  const rgb = toRgb(image);
  const out = new Uint8Array(rgb.data);
  const at = (r: number, c: number) =>
    r >= 0 && c >= 0 && r < height && c < width && inside[r * width + c] === 1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (!inside[r * width + c]) continue;
      let edge = false;
      for (let d = 1; d <= thickness && !edge; d++) {
        edge = !at(r - d, c) || !at(r + d, c) || !at(r, c - d) || !at(r, c + d);
      }
      if (!edge) continue;
      const p = (r * width + c) * 3;
      out[p] = color[0];
      out[p + 1] = color[1];
      out[p + 2] = color[2];
    }
  }
  return { data: out, width, height, channels: 3 };
}
