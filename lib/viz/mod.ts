/**
 * Figures for cam-dmri: colormaps, CAM overlays with boxes and outlines, montages and PNG bytes over plain
 * typed arrays; the paper's CAM figure (tiles, title, legend, colour bar) as SVG and PNG; Vega-Lite chart specs rendered headless to SVG and PNG; Jupyter display bundles.
 *
 * @example
 * import { drawBoxes, encodePng, lineChart, overlayCam, renderPng } from "./lib/viz/mod.ts";
 * const rgb = drawBoxes(overlayCam(slice, cam, { alpha: 0.5 }), [box], { color: [255, 255, 255] });
 * await Deno.writeFile("cam.png", encodePng(rgb));
 * await Deno.writeFile("loss.png", await renderPng(lineChart(metrics, { x: "epoch", y: "loss", color: "model" })));
 *
 * @module
 */

export { type Box, drawBoxes, type DrawBoxesOptions } from "./boxes.ts";
export {
  type CamFigure,
  camFigure,
  type CamFigureOptions,
  type CamTile,
  type ColorBarMark,
  type LegendEntry,
  type Rect,
  renderCamFigure,
  type Rgb,
  type TileRect,
} from "./cam_figure.ts";
export {
  applyColormap,
  type ApplyColormapOptions,
  colormapColor,
  colormapIndex,
  type ColormapName,
  COLORMAPS,
  colormapTable,
} from "./colormap.ts";
export {
  base64,
  chartDisplay,
  type Displayable,
  displayable,
  JUPYTER_DISPLAY,
  type MimeBundle,
  pngDisplay,
  tableDisplay,
  vegaLiteBundle,
} from "./display.ts";
export { VizError } from "./errors.ts";
export { montage, type MontageOptions } from "./montage.ts";
export { drawOutline, type DrawOutlineOptions } from "./outline.ts";
export { overlayCam, type OverlayOptions } from "./overlay.ts";
export { decodePng, encodePng, pngSize } from "./png.ts";
export {
  type FloatMap,
  type RasterImage,
  resizeMap,
  resolveRange,
  toGray,
  type ToGrayOptions,
  toRgb,
  unitScale,
  type ValueRange,
} from "./raster.ts";
export {
  type ChartLayout,
  chartLayout,
  type ChartMark,
  type ChartText,
  renderPng,
  type RenderPngOptions,
  renderSvg,
} from "./render.ts";
export {
  barChart,
  type BarChartOptions,
  type ChartOptions,
  type ChartRows,
  type FieldType,
  lineChart,
  type LineChartOptions,
  prChart,
  type PrChartOptions,
  sideBySide,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./vega_lite.ts";
