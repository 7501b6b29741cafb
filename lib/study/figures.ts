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
  type Box,
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
  sideBySide,
  type VegaLiteSpec,
} from "../viz/mod.ts";

/**
 * Label of a run's configuration without the seed: `model-pooling (split[, leaky][, aug])`; the slice-level
 * split (a subject's slices on both sides) is labelled leaky wherever it is shown.
 */
export function configLabel(row: Record<string, unknown>): string {
  const aug = row.augmentation === "seed" ? "" : `, aug ${row.augmentation}`;
  const leaky = row.split === "slice" || row.leaky_split === true ? ", leaky" : "";
  return `${row.model}-${row.pooling} (${row.split}${leaky}${aug})`;
}

function withLabel(table: Table): Table {
  return table.numRows()
    ? tableFromRows(rowsOf(table).map((r) => ({ config: configLabel(r), ...r })))
    : table;
}

/**
 * Share of the most frequent label: the accuracy of always predicting the largest class (the chance level
 * of an accuracy chart: 0.5 for two balanced groups, about 0.1 for ten digits). 0 for no labels.
 */
export function majorityShare(labels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return labels.length ? Math.max(...counts.values()) / labels.length : 0;
}

/** Settings that explain a surprising number, carried by each summary row when the tables have them. */
const ACCURACY_SETTINGS = ["leaky_split", "normalization", "cam_relu", "cam_normalize", "cam_threshold"];
const LOCALIZATION_SETTINGS = ["layer", "relu", "normalize", "threshold"];

/**
 * One row per k-fold run (grid, dataset, scale, configuration, seed) for the folds of a k-fold cell: accuracies
 * pooled over the folds' test sets, acc = Σ_f acc_f·n_f / Σ_f n_f with n_f the fold's test samples (test
 * subjects for subject accuracy), so every sample counts once; chance the pooled test set's largest class,
 * max(P, N − P) / N, when the rows count their positives (`test_positives`); other numbers (AUC, validation
 * accuracy, errors) the mean over folds (lib/study `foldSummary` also gives the pooled AUC). Rows without a fold
 * pass through unchanged.
 */
export function poolFolds(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    if (r.fold === undefined || r.fold === null) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.grid ?? null, r.dataset, r.scale ?? null, configLabel(r), r.seed, r.folds]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const weighted = (g: Record<string, unknown>[], c: string, w: string) => {
    const pairs = g.map((r) => [Number(r[c]), Number(r[w])]).filter(([v, n]) => Number.isFinite(v) && n > 0);
    const total = pairs.reduce((a, [, n]) => a + n, 0);
    return total ? pairs.reduce((a, [v, n]) => a + v * n, 0) / total : null;
  };
  const mean = (g: Record<string, unknown>[], c: string) => {
    const v = g.map((r) => Number(r[c])).filter(Number.isFinite);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  for (const g of groups.values()) {
    const row: Record<string, unknown> = { ...g[0], fold: null, folds_run: g.length };
    if ("test_accuracy" in row) row.test_accuracy = weighted(g, "test_accuracy", "n_test");
    // The pooled test set's largest class (lib/study foldSummary's), when the rows count their positives.
    const n = g.reduce((a, r) => a + Number(r.n_test), 0),
      pos = g.reduce((a, r) => a + Number(r.test_positives), 0);
    if ("chance_accuracy" in row) {
      row.chance_accuracy = Number.isFinite(pos) && n > 0
        ? Math.max(pos, n - pos) / n
        : weighted(g, "chance_accuracy", "n_test");
    }
    if ("subject_accuracy" in row) row.subject_accuracy = weighted(g, "subject_accuracy", "test_subjects");
    for (const c of ["test_auc", "val_accuracy", "test_mae", "test_r", "top1_cls_error", "top5_cls_error"]) {
      if (c in row) row[c] = mean(g, c);
    }
    for (const c of ["n_test", "test_subjects"]) {
      if (c in row) row[c] = g.reduce((a, r) => a + Number(r[c]), 0);
    }
    out.push(row);
  }
  return out;
}

/**
 * Test accuracy per configuration and dataset: mean and sample sd over seeds (null with one seed), n seeds;
 * also the chance level (largest class's share), AUC and subject-level accuracy where present; and the
 * settings that explain the numbers (leaky split, slice normalisation, CAM ReLU / normalisation / τ). The folds
 * of a k-fold cell are first pooled into one row per seed ({@linkcode poolFolds}), so `seeds` counts seeds,
 * not folds.
 */
export function accuracySummary(results: Table): Table {
  if (!results.numRows()) return results;
  const t = withLabel(
    results.columnNames().includes("fold") ? tableFromRows(poolFolds(rowsOf(results))) : results,
  );
  const cols = t.columnNames();
  const rollups: Record<string, unknown> = {
    seeds: aq.op.count(),
    test_accuracy: aq.op.mean("test_accuracy"),
    test_accuracy_sd: aq.op.stdev("test_accuracy"),
  };
  if (cols.includes("chance_accuracy")) rollups.chance_accuracy = aq.op.mean("chance_accuracy");
  if (cols.includes("test_auc")) rollups.test_auc = aq.op.mean("test_auc");
  if (cols.includes("subject_accuracy")) rollups.subject_accuracy = aq.op.mean("subject_accuracy");
  if (cols.includes("val_accuracy")) rollups.val_accuracy = aq.op.mean("val_accuracy");
  for (const c of ["test_mae", "test_r"]) if (cols.includes(c)) rollups[c] = aq.op.mean(c);
  for (const c of ["top1_cls_error", "top5_cls_error"]) if (cols.includes(c)) rollups[c] = aq.op.mean(c);
  for (const c of ACCURACY_SETTINGS) if (cols.includes(c)) rollups[c] = aq.op.any(c);
  // deno-lint-ignore no-explicit-any
  const summary = t.groupby("dataset", "config").rollup(rollups as any).orderby("dataset", "config");
  // One seed has no spread: null, not undefined (which tables print as "undefined").
  return tableFromRows(rowsOf(summary).map((r) => ({ ...r, test_accuracy_sd: r.test_accuracy_sd ?? null })));
}

/**
 * Localization per dataset, configuration and method: means over subjects/images and seeds, with the CAM
 * settings of the rows (layer, ReLU, normalisation, τ) so that a surprising number explains itself (plain
 * CAM without ReLU under min-max puts most of the canvas above 0.2 of the max: large boxes).
 */
export function localizationSummary(localization: Table): Table {
  if (!localization.numRows()) return localization;
  const t = withLabel(localization);
  const cols = new Set(t.columnNames());
  const rollups: Record<string, unknown> = { n: aq.op.count() };
  for (const c of LOCALIZATION_SETTINGS) if (cols.has(c)) rollups[c] = aq.op.any(c);
  for (
    const c of [
      "energy_in_truth",
      "chance_energy",
      "pxap",
      "top1_loc_error",
      "top5_loc_error",
      "whole_image_loc_error",
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
      "vxap",
      "max3d_box_acc_v2",
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

/** Classes per dataset, for the chance level of charts whose rows carry none. */
const DATASET_CLASSES: Record<string, number> = { cohort: 2, digits: 10, garments: 10 };

/** The chance accuracy of a dataset's rows: the mean `chance_accuracy`, else 1 / its classes. */
function chanceAccuracy(rows: Record<string, unknown>[], dataset: string): number | undefined {
  const given = rows.map((r) => r.chance_accuracy).filter((v): v is number => Number.isFinite(v as number));
  if (given.length) return given.reduce((a, b) => a + b, 0) / given.length;
  return DATASET_CLASSES[dataset] ? 1 / DATASET_CLASSES[dataset] : undefined;
}

const LEAKY = "leaky: slice-level split (a subject's slices on both sides)";
const HELD_OUT = "held-out subjects";

function isLeaky(r: Record<string, unknown>): boolean {
  return r.leaky_split === true || r.split === "slice";
}

function round2(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * The study's charts as Vega-Lite specs, keyed by file name. Every accuracy chart has its chance level (the
 * largest class's share) and every energy chart the mask's share of the brain, as dashed rules; error bars
 * and "± sd" appear only with at least 2 seeds (else the title says "one seed"); rows of the leaky
 * slice-level split are drawn in their own panel, labelled; axes have titles in words.
 */
export function studyCharts(tables: GridTables): Record<string, VegaLiteSpec> {
  const charts: Record<string, VegaLiteSpec> = {};
  const metrics = withLabel(tables.metrics);
  const resultRows = rowsOf(tables.results);
  for (const dataset of new Set(metrics.numRows() ? metrics.array("dataset") as string[] : [])) {
    const rows = rowsOf(metrics).filter((r) => r.dataset === dataset && r.seed === 0);
    charts[`${dataset}_loss`] = lineChart(rows, {
      x: "epoch",
      y: "loss",
      color: "config",
      title: `${dataset}: training loss per epoch (seed 0)`,
      xTitle: "epoch",
      yTitle: "training loss",
    });
    if (rows.some((r) => r.valAccuracy !== undefined && r.valAccuracy !== null)) {
      const chance = chanceAccuracy(resultRows.filter((r) => r.dataset === dataset), dataset);
      charts[`${dataset}_val_accuracy`] = lineChart(rows, {
        x: "epoch",
        y: "valAccuracy",
        color: "config",
        title: `${dataset}: validation accuracy per epoch (seed 0)`,
        xTitle: "epoch",
        yTitle: "validation accuracy",
        yDomain: [0, 1],
        ...(chance !== undefined ? { chance, chanceLabel: `chance ${round2(chance)}` } : {}),
      });
    }
  }
  const acc = accuracySummary(tables.results);
  if (acc.numRows()) {
    for (const dataset of new Set(acc.array("dataset") as string[])) {
      const summary = rowsOf(acc).filter((r) => r.dataset === dataset);
      const seeds = Math.min(...summary.map((r) => Number(r.seeds)));
      const spread = seeds >= 2;
      const leaky = summary.some(isLeaky);
      const rows = summary.map((r) => ({
        ...r,
        evaluation: isLeaky(r) ? LEAKY : HELD_OUT,
        test_accuracy_sd: Number.isFinite(r.test_accuracy_sd as number) ? r.test_accuracy_sd : 0,
      }));
      const chance = chanceAccuracy(summary, dataset);
      charts[`${dataset}_test_accuracy`] = barChart(rows, {
        x: "config",
        y: "test_accuracy",
        ...(spread ? { error: "test_accuracy_sd" } : {}),
        ...(leaky ? { facet: "evaluation" } : {}),
        title: `${dataset}: test accuracy, ${spread ? `mean ± sd over ${seeds}+ seeds` : "one seed"}`,
        xTitle: "model (split)",
        yTitle: "test accuracy",
        yDomain: [0, 1],
        ...(chance !== undefined ? { chance, chanceLabel: `chance ${round2(chance)}` } : {}),
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
    for (const dataset of new Set(loc.array("dataset") as string[])) {
      const rows = rowsOf(loc).filter((r) => r.dataset === dataset);
      if (rows.some((r) => Number.isFinite(r.energy_in_truth as number))) {
        // Energy in the planted region and PxAP side by side; both score a map that ignores the region at
        // the region's share of the brain (chance_energy), the dashed rule.
        const hasChance = rows.some((r) => Number.isFinite(r.chance_energy as number));
        const panel = (y: string, yTitle: string) =>
          barChart(rows.filter((r) => Number.isFinite(r[y] as number)), {
            x: "method",
            y,
            group: "config",
            xTitle: "CAM method",
            yTitle,
            yDomain: [0, 1],
            width: 280,
            ...(hasChance ? { chance: "chance_energy", chanceLabel: "chance" } : {}),
          });
        charts[`${dataset}_localization`] = sideBySide([
          panel("energy_in_truth", "share of the map's energy in the planted region"),
          ...(rows.some((r) => Number.isFinite(r.pxap as number))
            ? [panel("pxap", "PxAP (pixel-wise average precision)")]
            : []),
        ], {
          title: `${dataset}: the maps against the planted region per CAM method (dashed: chance, the ` +
            "region's share of the brain)",
        });
        // The 3-D study's SE3D scores (volume cells), one chart each.
        for (const extra of ["vxap", "max3d_box_acc_v2"]) {
          if (!rows.some((r) => Number.isFinite(r[extra] as number))) continue;
          charts[`${dataset}_${extra}`] = barChart(rows.filter((r) => Number.isFinite(r[extra] as number)), {
            x: "method",
            y: extra,
            group: "config",
            xTitle: "CAM method",
            yTitle: extra === "vxap" ? "VxAP (voxel-wise average precision)" : "Max3DBoxAccV2",
            yDomain: [0, 1],
            ...(hasChance && extra === "vxap" ? { chance: "chance_energy", chanceLabel: "chance" } : {}),
            title: `${dataset}: ${extra === "vxap" ? "VxAP" : "Max3DBoxAccV2"} per CAM method`,
          });
        }
      } else if (rows.some((r) => Number.isFinite(r.top1_loc_error as number))) {
        // The reference: the error of a box over the whole image (what a map above τ·max everywhere gives).
        const whole = rows.some((r) => Number.isFinite(r.whole_image_loc_error as number));
        charts[`${dataset}_localization`] = barChart(rows, {
          x: "method",
          y: "top1_loc_error",
          group: "config",
          title: `${dataset}: top-1 localization error per CAM method (lower is better` +
            (whole ? "; dashed: a box over the whole image)" : ")"),
          xTitle: "CAM method",
          yTitle: "top-1 localization error",
          yDomain: [0, 1],
          ...(whole ? { chance: "whole_image_loc_error", chanceLabel: "whole-image box" } : {}),
        });
      }
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
    const { box, drawn } = mapBox(plane.cam, plane.image, input.threshold);
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
        boxes: drawn,
        caption: [
          ...(p ? [`this slice: ${input.classes[argmax(p)]} (p = ${pct(p[argmax(p)])})`] : []),
          boxCaption(box, plane.cam),
        ],
      },
    );
  }
  const mean = input.slices ? `, mean over its ${input.slices} test slices` : "";
  const right = input.classes[predicted] === input.group ? "correct" : "wrong";
  return camFigure(tiles, {
    columns: 2,
    tileSize: options.tileSize ?? 256,
    rowLabels: input.planes.map((p) => p.axis),
    title: [
      `${input.subject}, group ${input.group}: predicted ${input.classes[predicted]} (${right}), p = ${
        pct(input.probabilities[predicted])
      }${mean}`,
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

/**
 * The map's box at τ·max (`boxFromMap`, found on the map's own grid) and, scaled to the image's pixels
 * (x0·sx … (x1 + 1)·sx − 1, likewise y), the box a tile draws in {@link CAM_BOX_COLOR} (none without a box).
 */
function mapBox(
  cam: FloatMap,
  image: { height: number; width: number },
  threshold: number,
): { box: ReturnType<typeof boxFromMap>; drawn: Box[] } {
  const box = boxFromMap(cam.data, [cam.height, cam.width], { threshold });
  const sy = image.height / cam.height, sx = image.width / cam.width;
  const drawn = box
    ? [{
      x0: box.x0 * sx,
      y0: box.y0 * sy,
      x1: (box.x1 + 1) * sx - 1,
      y1: (box.y1 + 1) * sy - 1,
      color: CAM_BOX_COLOR,
    }]
    : [];
  return { box, drawn };
}

/** What the τ box covers, in words: a box over most of the image is the tell of ReLU off + min-max. */
function boxCaption(box: { x0: number; y0: number; x1: number; y1: number } | null, map: FloatMap): string {
  if (!box) return "no box (nothing above τ·max)";
  const share = ((box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1)) / (map.width * map.height);
  return `τ box: ${Math.round(share * 100)}% of the image`;
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
    const { box, drawn } = mapBox(cam, image, input.threshold);
    const p = input.probabilities[i] ?? [];
    const predicted = argmax(p);
    return {
      image,
      cam,
      boxes: [
        { ...input.truthBoxes[i], color: TRUTH_COLOR },
        ...drawn,
      ],
      caption: [
        `true ${name(input.labels[i])} · predicted ${name(predicted)} (p = ${pct(p[predicted])})`,
        boxCaption(box, cam),
      ],
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
 * Write a CAM figure as `<base>.png` (resvg, needs --allow-ffi), and as `<base>.svg` too when asked or when the
 * PNG cannot be rendered (the SVG embeds the tiles, so it is the larger file). Returns the paths written.
 */
export async function saveCamFigure(
  figure: CamFigure,
  base: string,
  options: { svg?: boolean } = {},
): Promise<string[]> {
  const written: string[] = [];
  let svg = options.svg ?? false;
  try {
    await Deno.writeFile(`${base}.png`, await renderCamFigure(figure));
    written.push(`${base}.png`);
  } catch (e) {
    console.error(`[figures] ${base}.png not rendered (${(e as Error).message}): writing ${base}.svg`);
    svg = true;
  }
  if (svg) {
    await Deno.writeTextFile(`${base}.svg`, figure.svg);
    written.push(`${base}.svg`);
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
