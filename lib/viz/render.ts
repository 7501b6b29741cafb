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

/** A text of a rendered chart and the box it takes, in pixels of the SVG canvas. */
export interface ChartText {
  /** The text drawn. */
  text: string;
  /** Vega's role of the mark (e.g. "axis-label", "legend-label", "title-text"). */
  role: string;
  /** Left edge of its axis-aligned box. */
  x1: number;
  /** Top edge. */
  y1: number;
  /** Right edge. */
  x2: number;
  /** Bottom edge. */
  y2: number;
  /** Anchor point of the text (where it is rotated about). */
  x: number;
  /** Anchor point, vertical. */
  y: number;
  /** Rotation in degrees (0: horizontal). */
  angle: number;
  /** Font size in pixels. */
  fontSize: number;
  /** Name of the mark in the compiled Vega spec (e.g. "chance_label_marks"). @default "" */
  name: string;
}

/** A drawn (non-text) mark item of a rendered chart: a bar, a rule, a point, a line's path. */
export interface ChartMark {
  /** Vega's mark type ("rect", "rule", "symbol", "line", "area", …). */
  marktype: string;
  /** Name of the mark in the compiled Vega spec (e.g. "chance_rule_marks"). @default "" */
  name: string;
  /** Vega's role of the mark ("mark" for data marks; axis and legend parts have their own). */
  role: string;
  /** Left edge of its axis-aligned box. */
  x1: number;
  /** Top edge. */
  y1: number;
  /** Right edge. */
  x2: number;
  /** Bottom edge. */
  y2: number;
}

/** The canvas of a rendered chart and where its texts are. */
export interface ChartLayout {
  /** The SVG's width. */
  width: number;
  /** The SVG's height. */
  height: number;
  /** The SVG itself. */
  svg: string;
  /** Every text mark's box (vega's bounds: its text-width estimate, 0.8 em a character without a canvas). */
  texts: ChartText[];
  /** Every other mark item's box (bars, rules, points, paths), grid lines, axis ticks and domains included. */
  marks: ChartMark[];
}

/**
 * Render a spec and report where each text and each other mark is, for layout checks (labels inside the
 * canvas, not overlapping each other or the bars): vega's scenegraph bounds, offset by the enclosing groups
 * and the view's origin.
 *
 * @example
 * const { width, texts } = await chartLayout(barChart(rows, { x: "config", y: "test_accuracy" }));
 * texts.every((t) => t.x1 >= 0 && t.x2 <= width);
 */
export async function chartLayout(spec: VegaLiteSpec): Promise<ChartLayout> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  // deno-lint-ignore no-explicit-any
  const view = new vega.View(vega.parse(vegaLite.compile(spec as any).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const [width, height] = [/width="([\d.]+)"/, /height="([\d.]+)"/].map((re) => Number(svg.match(re)![1]));
    const [ox, oy] = view.origin();
    const texts: ChartText[] = [];
    const marks: ChartMark[] = [];
    // deno-lint-ignore no-explicit-any
    const walk = (node: any, dx: number, dy: number, role: string) => {
      if (!node) return;
      if (node.marktype !== undefined) {
        const r = node.role ?? role;
        const name = node.name ?? "";
        for (const item of node.items ?? []) {
          if (node.marktype === "text" && item.text !== undefined && item.text !== "" && item.bounds) {
            const b = item.bounds;
            if (Number.isFinite(b.x1) && b.x2 > b.x1) {
              texts.push({
                text: Array.isArray(item.text) ? item.text.join(" ") : String(item.text),
                role: r,
                x1: b.x1 + dx,
                y1: b.y1 + dy,
                x2: b.x2 + dx,
                y2: b.y2 + dy,
                x: (item.x ?? 0) + dx,
                y: (item.y ?? 0) + dy,
                angle: item.angle ?? 0,
                fontSize: item.fontSize ?? 11,
                name,
              });
            }
          } else if (node.marktype !== "group" && item.bounds && Number.isFinite(item.bounds.x1)) {
            const b = item.bounds;
            marks.push({
              marktype: node.marktype,
              name,
              role: r,
              x1: b.x1 + dx,
              y1: b.y1 + dy,
              x2: b.x2 + dx,
              y2: b.y2 + dy,
            });
          }
          if (node.marktype === "group") {
            for (const child of item.items ?? []) walk(child, dx + (item.x ?? 0), dy + (item.y ?? 0), r);
          }
        }
      }
    };
    // deno-lint-ignore no-explicit-any
    walk((view.scenegraph() as any).root, ox, oy, "root");
    return { width, height, svg, texts, marks };
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
