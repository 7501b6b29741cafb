/**
 * JPEG decoding without a JPEG package: resvg (already a dependency, for lib/viz) rasterises an SVG whose
 * only element is the JPEG as a data-URL image at its own size, and fast-png reads the PNG back. Needs
 * `--allow-ffi` (resvg's native addon).
 */
import { decode as decodePng } from "fast-png";
import { ForeignModelError } from "./errors.ts";

/** An 8-bit RGB image, row-major `[height, width, 3]`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Width and height from a JPEG's first start-of-frame marker (SOF0..SOF15 except DHT/JPG/DAC). */
export function jpegSize(bytes: Uint8Array, source = "jpeg"): { width: number; height: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new ForeignModelError(source, "not a JPEG file (no SOI marker)");
  }
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new ForeignModelError(source, `corrupt JPEG (no marker at byte ${i})`);
    const marker = bytes[i + 1];
    const length = bytes[i + 2] * 256 + bytes[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes[i + 5] * 256 + bytes[i + 6], width: bytes[i + 7] * 256 + bytes[i + 8] };
    }
    i += 2 + length;
  }
  throw new ForeignModelError(source, "corrupt JPEG (no start-of-frame marker)");
}

/**
 * Decode a baseline or progressive JPEG to 8-bit RGB.
 *
 * @param source Name used in error messages (the file).
 * @example
 * const image = await decodeJpeg(await Deno.readFile(`${dir}/demo/sample1.jpg`), "sample1.jpg");
 */
export async function decodeJpeg(bytes: Uint8Array, source = "jpeg"): Promise<RgbImage> {
  const { width, height } = jpegSize(bytes, source);
  const { Resvg } = await import("@resvg/resvg-js");
  let b64 = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    b64 += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" href="data:image/jpeg;base64,${btoa(b64)}"/></svg>`;
  const png = decodePng(new Resvg(svg, { fitTo: { mode: "original" } }).render().asPng());
  if (png.width !== width || png.height !== height) {
    throw new ForeignModelError(source, `decoded ${png.width}x${png.height}, expected ${width}x${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  const ch = png.channels;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) data[3 * p + c] = Number(png.data[ch * p + Math.min(c, ch - 1)]);
  }
  return { width, height, data };
}

/** Read and decode a JPEG file. */
export async function readJpeg(path: string): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ForeignModelError(path, `cannot read (${(e as Error).message})`);
  }
  return await decodeJpeg(bytes, path);
}
