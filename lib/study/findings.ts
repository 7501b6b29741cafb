/**
 * The findings a reader should take away from a run, computed from its result rows (never written by
 * hand): the best held-out accuracy against chance, what the leaky split inflates, GAP vs GMP, the best
 * localizing method against chance, and the settings behind a surprising localization number.
 *
 * A k-fold run (a grid with `folds`) is pooled over its folds instead of averaged as if they were seeds:
 * {@linkcode foldSummary} (subjects right n of N with a Clopper–Pearson interval, pooled slice accuracy and
 * AUC), {@linkcode foldLocalization} (energy in the planted region over chance per CAM method, over every CAM
 * subject) and {@linkcode foldComparisons} (two nets on the same subjects: exact McNemar test).
 *
 * @module
 */
import { clopperPearson, exactMcNemar } from "../experiments/stats.ts";
import { pooledRocAuc } from "../train/mod.ts";
import type { Table } from "../experiments/tables.ts";
import { rowsOf, tableFromRows } from "../experiments/tables.ts";
import { accuracySummary, localizationSummary } from "./figures.ts";
import {
  callsUnder,
  foldRun,
  groupRuns,
  idsOf,
  isFold,
  mean,
  netColumns,
  num,
  type Row,
  type RuleColumn,
  sampleSd,
  testRowsByRun,
} from "./_folds.ts";
import { foldSliceComparisons } from "./fold_slice_comparisons.ts";

/** One finding: what it is about and the sentence that says it. */
export interface Finding {
  /** "best-accuracy", "k-fold", "leaky-split", "gap-vs-gmp", "best-localization" or "settings". */
  kind: string;
  /** Datasets it is about (one clause each). */
  datasets: string[];
  /** The sentence. */
  text: string;
}

/** Options of {@linkcode studyFindings}. */
export interface FindingsOptions {
  /** At most this many findings (the most important kinds first). @default 5 */
  max?: number;
}

const f2 = (v: number) => v.toFixed(2);
/** A difference with its sign, two decimals: +0.06, −0.02, 0.00; ±∞ for an unbounded interval end. */
const signed = (v: number) =>
  !Number.isFinite(v)
    ? (v < 0 ? "−∞" : "+∞")
    : Math.abs(v) < 0.005
    ? "0.00"
    : `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(2)}`;
/** A p-value: "p = " and two significant digits, "p < 0.0001" below that. */
const pValue = (v: number) => (v < 1e-4 ? "p < 0.0001" : `p = ${Number(v.toPrecision(2))}`);
/** Two significant digits, for small levels such as a region's share of the brain (0.044). */
const g2 = (v: number) => String(Number(v.toPrecision(2)));
const leaky = (r: Row) => r.leaky_split === true || r.split === "slice";

/**
 * Findings from a run's results and localization tables (per-run rows, as `results.csv` and
 * `localization.csv` hold them), one per kind (each dataset a clause of it), in this order, at most `max`:
 * 1. per dataset, the best held-out (not leaky) mean test accuracy, its configuration, seeds and chance level
 *    (rows of k-fold cells are left to the next finding);
 * 1b. per k-fold run ({@linkcode foldSummary}), each net's subjects right n/N with its 95% interval and the
 *    exact McNemar p of each pair of nets on the same subjects ({@linkcode foldComparisons}) and, where the
 *    tables have the cells' `subjects` rows, each pair's held-out subjects' slice accuracy paired over
 *    subjects (mean difference, bootstrap interval, sign-flip p: lib/study's `foldSliceComparisons`);
 * 2. per dataset with leaky slice-level rows, their mean test accuracy beside the held-out rows' mean (a
 *    leak named only when it is at least 0.05; a best accuracy within 0.05 of chance is said to be so);
 * 3. GAP vs GMP: mean test accuracy over configurations that differ only in pooling (and, where the rows
 *    have it, the mean top-1 localization error or energy in truth);
 * 4. the best localizing method on held-out rows: highest mean energy in the planted region as a multiple
 *    of chance (the region's share of the brain), with its PxAP; or lowest mean top-1 localization error;
 * 5. a method whose top-1 localization error is ≥ 0.2 above the best one's while made without ReLU under
 *    min-max normalisation: negative evidence is kept, min-max lifts the map's background above τ·max
 *    and the box grows to most of the image (with the error of a box over the whole image, where the rows
 *    have `whole_image_loc_error`).
 *
 * @example
 * for (const f of studyFindings(tables)) console.log(`- ${f.text}`);
 */
export function studyFindings(
  tables: { results: Table; localization: Table; subjects?: Table },
  options: FindingsOptions = {},
): Finding[] {
  const out: Finding[] = [];
  // Fold cells pool over their folds (the k-fold finding), never averaged as seeds.
  const allResults = tables.results.numRows() ? rowsOf(tables.results) : [];
  const results = allResults.filter((r) => !isFold(r));
  const acc = results.length ? rowsOf(accuracySummary(tableFromRows(results))) : [];
  const loc = tables.localization.numRows() ? rowsOf(localizationSummary(tables.localization)) : [];
  const datasets = [...new Set([...acc, ...loc].map((r) => String(r.dataset)))];
  const kinds: Finding[][] = [[], [], [], [], [], []];
  kinds[5].push(...foldFindings(allResults, tables.subjects));

  for (const dataset of datasets) {
    const rows = acc.filter((r) => r.dataset === dataset && num(r.test_accuracy) !== null);
    const held = rows.filter((r) => !leaky(r));
    if (held.length) {
      const best = held.reduce((a, b) => (num(b.test_accuracy)! > num(a.test_accuracy)! ? b : a));
      const seeds = Number(best.seeds ?? 1);
      const sd = num(best.test_accuracy_sd);
      const chance = num(best.chance_accuracy);
      kinds[0].push({
        kind: "best-accuracy",
        datasets: [dataset],
        text: `${dataset}: best held-out test accuracy ${f2(num(best.test_accuracy)!)}` +
          `${seeds >= 2 && sd !== null ? ` ± ${f2(sd)} (${seeds} seeds)` : " (one seed)"} by ${best.config}` +
          (chance !== null
            ? `, against ${f2(chance)} for always predicting the largest class` +
              (num(best.test_accuracy)! - chance < 0.05 ? " (no better than chance)" : "")
            : ""),
      });
    }
    const leakyRows = rows.filter(leaky);
    if (leakyRows.length && held.length) {
      const l = mean(leakyRows.map((r) => num(r.test_accuracy)!)),
        h = mean(held.map((r) => num(r.test_accuracy)!));
      kinds[1].push({
        kind: "leaky-split",
        datasets: [dataset],
        text:
          `${dataset}: the leaky slice-level split scores ${f2(l)} mean test accuracy against ${f2(h)} on ` +
          "held-out subjects" + (l - h >= 0.05
            ? ": with a subject's slices on both sides of the split it rewards recognising subjects, not their " +
              "age group"
            : " (within 0.05: no leak visible in these runs)"),
      });
    }

    // GAP vs GMP over configurations differing only in pooling (same model, split, augmentation, seed).
    const pairKey = (r: Row) => JSON.stringify([r.model, r.split, r.augmentation, r.seed]);
    const own = results.filter((r) => r.dataset === dataset && num(r.test_accuracy) !== null);
    const gap = new Map(own.filter((r) => r.pooling === "gap").map((r) => [pairKey(r), r]));
    const pairs = own.filter((r) => r.pooling === "gmp" && gap.has(pairKey(r))).map((
      r,
    ) => [gap.get(pairKey(r))!, r]);
    if (pairs.length) {
      const a = mean(pairs.map(([g]) => num(g.test_accuracy)!)),
        b = mean(pairs.map(([, m]) => num(m.test_accuracy)!));
      const models = new Set(pairs.map(([g]) => g.model)).size;
      let extra = "";
      const locRows = rowsOf(tables.localization).filter((r) => r.dataset === dataset);
      const metric = locRows.some((r) => num(r.top1_loc_error) !== null)
        ? "top1_loc_error"
        : locRows.some((r) => num(r.energy_in_truth) !== null)
        ? "energy_in_truth"
        : null;
      if (metric) {
        const by = (pooling: string) => {
          const keys = new Set(pairs.map(([g]) => pairKey(g)));
          const vs = locRows.filter((r) => r.pooling === pooling && keys.has(pairKey(r))).map((r) =>
            num(r[metric])
          )
            .filter((v): v is number => v !== null);
          return vs.length ? mean(vs) : null;
        };
        const lg = by("gap"), lm = by("gmp");
        if (lg !== null && lm !== null) {
          extra =
            `; ${
              metric === "top1_loc_error" ? "top-1 localization error" : "energy in the planted region"
            } ` +
            `GAP ${f2(lg)} vs GMP ${f2(lm)} (all methods)`;
        }
      }
      kinds[2].push({
        kind: "gap-vs-gmp",
        datasets: [dataset],
        text:
          `${dataset}: GAP ${f2(a)} vs GMP ${f2(b)} mean test accuracy over ${pairs.length} run pair(s) ` +
          `of ${models} model(s) that differ only in pooling${extra}`,
      });
    }

    // The best localizing method on held-out rows, against chance.
    const methods = new Map<string, Row[]>();
    for (const r of loc.filter((r) => r.dataset === dataset && !String(r.config).includes("(slice"))) {
      methods.set(String(r.method), [...methods.get(String(r.method)) ?? [], r]);
    }
    const avg = (rs: Row[], c: string) => {
      const vs = rs.map((r) => num(r[c])).filter((v): v is number => v !== null);
      return vs.length ? mean(vs) : null;
    };
    const scored = [...methods].map(([method, rs]) => ({
      method,
      energy: avg(rs, "energy_in_truth"),
      chance: avg(rs, "chance_energy"),
      pxap: avg(rs, "pxap"),
      top1: avg(rs, "top1_loc_error"),
      whole: avg(rs, "whole_image_loc_error"),
      relu: rs[0].relu,
      normalize: rs[0].normalize,
      threshold: rs[0].threshold,
    }));
    const withEnergy = scored.filter((s) => s.energy !== null);
    if (withEnergy.length) {
      const best = withEnergy.reduce((a, b) => (b.energy! > a.energy! ? b : a));
      const times = best.chance
        ? ` (${(best.energy! / best.chance).toFixed(1)}x chance ${g2(best.chance)})`
        : "";
      kinds[3].push({
        kind: "best-localization",
        datasets: [dataset],
        text:
          `${dataset}: ${best.method} localizes best, ${
            f2(best.energy!)
          } of its map's energy in the planted ` +
          `region${times}` + (best.pxap !== null ? `, PxAP ${f2(best.pxap)}` : ""),
      });
    }
    const withTop1 = scored.filter((s) => s.top1 !== null);
    if (withTop1.length) {
      const best = withTop1.reduce((a, b) => (b.top1! < a.top1! ? b : a));
      if (!withEnergy.length) {
        kinds[3].push({
          kind: "best-localization",
          datasets: [dataset],
          text: `${dataset}: ${best.method} localizes best, top-1 localization error ${f2(best.top1!)} ` +
            `(${withTop1.map((s) => `${s.method} ${f2(s.top1!)}`).join(", ")})`,
        });
      }
      for (const s of withTop1) {
        if (s.relu === false && s.normalize === "minmax" && s.top1! - best.top1! >= 0.2) {
          const tau = s.threshold ?? 0.2;
          const whole = s.whole !== null ? ` (a box over the whole image scores ${f2(s.whole)})` : "";
          kinds[4].push({
            kind: "settings",
            datasets: [dataset],
            text: `${dataset}: ${s.method}'s top-1 localization error ${f2(s.top1!)} (vs ${best.method} ` +
              `${f2(best.top1!)}) comes from its settings, ReLU off and min-max normalisation: negative ` +
              `evidence is kept, so min-max lifts the map's background above τ = ${tau} of the max and the box ` +
              `grows to most of the image${whole}; ReLU on, or MaxBoxAccV2's sweep over τ, tells the method apart`,
          });
        }
      }
    }
  }
  // One finding per kind, its datasets' clauses joined, in the order above, at most `max`.
  for (const k of [kinds[0], kinds[5], ...kinds.slice(1, 5)]) {
    if (!k.length) continue;
    out.push({
      kind: k[0].kind,
      datasets: k.flatMap((f) => f.datasets),
      text: k.map((f) => f.text).join("; "),
    });
  }
  return out.slice(0, options.max ?? 5);
}

/** Options of {@linkcode foldSummary}. */
export interface FoldSummaryOptions {
  /** Coverage of the subjects' Clopper–Pearson interval. @default 0.95 */
  level?: number;
}

/**
 * A k-fold run per net (dataset, configuration, seed, k): its folds pooled, so that every subject counts
 * once. Columns: `folds` (k) and `folds_run` (folds finished); `subjects` N tested and `subjects_right` n
 * (majority vote per subject), `subject_accuracy` n/N with its Clopper–Pearson interval `subject_ci_low`,
 * `subject_ci_high`; `test_slices` and the pooled slice accuracy Σ_f acc_f·n_f / Σ_f n_f (`test_accuracy`);
 * `chance_accuracy` (the larger class's share of the pooled test slices, where the rows carry
 * `test_positives`); `test_auc_mean` (± `test_auc_sd`) over folds and `test_auc_pooled`, the AUC of every
 * fold's test slices together (lib/train's `pooledRocAuc`, from the `curves` table's ROC points; null
 * without them); `subject_auc_mean`, the folds' mean `subject_auc` (each fold's test subjects ranked by their
 * slices' mean probability: threshold-free, where `subjects_right` depends on the 0.5 threshold).
 * `subjects_right` follows each cell's `subject_rule`; where every fold has a `subjects` table (lib/study's
 * `subjectRows`), `subjects_right_vote` and `subjects_right_threshold` count the test subjects right under
 * either rule (majority vote; mean class-1 probability against the validation subjects' threshold), else
 * null.
 *
 * @example
 * printTable(foldSummary({ results, curves, subjects }));
 */
export function foldSummary(
  tables: { results: Table; curves?: Table; subjects?: Table },
  options: FoldSummaryOptions = {},
): Table {
  const results = tables.results.numRows() ? rowsOf(tables.results) : [];
  const byRun = testRowsByRun(tables.subjects);
  // Pooled over folds: the test subjects right under one rule, null unless every fold has its rows.
  const rightUnder = (rows: Row[], column: RuleColumn) => callsUnder(byRun, rows, column)?.right.size ?? null;
  const curves = tables.curves?.numRows() ? rowsOf(tables.curves).filter((r) => r.curve === "roc") : [];
  const rocOf = new Map<string, Row[]>();
  for (const r of curves) rocOf.set(String(r.run_id), [...rocOf.get(String(r.run_id)) ?? [], r]);
  const out: Row[] = [];
  for (const rows of groupRuns(results).values()) {
    const first = rows[0];
    const right = new Set<string>(), tested = new Set<string>();
    for (const r of rows) {
      for (const s of idsOf(r.subjects_right)) right.add(s), tested.add(s);
      for (const s of idsOf(r.subjects_wrong)) tested.add(s);
    }
    const n = tested.size, x = right.size;
    const ci = n ? clopperPearson(x, n, { level: options.level }) : null;
    const slices = rows.reduce((a, r) => a + (num(r.n_test) ?? 0), 0);
    const correct = rows.reduce((a, r) => a + (num(r.test_accuracy) ?? 0) * (num(r.n_test) ?? 0), 0);
    const positives = rows.every((r) => num(r.test_positives) !== null)
      ? rows.reduce((a, r) => a + num(r.test_positives)!, 0)
      : null;
    const aucs = rows.map((r) => num(r.test_auc)).filter((v): v is number => v !== null);
    const subjectAucs = rows.map((r) => num(r.subject_auc)).filter((v): v is number => v !== null);
    const aucMean = aucs.length ? mean(aucs) : null;
    const aucSd = sampleSd(aucs);
    let pooled: number | null = null;
    if (positives !== null && rows.every((r) => rocOf.has(String(r.run_id)))) {
      pooled = pooledRocAuc(rows.map((r) => {
        const points = rocOf.get(String(r.run_id))!.sort((a, b) => Number(a.point) - Number(b.point));
        const pos = num(r.test_positives)!;
        return {
          fpr: points.map((p) => Number(p.x)),
          tpr: points.map((p) => Number(p.y)),
          thresholds: points.map((p) => num(p.threshold)),
          positives: pos,
          negatives: (num(r.n_test) ?? 0) - pos,
        };
      }));
    }
    out.push({
      ...netColumns(first),
      folds_run: rows.length,
      subjects: n,
      subjects_right: x,
      subject_accuracy: n ? x / n : null,
      subject_ci_low: ci?.low ?? null,
      subject_ci_high: ci?.high ?? null,
      ci_level: options.level ?? 0.95,
      test_slices: slices,
      test_accuracy: slices ? correct / slices : null,
      chance_accuracy: positives !== null && slices ? Math.max(positives, slices - positives) / slices : null,
      test_auc_mean: aucMean,
      test_auc_sd: aucSd,
      test_auc_pooled: pooled,
      subject_auc_mean: subjectAucs.length ? mean(subjectAucs) : null,
      subjects_right_vote: rightUnder(rows, "right_vote"),
      subjects_right_threshold: rightUnder(rows, "right_threshold"),
    });
  }
  return tableFromRows(out);
}

/**
 * A k-fold run's localization per net and CAM method, over every CAM subject of its folds: `subjects`
 * scored, mean `energy_in_truth` and `chance_energy` (the region's share of the brain), and the subjects'
 * energy / chance ratios as `energy_x_chance` (mean), `energy_x_chance_sd` (sample SD over subjects),
 * `energy_x_chance_min` and `_max`; with the rows' layer, its map size, ReLU, normalisation and τ.
 */
export function foldLocalization(localization: Table): Table {
  const rows = localization.numRows() ? rowsOf(localization) : [];
  const runs = new Map<string, Row[]>();
  for (const r of rows.filter(isFold)) {
    const key = JSON.stringify([foldRun(r).key, r.method]);
    runs.set(key, [...runs.get(key) ?? [], r]);
  }
  const out: Row[] = [];
  for (const list of runs.values()) {
    const first = list[0];
    const scored = list.filter((r) => num(r.energy_in_truth) !== null && num(r.chance_energy));
    const ratios = scored.map((r) => num(r.energy_in_truth)! / num(r.chance_energy)!);
    const m = ratios.length ? mean(ratios) : null;
    out.push({
      ...netColumns(first),
      method: first.method,
      layer: first.layer ?? null,
      layer_grid: first.layer_grid ?? null,
      relu: first.relu ?? null,
      normalize: first.normalize ?? null,
      threshold: first.threshold ?? null,
      subjects: new Set(scored.map((r) => String(r.subject))).size,
      energy_in_truth: scored.length ? mean(scored.map((r) => num(r.energy_in_truth)!)) : null,
      chance_energy: scored.length ? mean(scored.map((r) => num(r.chance_energy)!)) : null,
      energy_x_chance: m,
      energy_x_chance_sd: sampleSd(ratios),
      energy_x_chance_min: ratios.length ? Math.min(...ratios) : null,
      energy_x_chance_max: ratios.length ? Math.max(...ratios) : null,
    });
  }
  return tableFromRows(out);
}

/**
 * Every pair of nets of one k-fold run (same dataset, seed and k, hence the same partition of the subjects),
 * on the subjects both were tested on: `both_right`, `only_a` (net a right, b wrong), `only_b`,
 * `both_wrong`, each net's subjects right, and `mcnemar_p`, the exact McNemar test's two-sided p
 * (lib/experiments' `exactMcNemar`: the sign test on the only_a + only_b discordant subjects).
 *
 * Options: `rule` (default: the cells' own calls, `subjects_right` / `subjects_wrong`) takes the calls of
 * `"vote"` or `"validation-threshold"` from the cells' `subjects` table instead (lib/study's `subjectRows`),
 * comparing only nets whose every fold has its rows. Each row names its `rule` ("cell" for the cells' own).
 */
export function foldComparisons(
  results: Table,
  options: { subjects?: Table; rule?: "vote" | "validation-threshold" } = {},
): Table {
  const rows = results.numRows() ? rowsOf(results) : [];
  const { rule } = options;
  const byRun = testRowsByRun(rule ? options.subjects : undefined);
  const column = rule === "validation-threshold" ? "right_threshold" : "right_vote";
  const nets: { row: Row; config: string; right: Set<string>; tested: Set<string> }[] = [];
  for (const list of groupRuns(rows).values()) {
    let calls: { right: Set<string>; tested: Set<string> } | null;
    if (rule) {
      calls = callsUnder(byRun, list, column);
      if (!calls) continue;
    } else {
      calls = { right: new Set<string>(), tested: new Set<string>() };
      for (const r of list) {
        for (const s of idsOf(r.subjects_right)) calls.right.add(s), calls.tested.add(s);
        for (const s of idsOf(r.subjects_wrong)) calls.tested.add(s);
      }
    }
    nets.push({ row: list[0], config: foldRun(list[0]).config, ...calls });
  }
  const out: Row[] = [];
  for (let i = 0; i < nets.length; i++) {
    for (let j = i + 1; j < nets.length; j++) {
      const a = nets[i], b = nets[j];
      // One partition: the same cohort (dataset and scale; subject ids repeat across scales), seed and k.
      const same = (c: string) => (a.row[c] ?? null) === (b.row[c] ?? null);
      if (!["dataset", "scale", "seed", "folds"].every(same)) continue;
      const shared = [...a.tested].filter((s) => b.tested.has(s));
      const count = (ra: boolean, rb: boolean) =>
        shared.filter((s) => a.right.has(s) === ra && b.right.has(s) === rb).length;
      const onlyA = count(true, false), onlyB = count(false, true);
      out.push({
        dataset: a.row.dataset,
        seed: a.row.seed,
        folds: a.row.folds,
        net_a: a.config,
        net_b: b.config,
        rule: rule ?? "cell",
        subjects: shared.length,
        a_right: onlyA + count(true, true),
        b_right: onlyB + count(true, true),
        both_right: count(true, true),
        only_a: onlyA,
        only_b: onlyB,
        both_wrong: count(false, false),
        mcnemar_p: exactMcNemar(onlyA, onlyB),
      });
    }
  }
  return tableFromRows(out);
}

/** The k-fold finding: per run, each net's subjects right with its interval, and its pairs' McNemar p. */
function foldFindings(results: Row[], subjects: Table | undefined): Finding[] {
  if (!results.some(isFold)) return [];
  const table = tableFromRows(results);
  const summary = rowsOf(foldSummary({ results: table }));
  const pairs = rowsOf(foldComparisons(table));
  const slicePairs = subjects?.numRows()
    ? rowsOf(foldSliceComparisons(table, subjects, { pool: false }))
    : [];
  const out: Finding[] = [];
  const runs = new Map<string, Row[]>();
  for (const s of summary) {
    const key = JSON.stringify([s.dataset, s.seed, s.folds]);
    runs.set(key, [...runs.get(key) ?? [], s]);
  }
  for (const list of runs.values()) {
    const { dataset, seed, folds } = list[0];
    const nets = list.map((s) =>
      `${s.config} ${s.subjects_right}/${s.subjects} (${f2(num(s.subject_ci_low)!)}–${
        f2(num(s.subject_ci_high)!)
      }${Number(s.folds_run) < Number(folds) ? `, ${s.folds_run} of ${folds} folds` : ""})`
    );
    const own = pairs.filter((p) => p.dataset === dataset && p.seed === seed && p.folds === folds);
    const tests = own.map((p) =>
      `${p.net_a} vs ${p.net_b} ${p.only_a}:${p.only_b} discordant, p = ${f2(num(p.mcnemar_p)!)}`
    );
    const sliceTests = slicePairs.filter((p) => p.dataset === dataset && p.seed === seed && p.folds === folds)
      .map((p) => {
        // Nets of two grids can share a configuration label: then each is named with its grid.
        const [a, b] = p.grid_a === p.grid_b
          ? [p.net_a, p.net_b]
          : [`${p.net_a} [${p.grid_a}]`, `${p.net_b} [${p.grid_b}]`];
        return `${a} ${f2(num(p.slice_acc_a)!)} vs ${b} ${f2(num(p.slice_acc_b)!)} (${
          signed(num(p.slice_acc_diff)!)
        }, 95% CI ${signed(num(p.diff_ci_low)!)} to ${signed(num(p.diff_ci_high)!)}, ${
          pValue(num(p.signflip_p)!)
        })`;
      });
    out.push({
      kind: "k-fold",
      datasets: [String(dataset)],
      text:
        `${dataset}: ${folds}-fold cross-validation over subjects (seed ${seed}; every subject tested once), ` +
        `held-out subjects right with 95% Clopper–Pearson intervals: ${nets.join(", ")}` +
        (tests.length ? `; exact McNemar on the same subjects: ${tests.join("; ")}` : "") +
        (sliceTests.length
          ? `; held-out subjects' slice accuracy, paired over subjects (sign-flip test): ${
            sliceTests.join("; ")
          }`
          : ""),
    });
  }
  return out;
}
