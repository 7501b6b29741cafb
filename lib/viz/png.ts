/**
 * PNG bytes from byte images and back (fast-png).
 *
 * @module
 */

import { decode, encode } from "fast-png";
import { VizError } from "./errors.ts";
import { checkRaster, type RasterImage } from "./raster.ts";

/**
 * Encode an 8-bit image as PNG bytes.
 *
 * @example
 * await Deno.writeFile("overlay.png", encodePng(overlayCam(slice, cam)));
 */
export function encodePng(image: RasterImage): Uint8Array {
  checkRaster(image, "image");
  return encode({
    width: image.width,
    height: image.height,
    data: image.data,
    channels: image.channels,
    depth: 8,
  });
}

/** Decode 8-bit PNG bytes (palette images are expanded to RGB/RGBA). */
export function decodePng(bytes: Uint8Array, options: { input?: string } = {}): RasterImage {
  const input = options.input ?? "png";
  let png;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new VizError(input, `not a PNG image (${error instanceof Error ? error.message : error})`);
  }
  if (png.depth !== 8) throw new VizError(input, `only 8-bit PNG is supported, got ${png.depth}-bit`);
  let data = png.data as Uint8Array;
  let channels = png.channels;
  if (png.palette) {
    const pal = png.palette;
    channels = pal[0]?.length === 4 ? 4 : 3;
    const out = new Uint8Array(png.width * png.height * channels);
    for (let p = 0; p < png.width * png.height; p++) out.set(pal[data[p]], p * channels);
    data = out;
  }
  return {
    data: new Uint8Array(data),
    width: png.width,
    height: png.height,
    channels: channels as 1 | 2 | 3 | 4,
  };
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes do not start with a PNG signature. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
