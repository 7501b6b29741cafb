/**
 * The study's tables and charts from a grid's aggregated tables: summaries per model (mean ± sd over seeds),
 * localization per method, and Vega-Lite charts (curves, accuracy bars, localization bars, PR curves) saved
 * as SVG and PNG.
 *
 * @module
 */
import * as aq from "arquero";
import type { GridTables } from "../experiments/runner.ts";
import type { Table } from "../experiments/tables.ts";
import { rowsOf, saveTable, tableFromRows } from "../experiments/tables.ts";
import { boxFromMap } from "../localize/mod.ts";
import { type Volume, volumeFrom } from "../nifti/mod.ts";
import { type SliceProvenance, sliceVolume } from "../slices/mod.ts";
import {
  barChart,
  type CamFigure,
  camFigure,
  type CamTile,
  type FloatMap,
  lineChart,
  prChart,
  renderCamFigure,
  renderPng,
  renderSvg,
  type Rgb,
  type VegaLiteSpec,
} from "../viz/mod.ts";

/** Label of a run's configuration without the seed: `model-pooling (split[, aug])`. */
export function configLabel(row: Record<string, unknown>): string {
  const aug = row.augmentation === "seed" ? "" : `, aug ${row.augmentation}`;
  return `${row.model}-${row.pooling} (${row.split}${aug})`;
}

function withLabel(table: Table): Table {
  return table.numRows()
    ? tableFromRows(rowsOf(table).map((r) => ({ config: configLabel(r), ...r })))
    : table;
}

/**
 * Test accuracy per configuration and dataset: mean and sample sd over seeds, n seeds; also AUC and
 * subject-level accuracy where present.
 */
export function accuracySummary(results: Table): Table {
  if (!results.numRows()) return results;
  const t = withLabel(results);
  const cols = t.columnNames();
  const rollups: Record<string, unknown> = {
    seeds: aq.op.count(),
    test_accuracy: aq.op.mean("test_accuracy"),
    test_accuracy_sd: aq.op.stdev("test_accuracy"),
  };
  if (cols.includes("test_auc")) rollups.test_auc = aq.op.mean("test_auc");
  if (cols.includes("subject_accuracy")) rollups.subject_accuracy = aq.op.mean("subject_accuracy");
  if (cols.includes("val_accuracy")) rollups.val_accuracy = aq.op.mean("val_accuracy");
  for (const c of ["top1_cls_error", "top5_cls_error"]) if (cols.includes(c)) rollups[c] = aq.op.mean(c);
  // deno-lint-ignore no-explicit-any
  const summary = t.groupby("dataset", "config").rollup(rollups as any).orderby("dataset", "config");
  // One seed has no spread: null, not undefined (which tables print as "undefined").
  return tableFromRows(rowsOf(summary).map((r) => ({ ...r, test_accuracy_sd: r.test_accuracy_sd ?? null })));
}

/** Localization per dataset, configuration and method: means over subjects/images and seeds. */
export function localizationSummary(localization: Table): Table {
  if (!localization.numRows()) return localization;
  const t = withLabel(localization);
  const cols = new Set(t.columnNames());
  const rollups: Record<string, unknown> = { n: aq.op.count() };
  for (
    const c of [
      "energy_in_truth",
      "chance_energy",
      "pxap",
      "top1_loc_error",
      "top5_loc_error",
      "top5_loc_error_tight_loose",
      "gt_known_loc",
      "max_box_acc",
      "max_box_acc_v2",
      "pointing_game",
      "full_accuracy",
      "cam_crop_accuracy",
      "gt_crop_accuracy",
      "cam_box_iou50",
      "mean_iou",
    ]
  ) {
    if (cols.has(c)) rollups[c] = aq.op.mean(c);
  }
  // deno-lint-ignore no-explicit-any
  return t.groupby("dataset", "config", "method").rollup(rollups as any).orderby(
    "dataset",
    "config",
    "method",
  );
}

/** Write a chart as `<base>.svg` and `<base>.png` (PNG needs --allow-ffi; skipped with a note without it). */
export async function saveChart(spec: VegaLiteSpec, base: string): Promise<string[]> {
  const written: string[] = [];
  const svg = await renderSvg(spec);
  await Deno.writeTextFile(`${base}.svg`, svg);
  written.push(`${base}.svg`);
  try {
    await Deno.writeFile(`${base}.png`, await renderPng(spec));
    written.push(`${base}.png`);
  } catch (e) {
    console.error(`[figures] ${base}.png not rendered: ${(e as Error).message}`);
  }
  return written;
}

/** The study's charts as Vega-Lite specs, keyed by file name. */
export function studyCharts(tables: GridTables): Record<string, VegaLiteSpec> {
  const charts: Record<string, VegaLiteSpec> = {};
  const metrics = withLabel(tables.metrics);
  for (const dataset of new Set(metrics.numRows() ? metrics.array("dataset") as string[] : [])) {
    const rows = rowsOf(metrics).filter((r) => r.dataset === dataset && r.seed === 0);
    charts[`${dataset}_loss`] = lineChart(rows, {
      x: "epoch",
      y: "loss",
      color: "config",
      title: `${dataset}: training loss per epoch (seed 0)`,
    });
    if (rows.some((r) => r.valAccuracy !== undefined && r.valAccuracy !== null)) {
      charts[`${dataset}_val_accuracy`] = lineChart(rows, {
        x: "epoch",
        y: "valAccuracy",
        color: "config",
        title: `${dataset}: validation accuracy per epoch (seed 0)`,
        yDomain: [0, 1],
      });
    }
  }
  const acc = accuracySummary(tables.results);
  if (acc.numRows()) {
    for (const dataset of new Set(acc.array("dataset") as string[])) {
      const rows = rowsOf(acc).filter((r) => r.dataset === dataset).map((r) => ({
        ...r,
        test_accuracy_sd: Number.isFinite(r.test_accuracy_sd as number) ? r.test_accuracy_sd : 0,
      }));
      charts[`${dataset}_test_accuracy`] = barChart(rows, {
        x: "config",
        y: "test_accuracy",
        error: "test_accuracy_sd",
        title: `${dataset}: test accuracy (mean ± sd over seeds)`,
        yDomain: [0, 1],
      });
    }
  }
  const curves = withLabel(tables.curves);
  if (curves.numRows()) {
    for (const dataset of new Set(curves.array("dataset") as string[])) {
      const pr = rowsOf(curves).filter((r) => r.dataset === dataset && r.curve === "pr" && r.seed === 0)
        .map((r) => ({ config: r.config, recall: r.x, precision: r.y, point: r.point }));
      if (pr.length) {
        charts[`${dataset}_precision_recall`] = prChart(pr, {
          color: "config",
          order: "point",
          title: `${dataset}: precision–recall on the test set (seed 0)`,
        });
      }
    }
  }
  const loc = localizationSummary(tables.localization);
  if (loc.numRows()) {
    const cols = loc.columnNames();
    const y = cols.includes("energy_in_truth") ? "energy_in_truth" : null;
    for (const dataset of new Set(loc.array("dataset") as string[])) {
      const rows = rowsOf(loc).filter((r) => r.dataset === dataset);
      const metric = rows.some((r) => r.top1_loc_error !== undefined && r.top1_loc_error !== null)
        ? "top1_loc_error"
        : y;
      if (!metric) continue;
      charts[`${dataset}_localization`] = barChart(rows, {
        x: "method",
        y: metric,
        group: "config",
        title: `${dataset}: ${metric.replaceAll("_", " ")} per CAM method`,
      });
    }
  }
  return charts;
}

/** Save summaries (CSV + Arrow) and charts (SVG + PNG) under `<dir>/`. */
export async function writeStudyReport(tables: GridTables, dir: string): Promise<string[]> {
  await Deno.mkdir(`${dir}/figures`, { recursive: true });
  const written: string[] = [];
  const acc = accuracySummary(tables.results);
  if (acc.numRows()) {
    await saveTable(acc, `${dir}/summary_accuracy`);
    written.push(`${dir}/summary_accuracy.csv`);
  }
  const loc = localizationSummary(tables.localization);
  if (loc.numRows()) {
    await saveTable(loc, `${dir}/summary_localization`);
    written.push(`${dir}/summary_localization.csv`);
  }
  for (const [name, spec] of Object.entries(studyCharts(tables))) {
    written.push(...await saveChart(spec, `${dir}/figures/${name}`));
  }
  return written;
}

/** Colour of the CAM's box at τ·max in the CAM figures (white: no colormap entry is white). */
export const CAM_BOX_COLOR: Rgb = [255, 255, 255];
/** Colour of the truth (planted region's outline, digit's box) in the CAM figures (magenta: not in jet). */
export const TRUTH_COLOR: Rgb = [255, 0, 255];

const METHOD_NAMES: Record<string, string> = {
  "cam": "CAM",
  "grad-cam": "Grad-CAM",
  "grad-cam++": "Grad-CAM++",
  "score-cam": "Score-CAM",
  "saliency": "Saliency (backprop)",
};

/** How a map was made, as the CAM figures' titles name it. */
export interface CamSettings {
  /** "cam", "grad-cam", ... */
  method: string;
  /** Layer the maps were computed at. */
  layer: string;
  /** Whether negative values were cut before normalising. */
  relu: boolean;
  /** "minmax", "max" or "none". */
  normalize: string;
  /** Box threshold τ (a fraction of the map's max). */
  threshold: number;
}

function settingsLine(s: CamSettings): string {
  const norm = s.normalize === "minmax" ? "min-max" : s.normalize === "max" ? "divided by max" : "raw";
  return `${METHOD_NAMES[s.method] ?? s.method} at layer ${s.layer} · ReLU ${s.relu ? "on" : "off"} · ` +
    `${norm} normalisation · box at τ = ${s.threshold} of the max`;
}

function pct(p: number | undefined): string {
  return p === undefined || !Number.isFinite(p) ? "?" : p.toFixed(2);
}

/** One plane of {@linkcode subjectCamFigure}: the centre slice the model saw, its map and the truth there. */
export interface SubjectCamPlane {
  /** "sagittal", "coronal" or "axial". */
  axis: string;
  /** Slice index along the plane's RAS axis (shown in the caption). @default undefined */
  index?: number;
  /** The slice (e.g. normalised FA) as the model saw it. */
  image: FloatMap;
  /** The CAM of this slice (any size; resized to the slice). */
  cam: FloatMap;
  /** The planted region(s) cut the same way as the slice (nonzero inside). @default none */
  truth?: FloatMap | null;
  /** This slice's class probabilities. @default undefined */
  probabilities?: readonly number[];
}

/** What {@linkcode subjectCamFigure} draws. */
export interface SubjectCamInput extends CamSettings {
  /** Subject id. */
  subject: string;
  /** The subject's group (its true class). */
  group: string;
  /** Class names in the model's output order. */
  classes: readonly string[];
  /** The subject's class probabilities (e.g. the mean over its test slices). */
  probabilities: readonly number[];
  /** How many slices `probabilities` is the mean of. @default undefined */
  slices?: number;
  /** The planes, one row each. */
  planes: readonly SubjectCamPlane[];
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * The paper's CAM figure of one test subject and method: one row per plane (its centre slice), the slice in
 * gray with the planted region's outline, then the map over it with the box of the map at τ·max (lib/localize's
 * `boxFromMap`: largest 8-connected component above τ·max) and the outline again; a colour bar with τ marked;
 * the title names subject, group, the predicted class with its probability, method, layer, ReLU and
 * normalisation.
 *
 * @example
 * const fig = subjectCamFigure({ subject: "sim11", group: "old", classes: ["young", "old"], probabilities: [0.2, 0.8],
 *   method: "grad-cam", layer: "conv_cam", relu: true, normalize: "minmax", threshold: 0.2, planes });
 * await saveCamFigure(fig, "figures/cam_grad-cam_sim11");
 */
export function subjectCamFigure(input: SubjectCamInput, options: { tileSize?: number } = {}): CamFigure {
  const predicted = argmax(input.probabilities);
  const tiles: CamTile[] = [];
  for (const plane of input.planes) {
    const box = boxFromMap(plane.cam.data, [plane.cam.height, plane.cam.width], {
      threshold: input.threshold,
    });
    // The box is found on the map's own grid; the figure draws in the slice's pixels.
    const sy = plane.image.height / plane.cam.height, sx = plane.image.width / plane.cam.width;
    const where = plane.index === undefined ? "centre slice" : `centre slice (index ${plane.index})`;
    const p = plane.probabilities;
    tiles.push(
      {
        image: plane.image,
        outline: plane.truth ?? null,
        outlineColor: TRUTH_COLOR,
        caption: `FA, ${where}`,
      },
      {
        image: plane.image,
        cam: plane.cam,
        outline: plane.truth ?? null,
        outlineColor: TRUTH_COLOR,
        boxes: box
          ? [{
            x0: box.x0 * sx,
            y0: box.y0 * sy,
            x1: (box.x1 + 1) * sx - 1,
            y1: (box.y1 + 1) * sy - 1,
            color: CAM_BOX_COLOR,
          }]
          : [],
        caption: p
          ? `this slice: ${input.classes[argmax(p)]} (p = ${pct(p[argmax(p)])})${box ? "" : " · no box"}`
          : box
          ? ""
          : "no box (empty map)",
      },
    );
  }
  const mean = input.slices ? ` (mean over its ${input.slices} test slices)` : "";
  const right = input.classes[predicted] === input.group ? "right" : "wrong";
  return camFigure(tiles, {
    columns: 2,
    tileSize: options.tileSize ?? 256,
    rowLabels: input.planes.map((p) => p.axis),
    title: [
      `${input.subject}, group ${input.group}: predicted ${input.classes[predicted]}, p = ${
        pct(input.probabilities[predicted])
      }${mean}, ${right}`,
      settingsLine(input),
    ],
    legend: [
      { label: `box of the map at τ = ${input.threshold} of its max`, color: CAM_BOX_COLOR },
      { label: "planted region (truth)", color: TRUTH_COLOR },
    ],
    colorBar: `${METHOD_NAMES[input.method] ?? input.method}${
      input.normalize === "minmax" ? " (min-max)" : ""
    }`,
    colorBarMarks: [{ value: input.threshold, label: `τ = ${input.threshold}` }],
    camRange: input.normalize === "none" ? camExtent(input.planes.map((p) => p.cam)) : [0, 1],
  });
}

function camExtent(maps: readonly FloatMap[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const m of maps) {
    for (let i = 0; i < m.data.length; i++) {
      const v = m.data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) && hi > lo ? [lo, hi] : [0, 1];
}

/** What {@linkcode digitsCamFigure} draws: test images with the map of their true class. */
export interface DigitsCamInput extends CamSettings {
  /** The images. */
  images: readonly FloatMap[];
  /** The map of each image's true class. */
  cams: readonly FloatMap[];
  /** Each image's truth box (pixels, corners inclusive). */
  truthBoxes: readonly { x0: number; y0: number; x1: number; y1: number }[];
  /** Each image's true class. */
  labels: readonly number[];
  /** Each image's class probabilities. */
  probabilities: readonly (readonly number[])[];
  /** Class names. @default the class index as text */
  classNames?: readonly string[];
}

/**
 * The CAM figure for digits: each test image with the map of its true class, the truth box and the map's
 * box at τ·max (drawn in the legend's colours), a caption naming the true and the predicted class with its
 * probability; title with method, layer, ReLU and normalisation; colour bar with τ marked.
 *
 * @example
 * await saveCamFigure(digitsCamFigure({ images, cams, truthBoxes, labels, probabilities, ...settings }), "digits_cam");
 */
export function digitsCamFigure(
  input: DigitsCamInput,
  options: { columns?: number; tileSize?: number } = {},
) {
  const name = (c: number) => input.classNames?.[c] ?? String(c);
  const tiles: CamTile[] = input.images.map((image, i) => {
    const cam = input.cams[i];
    const box = boxFromMap(cam.data, [cam.height, cam.width], { threshold: input.threshold });
    const sy = image.height / cam.height, sx = image.width / cam.width;
    const p = input.probabilities[i] ?? [];
    const predicted = argmax(p);
    return {
      image,
      cam,
      boxes: [
        { ...input.truthBoxes[i], color: TRUTH_COLOR },
        ...(box
          ? [{
            x0: box.x0 * sx,
            y0: box.y0 * sy,
            x1: (box.x1 + 1) * sx - 1,
            y1: (box.y1 + 1) * sy - 1,
            color: CAM_BOX_COLOR,
          }]
          : []),
      ],
      caption: `true ${name(input.labels[i])} · predicted ${name(predicted)} (p = ${pct(p[predicted])})`,
    };
  });
  return camFigure(tiles, {
    columns: options.columns ?? 4,
    tileSize: options.tileSize ?? 224,
    title: [
      `Cluttered digits: ${METHOD_NAMES[input.method] ?? input.method} of the true class`,
      settingsLine(input),
    ],
    legend: [
      { label: "truth box", color: TRUTH_COLOR },
      { label: `box of the map at τ = ${input.threshold} of its max (prediction)`, color: CAM_BOX_COLOR },
    ],
    colorBar: `${METHOD_NAMES[input.method] ?? input.method}${
      input.normalize === "minmax" ? " (min-max)" : ""
    }`,
    colorBarMarks: [{ value: input.threshold, label: `τ = ${input.threshold}` }],
    camRange: input.normalize === "none" ? camExtent(input.cams) : [0, 1],
  });
}

/**
 * Write a CAM figure as `<base>.svg` and `<base>.png` (PNG needs --allow-ffi; skipped with a note without it).
 */
export async function saveCamFigure(figure: CamFigure, base: string): Promise<string[]> {
  await Deno.writeTextFile(`${base}.svg`, figure.svg);
  const written = [`${base}.svg`];
  try {
    await Deno.writeFile(`${base}.png`, await renderCamFigure(figure));
    written.push(`${base}.png`);
  } catch (e) {
    console.error(`[figures] ${base}.png not rendered: ${(e as Error).message}`);
  }
  return written;
}

/**
 * Of slices with provenance, the index of each axis's centre slice (the middle of those cut along it), in
 * the order the axes first appear.
 */
export function centreSliceIndices(provenance: readonly { axis: string; rasIndex: number }[]): number[] {
  const byAxis = new Map<string, number[]>();
  provenance.forEach((p, k) => byAxis.set(p.axis, [...byAxis.get(p.axis) ?? [], k]));
  return [...byAxis.values()].map((ks) => {
    const sorted = [...ks].sort((a, b) => provenance[a].rasIndex - provenance[b].rasIndex);
    return sorted[Math.floor(sorted.length / 2)];
  });
}

/** A subject's slice as the cohort cell holds it. */
export interface ProvenancedSlice {
  /** height·width values. */
  image: ArrayLike<number>;
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Where it was cut. */
  provenance: SliceProvenance;
}

/** Options of {@linkcode subjectPlanes}. */
export interface SubjectPlanesOptions {
  /** Truth mask on the slices' source grid (nonzero inside), cut the same way. @default none */
  truth?: { data: ArrayLike<number>; like: Volume } | null;
  /** Class probabilities of each slice (same order). @default none */
  probabilities?: readonly (readonly number[] | undefined)[];
}

/**
 * The centre slice of each axis of one subject's slices with its map (`maps`: `[n, height, width]` row-major,
 * the slices' order) and the truth mask cut with the same geometry (nearest neighbour, `sliceVolume`), as the
 * planes of {@linkcode subjectCamFigure}.
 */
export function subjectPlanes(
  slices: readonly ProvenancedSlice[],
  maps: Float32Array,
  options: SubjectPlanesOptions = {},
): SubjectCamPlane[] {
  const centre = centreSliceIndices(slices.map((s) => s.provenance));
  let truthSlices: { data: Float32Array; provenance: SliceProvenance }[] = [];
  if (options.truth && slices.length) {
    const { like } = options.truth;
    const shape = like.shape.slice(0, 3);
    const mask = volumeFrom(Float32Array.from(options.truth.data), shape, {
      affine: like.affine,
      pixdim: like.pixdim.slice(0, 3),
    });
    truthSlices = sliceVolume(mask, {
      count: Math.max(...shape),
      size: slices[0].width,
      interpolation: "nearest",
    });
  }
  return centre.map((k) => {
    const s = slices[k], hw = s.height * s.width;
    const p = s.provenance;
    const truth = truthSlices.find((t) =>
      t.provenance.axis === p.axis && t.provenance.rasIndex === p.rasIndex
    );
    return {
      axis: p.axis,
      index: p.rasIndex,
      image: { data: s.image, height: s.height, width: s.width },
      cam: { data: maps.subarray(k * hw, (k + 1) * hw), height: s.height, width: s.width },
      truth: truth ? { data: truth.data, height: s.height, width: s.width } : null,
      probabilities: options.probabilities?.[k],
    };
  });
}
