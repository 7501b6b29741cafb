/**
 * Many images in one grid.
 *
 * @module
 */

import { VizError } from "./errors.ts";
import { checkRaster, type RasterImage, toRgb } from "./raster.ts";

/** Options of {@linkcode montage}. */
export interface MontageOptions {
  /** Images per row. @default ceil(sqrt(count)) */
  columns?: number;
  /** Pixels between cells and around the border. @default 2 */
  spacing?: number;
  /** Colour of the spacing and of empty cells (RGB bytes; gray montages use the first). @default [0, 0, 0] */
  background?: [number, number, number];
}

/**
 * Lay images out row by row in a grid of equal cells (cell = the largest width x height; smaller images
 * sit centred in their cell). All-gray input gives a gray montage; otherwise RGB.
 *
 * @example
 * await Deno.writeFile("slices.png", encodePng(montage(slices.map((s) => toGray(s)), { columns: 16 })));
 */
export function montage(images: readonly RasterImage[], options: MontageOptions = {}): RasterImage {
  if (images.length === 0) throw new VizError("images", "nothing to lay out: the list is empty");
  images.forEach((im, k) => checkRaster(im, `images[${k}]`));
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length));
  const spacing = options.spacing ?? 2;
  if (!(Number.isInteger(columns) && columns >= 1)) {
    throw new VizError("montage", `columns must be a positive integer, got ${columns}`);
  }
  if (!(Number.isInteger(spacing) && spacing >= 0)) {
    throw new VizError("montage", `spacing must be a non-negative integer, got ${spacing}`);
  }
  const background = options.background ?? [0, 0, 0];
  const gray = images.every((im) => im.channels === 1);
  const cells = gray ? images : images.map((im) => toRgb(im, background));
  const ch = gray ? 1 : 3;
  const cellW = Math.max(...images.map((im) => im.width)), cellH = Math.max(...images.map((im) => im.height));
  const rows = Math.ceil(images.length / columns);
  const width = columns * cellW + (columns + 1) * spacing, height = rows * cellH + (rows + 1) * spacing;
  const data = new Uint8Array(width * height * ch);
  for (let p = 0; p < width * height; p++) for (let k = 0; k < ch; k++) data[p * ch + k] = background[k];
  cells.forEach((im, k) => {
    const left = spacing + (k % columns) * (cellW + spacing) + Math.floor((cellW - im.width) / 2);
    const top = spacing + Math.floor(k / columns) * (cellH + spacing) + Math.floor((cellH - im.height) / 2);
    for (let y = 0; y < im.height; y++) {
      const src = im.data.subarray(y * im.width * ch, (y + 1) * im.width * ch);
      data.set(src, ((top + y) * width + left) * ch);
    }
  });
  return { data, width, height, channels: ch };
}
