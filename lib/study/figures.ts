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
import { barChart, lineChart, prChart, renderPng, renderSvg, type VegaLiteSpec } from "../viz/mod.ts";

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
  for (const c of ["test_mae", "test_r"]) if (cols.includes(c)) rollups[c] = aq.op.mean(c);
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
      for (const extra of ["vxap", "max3d_box_acc_v2"]) {
        if (!rows.some((r) => r[extra] !== undefined && r[extra] !== null)) continue;
        charts[`${dataset}_${extra}`] = barChart(rows, {
          x: "method",
          y: extra,
          group: "config",
          title: `${dataset}: ${extra.replaceAll("_", " ")} per CAM method`,
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
