/**
 * The paper's CAM figure: a grid of tiles (a gray image with its class activation map overlaid, boxes and a
 * region's outline drawn), with a title, a legend of the drawn colours, captions, row labels and a colour
 * bar, composed as one SVG (tiles embedded as PNG, text drawn by the renderer with DejaVu Sans) and rendered
 * to PNG with resvg.
 *
 * @module
 */

import { type Box, drawBoxes } from "./boxes.ts";
import { type ColormapName, colormapTable } from "./colormap.ts";
import { base64 } from "./display.ts";
import { VizError } from "./errors.ts";
import { drawOutline } from "./outline.ts";
import { overlayCam } from "./overlay.ts";
import { encodePng } from "./png.ts";
import {
  checkMap,
  type FloatMap,
  type RasterImage,
  resizeMap,
  toGray,
  toRgb,
  type ValueRange,
} from "./raster.ts";
import { renderPng, type RenderPngOptions } from "./render.ts";
import { escapeXml, textWidth, wrapText } from "./_text.ts";

/** RGB bytes. */
export type Rgb = readonly [number, number, number];

/** One tile of a {@linkcode camFigure}. */
export interface CamTile {
  /** The gray image under the map (an FA slice, a digit canvas). */
  image: FloatMap;
  /** The map overlaid in colour (any size: resized to the image); null or absent: the image alone. */
  cam?: FloatMap | null;
  /** Boxes in the image's pixel coordinates (corners inclusive), each with its `color`. @default [] */
  boxes?: readonly Box[];
  /** A mask (nonzero = inside, any size: scaled to the image) whose outline is drawn. @default none */
  outline?: FloatMap | null;
  /** Colour of the outline. @default [255, 0, 255] */
  outlineColor?: Rgb;
  /** Caption above the tile, one string per line (long lines wrap to the tile's width). @default none */
  caption?: string | readonly string[];
}

/** One entry of the figure's legend. */
export interface LegendEntry {
  /** What the colour means. */
  label: string;
  /** The colour drawn. */
  color: Rgb;
}

/** A mark on the colour bar (e.g. the box threshold τ). */
export interface ColorBarMark {
  /** Value on the colour bar's scale. */
  value: number;
  /** Text beside the mark. */
  label: string;
}

/** Options of {@linkcode camFigure}. */
export interface CamFigureOptions {
  /** Title lines; the first is bold. Long lines wrap to the figure's width. @default none */
  title?: string | readonly string[];
  /** Tiles per row. @default the number of tiles */
  columns?: number;
  /** A label left of each row of tiles (e.g. the plane). @default none */
  rowLabels?: readonly string[];
  /** Width of a tile in pixels; its height keeps the image's aspect. At least 224. @default 256 */
  tileSize?: number;
  /** Weight of the coloured map (see `overlayCam`). @default 0.5 */
  alpha?: number;
  /** Colormap of the map and the colour bar. @default "jet" */
  colormap?: ColormapName;
  /** Image values shown black and white. @default "auto" */
  imageRange?: ValueRange;
  /** Map values at the colormap's ends, also the colour bar's scale. @default [0, 1] */
  camRange?: [number, number];
  /** Title of the colour bar; false draws none. @default "CAM" */
  colorBar?: string | false;
  /** Marks drawn across the colour bar. @default [] */
  colorBarMarks?: readonly ColorBarMark[];
  /** What each drawn colour means. @default [] */
  legend?: readonly LegendEntry[];
  /** Width of boxes and outlines in figure pixels. @default 2 */
  lineWidth?: number;
  /** Font family of the text. @default "DejaVu Sans" */
  fontFamily?: string;
}

/** A rectangle of the figure, in pixels from its top-left corner. */
export interface Rect {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/** Where a tile sits, and how image pixels map onto it. */
export interface TileRect extends Rect {
  /** Figure pixels per image column. */
  scaleX: number;
  /** Figure pixels per image row. */
  scaleY: number;
}

/** A composed figure: its SVG and where everything is (for tests and for placing more on top). */
export interface CamFigure {
  /** The SVG document (tiles and colour bar embedded as PNG data URLs). */
  svg: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** The title's lines and the box they take. */
  title: Rect & { lines: string[] };
  /** The legend's box (zero height without a legend). */
  legend: Rect;
  /** Each tile's image area, in tile order. */
  tiles: TileRect[];
  /** Each tile's caption area (above it). */
  captions: Rect[];
  /** The colour bar's gradient (zero size without one). */
  colorBar: Rect;
}

const MARGIN = 14, GAP = 12, TITLE_SIZE = 16, TEXT_SIZE = 13, SMALL_SIZE = 11, LINE = 1.35;
const SWATCH = 14;

/**
 * Compose the CAM figure: tiles of `tileSize` pixels (image scaled bilinearly, the map overlaid as
 * out = (1 − α)·255·g + α·C(m), see `overlayCam`, the map resized to the image's pixels so both cover the
 * same tile; boxes drawn inwards at ⌊x0·s⌋ … ⌈(x1 + 1)·s⌉ − 1 for s figure pixels per image pixel, cased by
 * one black pixel each side; the mask's outline by nearest-neighbour scaling), laid out `columns` to a row
 * under a title and a legend of swatches, with a caption above each tile, a label left of each row and a
 * vertical colour bar of `camRange` (ticks at its ends and middle, plus `colorBarMarks`) on the right.
 * Text sizes are measured in DejaVu Sans, so no text is cut: the canvas widens to the longest line and
 * captions wrap to their tile.
 *
 * @example
 * const fig = camFigure(
 *   [{ image: faSlice, cam, boxes: [{ ...camBox, color: [255, 255, 255] }], outline: truth, caption: "sagittal" }],
 *   { title: ["sim11 (old): predicted old, p = 0.83", "Grad-CAM at conv_cam, ReLU on"], legend: [...] },
 * );
 * await Deno.writeFile("cam.png", await renderCamFigure(fig));
 */
export function camFigure(tiles: readonly CamTile[], options: CamFigureOptions = {}): CamFigure {
  if (tiles.length === 0) throw new VizError("tiles", "nothing to draw: the list is empty");
  tiles.forEach((t, k) => {
    checkMap(t.image, `tiles[${k}].image`);
    if (t.cam) checkMap(t.cam, `tiles[${k}].cam`);
    if (t.outline) checkMap(t.outline, `tiles[${k}].outline`);
  });
  const tileSize = options.tileSize ?? 256;
  if (!(Number.isInteger(tileSize) && tileSize >= 224)) {
    throw new VizError("camFigure", `tileSize must be an integer of at least 224, got ${tileSize}`);
  }
  const columns = options.columns ?? tiles.length;
  if (!(Number.isInteger(columns) && columns >= 1)) {
    throw new VizError("camFigure", `columns must be a positive integer, got ${columns}`);
  }
  const lineWidth = options.lineWidth ?? 2;
  const camRange = options.camRange ?? [0, 1];
  if (!(camRange[1] > camRange[0])) {
    throw new VizError("camFigure", `camRange must rise, got [${camRange}]`);
  }
  const colormap = options.colormap ?? "jet";
  const font = options.fontFamily ?? "DejaVu Sans";
  const rows = Math.ceil(tiles.length / columns);

  // Tile pixels: every tile is tileSize wide, as high as its aspect asks; a row is as high as its highest.
  const sizes = tiles.map((t) => ({
    width: tileSize,
    height: Math.max(1, Math.round((tileSize * t.image.height) / t.image.width)),
  }));
  const rowHeights = Array.from(
    { length: rows },
    (_, r) => Math.max(...sizes.slice(r * columns, (r + 1) * columns).map((s) => s.height)),
  );
  const captionLines = tiles.map((t) =>
    (typeof t.caption === "string" ? [t.caption] : t.caption ?? []).flatMap((line) =>
      wrapText(line, tileSize, SMALL_SIZE)
    )
  );
  const captionHeights = Array.from({ length: rows }, (_, r) => {
    const n = Math.max(...captionLines.slice(r * columns, (r + 1) * columns).map((l) => l.length));
    return n ? Math.ceil(n * SMALL_SIZE * LINE) + 4 : 0;
  });
  const rowLabels = options.rowLabels ?? [];
  const labelWidth = rowLabels.length
    ? Math.ceil(Math.max(...rowLabels.map((l) => textWidth(l, TEXT_SIZE, true)))) + GAP
    : 0;
  const gridWidth = columns * tileSize + (columns - 1) * GAP;
  const bar = options.colorBar === false ? null : options.colorBar ?? "CAM";
  const marks = options.colorBarMarks ?? [];
  const ticks = [camRange[0], (camRange[0] + camRange[1]) / 2, camRange[1]];
  const tickText = (v: number) => String(Number(v.toPrecision(3)));
  const barWidth = 16;
  const barLabelWidth = bar === null ? 0 : Math.ceil(Math.max(
    ...ticks.map((v) => textWidth(tickText(v), SMALL_SIZE)),
    ...marks.map((m) => textWidth(m.label, SMALL_SIZE)),
  )) + 8;
  const barBlock = bar === null
    ? 0
    : GAP + Math.max(barWidth + barLabelWidth, Math.ceil(textWidth(bar, SMALL_SIZE, true)));
  const contentWidth = labelWidth + gridWidth + barBlock;

  // The title and the legend wrap to the content's width (at least 480 px, so short grids stay readable).
  const innerWidth = Math.max(contentWidth, 480);
  const titleIn = typeof options.title === "string" ? [options.title] : options.title ?? [];
  const titleLines: { text: string; bold: boolean; size: number }[] = titleIn.flatMap((line, i) =>
    wrapText(line, innerWidth, i === 0 ? TITLE_SIZE : TEXT_SIZE, i === 0).map((text) => ({
      text,
      bold: i === 0,
      size: i === 0 ? TITLE_SIZE : TEXT_SIZE,
    }))
  );
  const width = MARGIN * 2 + innerWidth;
  let y = MARGIN;
  const titleTop = y;
  const svgParts: string[] = [];
  for (const line of titleLines) {
    y += Math.round(line.size * LINE);
    svgParts.push(text(MARGIN, y - Math.round(line.size * 0.3), line.text, line.size, line.bold));
  }
  const title = {
    x: MARGIN,
    y: titleTop,
    width: innerWidth,
    height: y - titleTop,
    lines: titleLines.map((l) => l.text),
  };
  if (titleLines.length) y += 6;

  // Legend: a swatch (an outlined square in the entry's colour) and its label, wrapping onto new lines.
  const legendTop = y;
  const entries = options.legend ?? [];
  let lx = MARGIN;
  const legendLine = Math.round(TEXT_SIZE * LINE) + 4;
  if (entries.length) y += legendLine;
  for (const entry of entries) {
    const w = SWATCH + 6 + Math.ceil(textWidth(entry.label, TEXT_SIZE)) + 18;
    if (lx > MARGIN && lx + w > MARGIN + innerWidth) {
      lx = MARGIN;
      y += legendLine;
    }
    const top = y - legendLine + 2;
    svgParts.push(
      `<rect x="${lx}" y="${top}" width="${SWATCH}" height="${SWATCH}" fill="#303030"/>` +
        `<rect x="${lx + 3}" y="${top + 3}" width="${SWATCH - 6}" height="${SWATCH - 6}" fill="none" ` +
        `stroke="${hex(entry.color)}" stroke-width="2"/>`,
      text(lx + SWATCH + 6, top + SWATCH - 2, entry.label, TEXT_SIZE, false),
    );
    lx += w;
  }
  const legend = { x: MARGIN, y: legendTop, width: innerWidth, height: y - legendTop };
  if (entries.length) y += 6;

  // The grid.
  const gridLeft = MARGIN + labelWidth;
  const tileRects: TileRect[] = [], captionRects: Rect[] = [];
  const gridTop = y;
  for (let r = 0; r < rows; r++) {
    const captionTop = y;
    y += captionHeights[r];
    for (let c = 0; c < columns; c++) {
      const k = r * columns + c;
      if (k >= tiles.length) break;
      const x = gridLeft + c * (tileSize + GAP);
      const { width: w, height: h } = sizes[k];
      const raster = tileRaster(tiles[k], w, h, {
        alpha: options.alpha,
        colormap,
        imageRange: options.imageRange,
        camRange,
        lineWidth,
      });
      const rect = {
        x,
        y,
        width: w,
        height: h,
        scaleX: w / tiles[k].image.width,
        scaleY: h / tiles[k].image.height,
      };
      tileRects.push(rect);
      captionRects.push({ x, y: captionTop, width: tileSize, height: captionHeights[r] });
      // A dark frame just outside the tile, so a box along the tile's edge (white) stays visible.
      svgParts.push(
        imageTag(raster, x, y),
        `<rect x="${x - 0.5}" y="${y - 0.5}" width="${w + 1}" height="${
          h + 1
        }" fill="none" stroke="#000000" ` +
          `stroke-width="1"/>`,
      );
      captionLines[k].forEach((line, i) => {
        svgParts.push(text(x, captionTop + Math.round((i + 1) * SMALL_SIZE * LINE), line, SMALL_SIZE, false));
      });
    }
    if (rowLabels[r] !== undefined) {
      svgParts.push(text(MARGIN, y + Math.round(rowHeights[r] / 2) + 4, rowLabels[r], TEXT_SIZE, true));
    }
    y += rowHeights[r] + (r < rows - 1 ? GAP : 0);
  }
  const gridBottom = y;

  // Colour bar: the colormap from camRange's top (at the top) to its bottom, ticks and marks on its right.
  let colorBar: Rect = { x: 0, y: 0, width: 0, height: 0 };
  if (bar !== null) {
    const bx = gridLeft + gridWidth + GAP;
    svgParts.push(text(bx, gridTop + SMALL_SIZE, bar, SMALL_SIZE, true));
    const barTop = gridTop + Math.round(SMALL_SIZE * LINE) + 8;
    const barHeight = Math.max(64, Math.min(gridBottom - barTop, 2 * tileSize));
    colorBar = { x: bx, y: barTop, width: barWidth, height: barHeight };
    svgParts.push(imageTag(colorBarRaster(colormap, barWidth, barHeight), bx, barTop));
    svgParts.push(
      `<rect x="${bx - 0.5}" y="${barTop - 0.5}" width="${barWidth + 1}" height="${
        barHeight + 1
      }" fill="none" stroke="#000000" stroke-width="1"/>`,
    );
    const yOf = (v: number) =>
      barTop + (1 - (v - camRange[0]) / (camRange[1] - camRange[0])) * (barHeight - 1);
    for (const v of ticks) {
      const ty = yOf(v);
      svgParts.push(
        `<line x1="${bx + barWidth}" y1="${ty}" x2="${bx + barWidth + 4}" y2="${ty}" stroke="#000000"/>`,
        text(bx + barWidth + 6, ty + 4, tickText(v), SMALL_SIZE, false),
      );
    }
    for (const m of marks) {
      const ty = yOf(Math.min(Math.max(m.value, camRange[0]), camRange[1]));
      svgParts.push(
        `<line x1="${bx - 3}" y1="${ty}" x2="${
          bx + barWidth + 4
        }" y2="${ty}" stroke="#000000" stroke-width="2"/>`,
        text(bx + barWidth + 6, ty + 4, m.label, SMALL_SIZE, true),
      );
    }
    y = Math.max(y, barTop + barHeight);
  }
  const height = y + MARGIN;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${escapeXml(font)}, sans-serif">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` + svgParts.join("") + "</svg>";
  return {
    svg,
    width,
    height,
    title,
    legend,
    tiles: tileRects,
    captions: captionRects,
    colorBar,
  };
}

/**
 * A {@linkcode camFigure} as PNG bytes (resvg, system fonts: Debian's fonts-dejavu-core). Needs `--allow-ffi`.
 *
 * @example
 * await Deno.writeFile("cam_sim11.png", await renderCamFigure(camFigure(tiles, { title: "sim11" })));
 */
export function renderCamFigure(figure: CamFigure, options: RenderPngOptions = {}): Promise<Uint8Array> {
  return renderPng(figure.svg, options);
}

function tileRaster(
  tile: CamTile,
  width: number,
  height: number,
  o: {
    alpha?: number;
    colormap: ColormapName;
    imageRange?: ValueRange;
    camRange: [number, number];
    lineWidth: number;
  },
): RasterImage {
  const big = resizeMap(tile.image, height, width);
  const imageRange = o.imageRange ?? "auto";
  let raster = tile.cam
    ? overlayCam(big, tile.cam, { alpha: o.alpha, colormap: o.colormap, imageRange, camRange: o.camRange })
    : toRgb(toGray(big, { range: imageRange }));
  if (tile.outline) {
    raster = drawOutline(raster, tile.outline, { color: tile.outlineColor, thickness: o.lineWidth });
  }
  const sx = width / tile.image.width, sy = height / tile.image.height;
  const boxes = (tile.boxes ?? []).map((b) => ({
    x0: Math.floor(Math.min(b.x0, b.x1) * sx),
    y0: Math.floor(Math.min(b.y0, b.y1) * sy),
    x1: Math.ceil((Math.max(b.x0, b.x1) + 1) * sx) - 1,
    y1: Math.ceil((Math.max(b.y0, b.y1) + 1) * sy) - 1,
    ...(b.color ? { color: b.color } : {}),
  }));
  if (!boxes.length) return raster;
  // A dark casing, one pixel each side of the line, so a box reads as a line on any map (a white box along
  // the tile's edge next to a strip of dark blue otherwise looks like a gap in the map).
  const casing = boxes.map((b) => ({ x0: b.x0 - 1, y0: b.y0 - 1, x1: b.x1 + 1, y1: b.y1 + 1 }));
  raster = drawBoxes(raster, casing, { color: [0, 0, 0], thickness: o.lineWidth + 2 });
  return drawBoxes(raster, boxes, { color: [255, 255, 255], thickness: o.lineWidth });
}

function colorBarRaster(name: ColormapName, width: number, height: number): RasterImage {
  const lut = colormapTable(name);
  const data = new Uint8Array(width * height * 3);
  for (let r = 0; r < height; r++) {
    const i = 3 * Math.round((1 - r / Math.max(1, height - 1)) * 255);
    for (let c = 0; c < width; c++) data.set(lut.subarray(i, i + 3), (r * width + c) * 3);
  }
  return { data, width, height, channels: 3 };
}

function imageTag(raster: RasterImage, x: number, y: number): string {
  return `<image x="${x}" y="${y}" width="${raster.width}" height="${raster.height}" ` +
    `image-rendering="optimizeSpeed" href="data:image/png;base64,${base64(encodePng(raster))}"/>`;
}

function text(x: number, y: number, content: string, size: number, bold: boolean): string {
  return `<text x="${x}" y="${y}" font-size="${size}"${bold ? ' font-weight="bold"' : ""} fill="#000000">${
    escapeXml(content)
  }</text>`;
}

function hex(color: Rgb): string {
  return "#" + color.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
}
