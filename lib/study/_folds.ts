/**
 * Helpers shared by the k-fold tables (findings.ts, fold_slice_comparisons.ts): which rows are fold rows,
 * which net and run a fold row belongs to, and the cells' `subjects` rows by run.
 *
 * @module
 */
import type { Table } from "../experiments/tables.ts";
import { rowsOf } from "../experiments/tables.ts";
import { configLabel } from "./figures.ts";

/** One table row. */
export type Row = Record<string, unknown>;

/** A finite number, else null. */
export const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
/** Arithmetic mean (NaN for none). */
export const mean = (vs: number[]): number => vs.reduce((a, b) => a + b, 0) / vs.length;

/** A row of a k-fold cell (it has `folds`). */
export const isFold = (r: Row) => num(r.folds) !== null;

/** Subject ids of a space-separated column (empty or null: none). */
export function idsOf(v: unknown): string[] {
  return v === null || v === undefined ? [] : String(v).split(/\s+/).filter(Boolean);
}

/**
 * The net of a fold row (its configuration without the fold), and the run it pools into: one per grid,
 * dataset, configuration, seed and k. Nets of one run's grids share the partition (the cohort and the seed
 * make it), so they pair across grids.
 */
export function foldRun(r: Row): { key: string; config: string } {
  const config = configLabel(r);
  return {
    config,
    key: JSON.stringify([r.grid ?? null, r.dataset, r.scale ?? null, config, r.seed, r.folds]),
  };
}

/** The columns that name a fold row's net in the pooled tables. */
export function netColumns(r: Row): Row {
  return {
    grid: r.grid ?? null,
    dataset: r.dataset,
    config: foldRun(r).config,
    model: r.model,
    pooling: r.pooling,
    seed: r.seed,
    folds: r.folds,
  };
}

/** Sample standard deviation √(Σ (v − mean)² / (n − 1)); null below two values. */
export function sampleSd(values: number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** Fold rows grouped by their run ({@linkcode foldRun}); rows without a fold are left out. */
export function groupRuns(rows: Row[]): Map<string, Row[]> {
  const runs = new Map<string, Row[]>();
  for (const r of rows.filter(isFold)) {
    const { key } = foldRun(r);
    runs.set(key, [...runs.get(key) ?? [], r]);
  }
  return runs;
}

/** The `subjects` table's column of one subject rule's right/wrong calls. */
export type RuleColumn = "right_vote" | "right_threshold";

/** The `subjects` table's test rows (lib/study's `subjectRows`) by run id; empty without the table. */
export function testRowsByRun(subjects: Table | undefined): Map<string, Row[]> {
  const byRun = new Map<string, Row[]>();
  for (const r of subjects?.numRows() ? rowsOf(subjects) : []) {
    if (r.part === "test") byRun.set(String(r.run_id), [...byRun.get(String(r.run_id)) ?? [], r]);
  }
  return byRun;
}

/**
 * A net's test subjects over its fold rows, and those right under one rule (`column` of their subjects
 * rows); null unless every fold has its rows and each row the column.
 */
export function callsUnder(
  byRun: Map<string, Row[]>,
  folds: Row[],
  column: RuleColumn,
): { right: Set<string>; tested: Set<string> } | null {
  const right = new Set<string>(), tested = new Set<string>();
  for (const r of folds) {
    const list = byRun.get(String(r.run_id));
    if (!list?.length) return null;
    for (const s of list) {
      const v = s[column];
      if (v === null || v === undefined) return null;
      tested.add(String(s.subject));
      if (v === true || v === "true") right.add(String(s.subject));
    }
  }
  return { right, tested };
}
