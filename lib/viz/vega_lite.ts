/**
 * Vega-Lite specs for the study's charts: curves per model, bars with error bars, precision-recall.
 *
 * Specs carry the v5 `$schema` (what JupyterLab renders) and use nothing newer, so vega-lite 6 compiles
 * them too. Data are inlined as `data.values`.
 *
 * @module
 */

import { VizError } from "./errors.ts";

/** `$schema` of the specs built here. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/** Rows of a chart: plain objects, or a table with `objects()` (an arquero table). */
export type ChartRows = readonly Record<string, unknown>[] | { objects(): Record<string, unknown>[] };

/** Field types Vega-Lite understands. */
export type FieldType = "quantitative" | "ordinal" | "nominal" | "temporal";

/** Options shared by the chart helpers. */
export interface ChartOptions {
  /** Chart title. @default undefined */
  title?: string;
  /** Plot width in pixels. @default 360 */
  width?: number;
  /** Plot height in pixels. @default 240 */
  height?: number;
  /** Axis title of x. @default the field name in words ("val_accuracy", "valAccuracy" → "val accuracy") */
  xTitle?: string;
  /** Axis title of y. @default the field name in words */
  yTitle?: string;
  /** Fixed y domain, e.g. [0, 1] for accuracy. @default the data's extent */
  yDomain?: [number, number];
  /**
   * A chance level drawn as a dashed horizontal rule with a label: a number, or a field whose mean (per facet)
   * is the level (e.g. "chance_energy", the mask's share of the brain). The label sits outside the plot,
   * right of the rule's end, so it never covers a bar or a line; a legend moves right to make room.
   * @default none
   */
  chance?: number | string;
  /** Label of the chance rule. @default "chance" */
  chanceLabel?: string;
}

/** Options of {@linkcode lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** Field on x. */
  x: string;
  /** Field on y. */
  y: string;
  /** Field whose values get one coloured line each (e.g. "model"). @default undefined */
  color?: string;
  /** Field whose values get one dash pattern each (e.g. "split": train / val). @default undefined */
  strokeDash?: string;
  /** Field giving the order points are joined in (else sorted by x). @default undefined */
  order?: string;
  /** Type of x. @default "quantitative" */
  xType?: FieldType;
  /** Fixed x domain. @default the data's extent */
  xDomain?: [number, number];
  /** Draw a dot at each point. @default false */
  points?: boolean;
}

/**
 * Line chart of y against x, one line per `color` value (loss or accuracy per epoch per model).
 *
 * @example
 * lineChart(metrics, { x: "epoch", y: "val_accuracy", color: "model", yDomain: [0, 1] });
 */
export function lineChart(rows: ChartRows, options: LineChartOptions): VegaLiteSpec {
  const values = toValues(rows, "lineChart");
  requireFields(
    values,
    [options.x, options.y, options.color, options.strokeDash, options.order],
    "lineChart",
  );
  const encoding: Record<string, unknown> = {
    x: axis(options.x, options.xType ?? "quantitative", options.xTitle, options.xDomain),
    y: axis(options.y, "quantitative", options.yTitle, options.yDomain),
  };
  if (options.strokeDash) encoding.strokeDash = { field: options.strokeDash, type: "nominal" };
  if (options.order) encoding.order = { field: options.order, type: "quantitative" };
  if (options.color) encoding.color = { field: options.color, type: "nominal", legend: legend(options) };
  const line = { mark: { type: "line", point: options.points ?? false }, encoding };
  const chance = chanceLayers(values, options, "lineChart");
  return frame(
    options,
    chance.length ? { data: { values }, layer: [line, ...chance] } : { data: { values }, ...line },
  );
}

/** Options of {@linkcode barChart}. */
export interface BarChartOptions extends ChartOptions {
  /** Category field on x (e.g. "model"). */
  x: string;
  /** Value field on y (e.g. "accuracy"). */
  y: string;
  /** Field of a symmetric error (bar ± error, e.g. a standard deviation). @default undefined */
  error?: string;
  /** Fields of explicit lower and upper error bounds (e.g. a 95% CI); overrides `error`. @default undefined */
  errorBounds?: [string, string];
  /** Field that splits each x category into side-by-side coloured bars (e.g. "pooling"). @default undefined */
  group?: string;
  /** Sort order of x categories: "data" keeps row order. @default "data" */
  sort?: "data" | "ascending" | "descending";
  /**
   * Field whose values get one panel each, side by side (e.g. the metric, or held-out vs leaky splits), each
   * with its own x categories. @default undefined
   */
  facet?: string;
  /** Title over the panels. @default none (each panel is headed by its value) */
  facetTitle?: string;
  /** Label angle of x; long labels are angled (never cut, never truncated). @default 0, or -35 when any label is longer than the band */
  labelAngle?: number;
}

/**
 * Bar chart of y per x category, with optional error bars (rules from y - e to y + e, or from the given
 * bounds) and optional grouped bars.
 *
 * @example
 * barChart(results, { x: "model", y: "accuracy", error: "accuracy_sd", yDomain: [0, 1] });
 */
export function barChart(rows: ChartRows, options: BarChartOptions): VegaLiteSpec {
  const values = toValues(rows, "barChart");
  requireFields(
    values,
    [options.x, options.y, options.error, options.group, ...(options.errorBounds ?? [])],
    "barChart",
  );
  const sort = (options.sort ?? "data") === "data" ? null : options.sort;
  // A band is about width / categories px; a label longer than that (at 0.8 em a character, the estimate
  // vega lays out with) is angled instead of overlapping.
  const categories = new Set(values.map((r) => String(r[options.x]))).size || 1;
  const longest = Math.max(0, ...values.map((r) => String(r[options.x]).length));
  const angle = options.labelAngle ?? (longest * 8 + 6 > (options.width ?? 360) / categories ? -35 : 0);
  const x = {
    field: options.x,
    type: "nominal",
    sort,
    axis: { labelAngle: angle, labelLimit: 0, ...(angle ? { labelAlign: "right" } : {}) },
    title: options.xTitle ?? fieldTitle(options.x),
  };
  const shared: Record<string, unknown> = { x };
  if (options.group) shared.xOffset = { field: options.group, type: "nominal" };
  const layer: Record<string, unknown>[] = [{
    mark: "bar",
    encoding: {
      ...shared,
      y: axis(options.y, "quantitative", options.yTitle, options.yDomain),
      ...(options.group ? { color: { field: options.group, type: "nominal", legend: legend(options) } } : {}),
    },
  }];
  const bounds = options.errorBounds;
  if (bounds || options.error) {
    const transform = bounds ? [] : [
      {
        calculate: `datum[${JSON.stringify(options.y)}] - datum[${JSON.stringify(options.error)}]`,
        as: "__lo",
      },
      {
        calculate: `datum[${JSON.stringify(options.y)}] + datum[${JSON.stringify(options.error)}]`,
        as: "__hi",
      },
    ];
    const [lo, hi] = bounds ?? ["__lo", "__hi"];
    layer.push({
      ...(transform.length ? { transform } : {}),
      mark: { type: "rule", color: "black" },
      encoding: {
        ...shared,
        y: { field: lo, type: "quantitative", title: options.yTitle ?? fieldTitle(options.y) },
        y2: { field: hi },
      },
    });
  }
  layer.push(...chanceLayers(values, options, "barChart"));
  if (options.facet) {
    const { title: _t, ...sized } = frame(options, {});
    delete sized.$schema;
    return {
      $schema: VEGA_LITE_SCHEMA,
      ...(options.title ? { title: options.title } : {}),
      data: { values },
      facet: {
        column: {
          field: options.facet,
          type: "nominal",
          sort: null,
          header: { title: options.facetTitle ?? null, labelLimit: 0, labelFontSize: 12 },
        },
      },
      spec: { ...sized, layer },
      resolve: { scale: { x: "independent" } },
    };
  }
  return frame(options, { data: { values }, layer });
}

/**
 * Charts side by side (Vega-Lite `hconcat`), each keeping its own data, scales and chance rule.
 *
 * @example
 * sideBySide([barChart(rows, { x: "method", y: "energy" }), barChart(rows, { x: "method", y: "pxap" })]);
 */
export function sideBySide(specs: readonly VegaLiteSpec[], options: { title?: string } = {}): VegaLiteSpec {
  if (specs.length === 0) throw new VizError("sideBySide", "nothing to lay out: the list is empty");
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    hconcat: specs.map(({ $schema: _s, ...spec }) => spec),
  };
}

/**
 * Legends never truncate their labels. With a chance rule, the legend (right of the plot) keeps clear of
 * the rule's label: its offset is the label's width as vega estimates it without a canvas (0.8 em a
 * character, an upper bound of DejaVu Sans' widths) plus 12 px.
 */
function legend(options: ChartOptions): Record<string, unknown> {
  if (options.chance === undefined) return { labelLimit: 0 };
  return { labelLimit: 0, offset: Math.ceil(0.8 * CHANCE_FONT_SIZE * chanceLabel(options).length) + 12 };
}

const CHANCE_FONT_SIZE = 11;

function chanceLabel(options: ChartOptions): string {
  return options.chanceLabel ?? "chance";
}

/** The chance rule and its label as layers (none when `options.chance` is unset). */
function chanceLayers(
  values: Record<string, unknown>[],
  options: ChartOptions,
  input: string,
): Record<string, unknown>[] {
  if (options.chance === undefined) return [];
  let field = options.chance;
  if (typeof field === "number") {
    const level = field;
    field = "__chance";
    for (const r of values) r[field] = level;
  } else {
    requireFields(values, [field], input);
  }
  const y = { field, type: "quantitative", aggregate: "mean" };
  const label = chanceLabel(options);
  return [
    {
      name: "chance_rule",
      mark: { type: "rule", color: "#555555", strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y },
    },
    {
      // Outside the plot, beside the rule's right end: inside it, the label would sit on the bars or lines.
      // Vega lays out around it (the next panel, the legend and the canvas make room).
      name: "chance_label",
      mark: {
        type: "text",
        align: "left",
        baseline: "middle",
        x: "width",
        dx: 4,
        fontSize: CHANCE_FONT_SIZE,
        color: "#222222",
      },
      encoding: { y, text: { value: label } },
    },
  ];
}

/** Options of {@linkcode prChart}. */
export interface PrChartOptions extends ChartOptions {
  /** Field of recall. @default "recall" */
  recall?: string;
  /** Field of precision. @default "precision" */
  precision?: string;
  /** Field with one curve per value (e.g. "model"). @default undefined */
  color?: string;
  /** Field giving the order points are joined in (e.g. "threshold"). @default undefined (sorted by recall) */
  order?: string;
}

/**
 * Precision-recall curves: a line chart with recall on x and precision on y, both on [0, 1].
 *
 * @example
 * prChart(prRows, { color: "model", order: "threshold" });
 */
export function prChart(rows: ChartRows, options: PrChartOptions = {}): VegaLiteSpec {
  return lineChart(rows, {
    ...options,
    x: options.recall ?? "recall",
    y: options.precision ?? "precision",
    xTitle: options.xTitle ?? "recall",
    yTitle: options.yTitle ?? "precision",
    xDomain: [0, 1],
    yDomain: options.yDomain ?? [0, 1],
  });
}

function frame(options: ChartOptions, body: VegaLiteSpec): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 360,
    height: options.height ?? 240,
    ...body,
  };
}

/** A field name as words for an axis: underscores and camelCase humps become spaces ("valAccuracy" → "val accuracy"). */
function fieldTitle(field: string): string {
  return field.replaceAll("_", " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

function axis(
  field: string,
  type: FieldType,
  title?: string,
  domain?: [number, number],
): Record<string, unknown> {
  return {
    field,
    type,
    title: title ?? fieldTitle(field),
    ...(domain ? { scale: { domain: [...domain] } } : {}),
  };
}

function toValues(rows: ChartRows, input: string): Record<string, unknown>[] {
  const list = Array.isArray(rows) ? rows : (rows as { objects(): Record<string, unknown>[] }).objects?.();
  if (!Array.isArray(list)) {
    throw new VizError(input, "rows must be an array of objects or a table with objects()");
  }
  return list.map((r) => ({ ...r }));
}

function requireFields(
  values: Record<string, unknown>[],
  fields: (string | undefined)[],
  input: string,
): void {
  if (values.length === 0) return;
  for (const f of fields) {
    if (f !== undefined && !values.some((r) => f in r)) {
      throw new VizError(input, `no row has the field "${f}" (fields: ${Object.keys(values[0]).join(", ")})`);
    }
  }
}
