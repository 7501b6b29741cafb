/**
 * Colormaps mapping [0, 1] to RGB bytes, as matplotlib draws them.
 *
 * A value x picks entry ⌊256·clip(x, 0, 1)⌋ (255 for x = 1) of a 256-entry table; NaN picks entry 0.
 * - gray: entry i = (i, i, i).
 * - jet: matplotlib's segment data sampled at i/255, bytes ⌊255·v⌋ as matplotlib's `bytes=True` (±1 where
 *   float rounding decides).
 * - viridis: matplotlib's table (CC0, van der Walt & Smith) rounded to bytes, as d3-scale-chromatic
 *   (ISC) ships it.
 *
 * @module
 */

import { VizError } from "./errors.ts";
import { checkMap, type FloatMap, type RasterImage, unitScale, type ValueRange } from "./raster.ts";

/** Colormap names. */
export type ColormapName = "jet" | "viridis" | "gray";

/** Names of the available colormaps. */
export const COLORMAPS: readonly ColormapName[] = ["jet", "viridis", "gray"];

const VIRIDIS_HEX =
  "44015444025645045745055946075a46085c460a5d460b5e470d60470e6147106347116447136548146748166848176948186a481a6c481b6d481c6e481d6f481f70482071482173482374482475482576482677482878482979472a7a472c7a472d7b472e7c472f7d46307e46327e46337f463480453581453781453882443983443a83443b84433d84433e85423f854240864241864142874144874045884046883f47883f48893e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b3b528b3a538b3a548c39558c39568c38588c38598c375a8c375b8d365c8d365d8d355e8d355f8d34608d34618d33628d33638d32648e32658e31668e31678e31688e30698e306a8e2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e297a8e297b8e287c8e287d8e277e8e277f8e27808e26818e26828e26828e25838e25848e25858e24868e24878e23888e23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d21918c20928c20928c20938c1f948c1f958b1f968b1f978b1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f881fa0881fa1881fa1871fa28720a38620a48621a58521a68522a78522a88423a98324aa8325ab8225ac8226ad8127ad8128ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b32b67a34b67935b77937b87838b9773aba763bbb753dbc743fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c4ec36b50c46a52c56954c56856c66758c7655ac8645cc8635ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece5870cf5773d05675d05477d1537ad1517cd2507fd34e81d34d84d44b86d54989d5488bd6468ed64590d74393d74195d84098d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25c2df23c5e021c8e020cae11fcde11dd0e11cd2e21bd5e21ad8e219dae319dde318dfe318e2e418e5e419e7e419eae51aece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725";

/** matplotlib's `_jet_data`: per channel, (x, y0, y1) break points. */
const JET: Record<"r" | "g" | "b", [number, number, number][]> = {
  r: [[0, 0, 0], [0.35, 0, 0], [0.66, 1, 1], [0.89, 1, 1], [1, 0.5, 0.5]],
  g: [[0, 0, 0], [0.125, 0, 0], [0.375, 1, 1], [0.64, 1, 1], [0.91, 0, 0], [1, 0, 0]],
  b: [[0, 0.5, 0.5], [0.11, 1, 1], [0.34, 1, 1], [0.65, 0, 0], [1, 0, 0]],
};

const cache = new Map<ColormapName, Uint8Array>();

/**
 * The 256 x 3 byte table of a colormap (entry i at [3i, 3i + 3)). The returned table is shared: copy
 * before changing it.
 */
export function colormapTable(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const lut = new Uint8Array(256 * 3);
  if (name === "gray") {
    for (let i = 0; i < 256; i++) lut.fill(i, 3 * i, 3 * i + 3);
  } else if (name === "viridis") {
    for (let i = 0; i < 768; i++) lut[i] = parseInt(VIRIDIS_HEX.slice(2 * i, 2 * i + 2), 16);
  } else if (name === "jet") {
    const channels = [JET.r, JET.g, JET.b];
    for (let i = 0; i < 256; i++) {
      for (let k = 0; k < 3; k++) lut[3 * i + k] = Math.floor(255 * segment(channels[k], i / 255) + 1e-7);
    }
  } else {
    throw new VizError("colormap", `unknown colormap "${name}"; use one of ${COLORMAPS.join(", ")}`);
  }
  cache.set(name, lut);
  return lut;
}

/** Table index of x: ⌊256·clip(x, 0, 1)⌋ capped at 255; NaN → 0. */
export function colormapIndex(x: number): number {
  if (!(x > 0)) return 0;
  return x >= 1 ? 255 : Math.floor(x * 256);
}

/**
 * RGB bytes of one value in [0, 1].
 *
 * @example
 * colormapColor("jet", 0);     // [0, 0, 127]
 * colormapColor("viridis", 1); // [253, 231, 37]
 */
export function colormapColor(name: ColormapName, x: number): [number, number, number] {
  const lut = colormapTable(name), i = 3 * colormapIndex(x);
  return [lut[i], lut[i + 1], lut[i + 2]];
}

/** Options of {@linkcode applyColormap}. */
export interface ApplyColormapOptions {
  /** Colormap. @default "jet" */
  colormap?: ColormapName;
  /** Values mapped to the colormap's ends (clipped outside). @default [0, 1] */
  range?: ValueRange;
}

/**
 * Colour a float map: pixel = table[index((v - lo) / (hi - lo))].
 *
 * @example
 * const rgb = applyColormap(camMap, { colormap: "viridis" });
 */
export function applyColormap(map: FloatMap, options: ApplyColormapOptions = {}): RasterImage {
  checkMap(map, "map");
  const lut = colormapTable(options.colormap ?? "jet");
  const unit = unitScale(map, options.range ?? [0, 1]);
  const data = new Uint8Array(unit.length * 3);
  for (let p = 0; p < unit.length; p++) {
    const i = 3 * colormapIndex(unit[p]);
    data[3 * p] = lut[i];
    data[3 * p + 1] = lut[i + 1];
    data[3 * p + 2] = lut[i + 2];
  }
  return { data, width: map.width, height: map.height, channels: 3 };
}

function segment(points: [number, number, number][], x: number): number {
  for (let k = 1; k < points.length; k++) {
    const [x1, y1] = points[k];
    const [x0, , y0] = points[k - 1];
    if (x <= x1) return x1 === x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
  }
  return points[points.length - 1][2];
}
