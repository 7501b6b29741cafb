/**
 * A class activation map drawn over its image.
 *
 * @module
 */

import { colormapIndex, type ColormapName, colormapTable } from "./colormap.ts";
import { VizError } from "./errors.ts";
import {
  checkMap,
  type FloatMap,
  type RasterImage,
  resizeMap,
  unitScale,
  type ValueRange,
} from "./raster.ts";

/** Options of {@linkcode overlayCam}. */
export interface OverlayOptions {
  /** Weight of the coloured CAM: out = (1 - α)·image + α·colour. @default 0.5 */
  alpha?: number;
  /** Colormap of the CAM. @default "jet" */
  colormap?: ColormapName;
  /** Image values shown black and white. @default "auto" */
  imageRange?: ValueRange;
  /** CAM values mapped to the colormap's ends. @default [0, 1] */
  camRange?: ValueRange;
}

/**
 * Alpha-blend a colour-mapped CAM over a gray image, per channel:
 * out = round((1 - α)·255·g + α·C(m)), g = image scaled to [0, 1], m = CAM scaled to [0, 1], C the colormap.
 * A CAM of another size (e.g. 14 x 14) is resized bilinearly to the image first.
 *
 * @example
 * const rgb = overlayCam(slice, cam, { alpha: 0.4 });
 * await Deno.writeFile("cam.png", encodePng(drawBoxes(rgb, [box], { color: [0, 255, 0] })));
 */
export function overlayCam(image: FloatMap, cam: FloatMap, options: OverlayOptions = {}): RasterImage {
  checkMap(image, "image");
  checkMap(cam, "cam");
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new VizError("overlay", `alpha must be in [0, 1], got ${alpha}`);
  const gray = unitScale(image, options.imageRange ?? "auto");
  const heat = unitScale(resizeMap(cam, image.height, image.width), options.camRange ?? [0, 1]);
  const lut = colormapTable(options.colormap ?? "jet");
  const data = new Uint8Array(gray.length * 3);
  for (let p = 0; p < gray.length; p++) {
    const g = (1 - alpha) * 255 * gray[p];
    const i = 3 * colormapIndex(heat[p]);
    for (let k = 0; k < 3; k++) data[3 * p + k] = Math.round(g + alpha * lut[i + k]);
  }
  return { data, width: image.width, height: image.height, channels: 3 };
}
