/**
 * The findings a reader should take away from a run, computed from its result rows (never written by
 * hand): the best held-out accuracy against chance, what the leaky split inflates, GAP vs GMP, the best
 * localizing method against chance, and the settings behind a surprising localization number.
 *
 * @module
 */
import type { Table } from "../experiments/tables.ts";
import { rowsOf } from "../experiments/tables.ts";
import { accuracySummary, localizationSummary } from "./figures.ts";

/** One finding: what it is about and the sentence that says it. */
export interface Finding {
  /** "best-accuracy", "leaky-split", "gap-vs-gmp", "best-localization" or "settings". */
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

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const f2 = (v: number) => v.toFixed(2);
/** Two significant digits, for small levels such as a region's share of the brain (0.044). */
const g2 = (v: number) => String(Number(v.toPrecision(2)));
const mean = (vs: number[]) => vs.reduce((a, b) => a + b, 0) / vs.length;
const leaky = (r: Row) => r.leaky_split === true || r.split === "slice";

/**
 * Findings from a run's results and localization tables (per-run rows, as `results.csv` and
 * `localization.csv` hold them), one per kind (each dataset a clause of it), in this order, at most `max`:
 * 1. per dataset, the best held-out (not leaky) mean test accuracy, its configuration, seeds and chance level;
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
  tables: { results: Table; localization: Table },
  options: FindingsOptions = {},
): Finding[] {
  const out: Finding[] = [];
  const results = tables.results.numRows() ? rowsOf(tables.results) : [];
  const acc = results.length ? rowsOf(accuracySummary(tables.results)) : [];
  const loc = tables.localization.numRows() ? rowsOf(localizationSummary(tables.localization)) : [];
  const datasets = [...new Set([...acc, ...loc].map((r) => String(r.dataset)))];
  const kinds: Finding[][] = [[], [], [], [], []];

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
  for (const k of kinds) {
    if (!k.length) continue;
    out.push({
      kind: k[0].kind,
      datasets: k.flatMap((f) => f.datasets),
      text: k.map((f) => f.text).join("; "),
    });
  }
  return out.slice(0, options.max ?? 5);
}
