/**
 * Jupyter display of charts, images and tables without touching `Deno.jupyter`.
 *
 * An object with a `[Symbol.for("Jupyter.display")]()` method (the same symbol as `Deno.jupyter.$display`)
 * shows itself when it is a cell's value or is passed to `Deno.jupyter.display`.
 *
 * @module
 */

import { renderSvg } from "./render.ts";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./vega_lite.ts";

/** The symbol Deno's Jupyter kernel looks for (`Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** MIME type → content, as a Jupyter display_data message carries it. */
export type MimeBundle = Record<string, unknown>;

/** Something a Deno notebook displays. */
export interface Displayable {
  /** The bundle shown. */
  readonly bundle: MimeBundle;
  /** Called by the Deno kernel to get the bundle. */
  [JUPYTER_DISPLAY](): MimeBundle;
}

/** Wrap a MIME bundle so a notebook displays it. */
export function displayable(bundle: MimeBundle): Displayable {
  return { bundle, [JUPYTER_DISPLAY]: () => bundle };
}

/**
 * MIME bundle of a chart: the spec under `application/vnd.vegalite.v5+json` (with the v5 `$schema`, which
 * JupyterLab renders) plus, when given, its SVG under `image/svg+xml` for front ends that do not: classic
 * Notebook 6 has no Vega-Lite renderer and shows the SVG (without it, only the text/plain line), and so does
 * nbconvert's HTML export. {@linkcode chartDisplay} always adds it
 * (tests/notebooks/browser_test.ts checks that each chart is drawn in Notebook 6).
 */
export function vegaLiteBundle(spec: VegaLiteSpec, svg?: string): MimeBundle {
  const title = typeof spec.title === "string" ? `: ${spec.title}` : "";
  return {
    "application/vnd.vegalite.v5+json": { ...spec, $schema: VEGA_LITE_SCHEMA },
    ...(svg !== undefined ? { "image/svg+xml": svg } : {}),
    "text/plain": `<Vega-Lite chart${title}>`,
  };
}

/**
 * A chart ready for a notebook: renders the SVG copy, then displays both.
 *
 * @example
 * await chartDisplay(lineChart(metrics, { x: "epoch", y: "loss", color: "model" }));  // last value of a cell
 */
export async function chartDisplay(spec: VegaLiteSpec): Promise<Displayable> {
  return displayable(vegaLiteBundle(spec, await renderSvg(spec)));
}

/** PNG bytes shown as an image (`image/png`, base64). */
export function pngDisplay(png: Uint8Array, options: { alt?: string } = {}): Displayable {
  return displayable({
    "image/png": base64(png),
    "text/plain": options.alt ?? `<PNG image, ${png.length} bytes>`,
  });
}

/** A table with `toHTML` (arquero) shown as HTML, with Markdown as the plain-text fallback when it has one. */
export function tableDisplay(
  table: { toHTML(options?: { limit?: number }): string; toMarkdown?(options?: { limit?: number }): string },
  options: { limit?: number } = {},
): Displayable {
  const limit = options.limit ?? 50;
  return displayable({
    "text/html": table.toHTML({ limit }),
    "text/plain": table.toMarkdown ? table.toMarkdown({ limit }) : "<table>",
  });
}

/** Standard base64 of bytes. */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
