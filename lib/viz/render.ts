/**
 * Headless rendering of Vega-Lite specs to SVG (vega's "none" renderer) and PNG (resvg).
 *
 * vega, vega-lite and @resvg/resvg-js are imported on first use, so image-only users do not load them.
 * PNG rendering runs resvg's native addon: it needs `--allow-ffi` (and `--allow-read` for system fonts).
 *
 * @module
 */

import { VizError } from "./errors.ts";
import type { VegaLiteSpec } from "./vega_lite.ts";

/**
 * Compile a Vega-Lite spec and render it to an SVG string:
 * `vegaLite.compile(spec).spec` → `new vega.View(vega.parse(…), { renderer: "none" }).toSVG()`.
 *
 * @example
 * const svg = await renderSvg(lineChart(rows, { x: "epoch", y: "loss", color: "model" }));
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  let compiled;
  try {
    // deno-lint-ignore no-explicit-any
    compiled = vegaLite.compile(spec as any).spec;
  } catch (error) {
    throw new VizError(
      "spec",
      `Vega-Lite could not compile it: ${error instanceof Error ? error.message : error}`,
    );
  }
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@linkcode renderPng}. */
export interface RenderPngOptions {
  /** Zoom factor (2 for a sharp figure). @default 1 */
  scale?: number;
  /** Background colour (CSS); undefined keeps the SVG's own (vega paints white). @default undefined */
  background?: string;
  /** Font family for text and generic "sans-serif". @default "DejaVu Sans" */
  fontFamily?: string;
  /** Look up the system's fonts (false: draw no text, e.g. for pixel-exact tests). @default true */
  systemFonts?: boolean;
}

/**
 * Render a Vega-Lite spec (or an SVG string) to PNG bytes with @resvg/resvg-js, fonts from the system
 * (Debian's fonts-dejavu-core). Without fonts it still renders, text left out.
 *
 * @example
 * await Deno.writeFile("accuracy.png", await renderPng(barChart(rows, { x: "model", y: "accuracy" })));
 */
export async function renderPng(
  specOrSvg: VegaLiteSpec | string,
  options: RenderPngOptions = {},
): Promise<Uint8Array> {
  const svg = typeof specOrSvg === "string" ? specOrSvg : await renderSvg(specOrSvg);
  const scale = options.scale ?? 1;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new VizError("renderPng", `scale must be positive, got ${scale}`);
  }
  let Resvg;
  try {
    ({ Resvg } = await import("@resvg/resvg-js"));
  } catch (error) {
    throw new VizError(
      "renderPng",
      `@resvg/resvg-js could not load (run with --allow-ffi): ${
        error instanceof Error ? error.message : error
      }`,
    );
  }
  const family = options.fontFamily ?? "DejaVu Sans";
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    ...(options.background ? { background: options.background } : {}),
    font: {
      loadSystemFonts: options.systemFonts ?? true,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
