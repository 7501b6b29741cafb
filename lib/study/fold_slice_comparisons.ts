/**
 * Two nets' held-out-subject accuracy, paired over subjects: each test subject's slice accuracy (the share of
 * its slices called its own group, `vote_share` in the cells' `subjects` tables) under one net against the
 * other's, every subject one pair. The subjects, not the slices, are the independent units, so a subject's
 * 96 correlated slices count once; and a subject's accuracy is a proportion, so the test sees every slice a
 * net gets right, where the exact McNemar test of `foldComparisons` (findings.ts) sees only the subjects whose
 * call flips.
 *
 * @module
 */
import { pairedSignFlipTest, type SignFlipOptions } from "../experiments/stats.ts";
import type { Table } from "../experiments/tables.ts";
import { rowsOf, tableFromRows } from "../experiments/tables.ts";
import { foldRun, groupRuns, mean, num, type Row, testRowsByRun } from "./_folds.ts";

/** Options of {@linkcode foldSliceComparisons}. */
export interface FoldSliceComparisonOptions {
  /**
   * The sign-flip test's settings: `level` of the interval, `exactUpTo` subjects enumerated, else `resamples`
   * seeded draws.
   * @default { level: 0.95, exactUpTo: 20, resamples: 100000, seed: 0 }
   */
  test?: SignFlipOptions;
  /**
   * Also compare each pair pooled over the partitions (cell seeds) both nets ran: a subject's accuracy is then
   * its mean over those partitions, one pair per subject (rows with `seed` null and `seeds` listing them).
   * @default true
   */
  pool?: boolean;
}

/** One net of one k-fold run: its test subjects' slice accuracies. */
interface NetRun {
  grid: unknown;
  dataset: unknown;
  scale: unknown;
  folds: unknown;
  seed: unknown;
  config: string;
  accuracy: Map<string, number>;
}

/**
 * Every pair of nets tested on the same subjects, per k-fold run (the same dataset, scale, k and cell seed,
 * hence the same partition of the subjects; nets of different grids pair too, as in one notebook's
 * concatenated tables) and, with `pool`, over the partitions both ran. For subject s with slice accuracy a_s
 * under net a and b_s under net b, d_s = a_s − b_s over the S shared subjects:
 * `slice_acc_a` = (1/S) Σ a_s and `slice_acc_b` (held-out-subject accuracy, every subject weighted once),
 * `slice_acc_diff` = (1/S) Σ d_s, `subjects_a_ahead` / `subjects_b_ahead` (d_s > 0 / < 0), and `signflip_p`,
 * the paired sign-flip permutation test's two-sided p of H0: d symmetric about 0, with the interval of the
 * shift that test inverts to (`diff_ci_low`, `diff_ci_high`, `ci_level`: 0 lies inside iff p > 1 − level;
 * lib/experiments' `pairedSignFlipTest`; `p_exact` says whether every sign pattern was enumerated). Nets are
 * named by `grid_a`, `net_a` (configuration label), `grid_b`, `net_b`, in a fixed order (grid, then
 * configuration), so a pair points the same way in every partition and in its pooled row.
 *
 * Only nets whose every fold has `subjects` rows with `vote_share` are compared (cells finished before that
 * table existed have none); the region-FA baseline has none either.
 *
 * @example
 * const pairs = foldSliceComparisons(results, subjects); // results.csv and subjects.csv of a k-fold grid
 */
export function foldSliceComparisons(
  results: Table,
  subjects: Table,
  options: FoldSliceComparisonOptions = {},
): Table {
  const rows = results.numRows() ? rowsOf(results) : [];
  const byRun = testRowsByRun(subjects);
  const nets: NetRun[] = [];
  for (const list of groupRuns(rows).values()) {
    const accuracy = new Map<string, number>();
    let complete = true;
    for (const r of list) {
      const tested = byRun.get(String(r.run_id));
      if (!tested?.length) complete = false;
      for (const s of tested ?? []) {
        const share = num(s.vote_share);
        if (share === null) complete = false;
        else accuracy.set(String(s.subject), share);
      }
    }
    if (!complete) continue;
    const first = list[0];
    nets.push({
      grid: first.grid ?? null,
      dataset: first.dataset,
      scale: first.scale ?? null,
      folds: first.folds,
      seed: first.seed,
      config: foldRun(first).config,
      accuracy,
    });
  }
  // A fixed order, so that each pair points the same way in every partition and in its pooled row.
  const order = (x: unknown) => String(x ?? "");
  nets.sort((x, y) =>
    order(x.grid).localeCompare(order(y.grid)) || x.config.localeCompare(y.config) ||
    bySeed(x.seed, y.seed)
  );
  const out: Row[] = [];
  const samePartitioning = (a: NetRun, b: NetRun) =>
    a.dataset === b.dataset && a.scale === b.scale && a.folds === b.folds;
  for (let i = 0; i < nets.length; i++) {
    for (let j = i + 1; j < nets.length; j++) {
      const a = nets[i], b = nets[j];
      if (!samePartitioning(a, b) || a.seed !== b.seed) continue;
      const row = compare(a.accuracy, b.accuracy, options);
      if (row) out.push({ ...names(a, b), seed: a.seed, partitions: 1, seeds: String(a.seed), ...row });
    }
  }
  if (options.pool ?? true) {
    // One net over its partitions: the same grid, cohort, k and configuration, any seed.
    const pooled = new Map<string, NetRun[]>();
    for (const n of nets) {
      const key = JSON.stringify([n.grid, n.dataset, n.scale, n.folds, n.config]);
      pooled.set(key, [...pooled.get(key) ?? [], n]);
    }
    const groups = [...pooled.values()];
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const [a0] = groups[i], [b0] = groups[j];
        if (!samePartitioning(a0, b0)) continue;
        const seeds = groups[i].map((n) => n.seed).filter((s) => groups[j].some((m) => m.seed === s));
        if (seeds.length < 2) continue;
        const row = compare(meanOver(groups[i], seeds), meanOver(groups[j], seeds), options);
        // Each group holds its nets in seed order (the sort above), so `seeds` is in order too.
        if (row) {
          out.push({
            ...names(a0, b0),
            seed: null,
            partitions: seeds.length,
            seeds: seeds.join(" "),
            ...row,
          });
        }
      }
    }
  }
  return tableFromRows(out);
}

/** Each subject's mean accuracy over the partitions `seeds` (subjects tested in all of them). */
function meanOver(runs: NetRun[], seeds: unknown[]): Map<string, number> {
  const chosen = runs.filter((r) => seeds.includes(r.seed));
  const out = new Map<string, number>();
  for (const subject of chosen[0].accuracy.keys()) {
    const values = chosen.map((r) => r.accuracy.get(subject));
    if (values.every((v) => v !== undefined)) out.set(subject, mean(values as number[]));
  }
  return out;
}

/** The columns that name a pair's nets and their k-fold runs. */
function names(a: NetRun, b: NetRun): Row {
  return {
    dataset: a.dataset,
    scale: a.scale,
    folds: a.folds,
    grid_a: a.grid,
    net_a: a.config,
    grid_b: b.grid,
    net_b: b.config,
  };
}

/** Net a against net b on the subjects both have (null for none): a row's numbers. */
function compare(
  a: Map<string, number>,
  b: Map<string, number>,
  options: FoldSliceComparisonOptions,
): Row | null {
  const shared = [...a.keys()].filter((s) => b.has(s)).sort();
  if (!shared.length) return null;
  const d = shared.map((s) => a.get(s)! - b.get(s)!);
  const test = pairedSignFlipTest(d, options.test);
  return {
    subjects: shared.length,
    slice_acc_a: mean(shared.map((s) => a.get(s)!)),
    slice_acc_b: mean(shared.map((s) => b.get(s)!)),
    slice_acc_diff: test.mean,
    diff_ci_low: test.low,
    diff_ci_high: test.high,
    ci_level: test.level,
    subjects_a_ahead: d.filter((v) => v > 0).length,
    subjects_b_ahead: d.filter((v) => v < 0).length,
    signflip_p: test.p,
    p_exact: test.exact,
  };
}

/** Seeds in numeric order where they are numbers, else by their text. */
function bySeed(x: unknown, y: unknown): number {
  const nx = Number(x), ny = Number(y);
  return Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : String(x).localeCompare(String(y));
}
