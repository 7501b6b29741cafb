import assert from "node:assert/strict";
import { tableFromRows } from "../../lib/experiments/tables.ts";
import { pairedSignFlipTest } from "../../lib/experiments/mod.ts";
import { foldSliceComparisons } from "../../lib/study/mod.ts";

type Row = Record<string, unknown>;

const close = (a: unknown, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(Number(a) - b) <= tol, `${a} vs ${b}`);

/**
 * Two k-fold runs (cell seeds 0 and 1) of nets on 6 subjects in 2 folds: each net's fold results rows and
 * its `subjects` test rows, every subject's slice accuracy (`vote_share`) given by `share(subject, seed)`.
 */
function run(
  grid: string,
  model: string,
  share: (subject: number, seed: number) => number,
  options: { seeds?: number[]; dataset?: string; withSubjects?: boolean } = {},
): { results: Row[]; subjects: Row[] } {
  const results: Row[] = [], subjects: Row[] = [];
  for (const seed of options.seeds ?? [0, 1]) {
    for (let fold = 0; fold < 2; fold++) {
      const runId = `${grid}-${model}-s${seed}-f${fold}`;
      results.push({
        run_id: runId,
        grid,
        dataset: options.dataset ?? "cohort",
        scale: "default",
        model,
        pooling: "gap",
        split: "subject",
        augmentation: "seed",
        seed,
        fold,
        folds: 2,
      });
      if (options.withSubjects === false) continue;
      for (let s = fold * 3; s < fold * 3 + 3; s++) {
        subjects.push({ run_id: runId, part: "test", subject: `s${s}`, vote_share: share(s, seed) });
        // Validation rows are not test rows: never compared.
        subjects.push({ run_id: runId, part: "val", subject: `v${s}`, vote_share: 0 });
      }
    }
  }
  return { results, subjects };
}

function tables(...runs: { results: Row[]; subjects: Row[] }[]) {
  return {
    results: tableFromRows(runs.flatMap((r) => r.results)),
    subjects: tableFromRows(runs.flatMap((r) => r.subjects)),
  };
}

Deno.test("held-out-subject accuracy, paired over subjects", async (t) => {
  // Net a: 0.8 on every subject; net b: 0.5 + 0.05·s on seed 0, 0.6 on seed 1.
  const a = run("backbones", "alexnet", () => 0.8);
  const b = run("small", "small", (s, seed) => (seed === 0 ? 0.5 + 0.05 * s : 0.6));

  await t.step(
    "per partition: the subjects' mean accuracies, their differences and the sign-flip test",
    () => {
      const { results, subjects } = tables(a, b);
      const rows = foldSliceComparisons(results, subjects).objects() as Row[];
      const s0 = rows.find((r) => r.seed === 0)!;
      assert.deepEqual(
        [s0.grid_a, s0.net_a, s0.grid_b, s0.net_b, s0.subjects, s0.partitions, s0.seeds],
        ["backbones", "alexnet-gap (subject)", "small", "small-gap (subject)", 6, 1, "0"],
      );
      const d = [0, 1, 2, 3, 4, 5].map((s) => 0.8 - (0.5 + 0.05 * s));
      close(s0.slice_acc_a, 0.8);
      close(s0.slice_acc_b, 0.5 + 0.05 * 2.5);
      close(s0.slice_acc_diff, d.reduce((x, y) => x + y, 0) / 6);
      // 0.8 − 0.75 = 0.05 for s5: a ahead on all six.
      assert.deepEqual([s0.subjects_a_ahead, s0.subjects_b_ahead], [6, 0]);
      close(s0.signflip_p, pairedSignFlipTest(d).p);
      close(s0.signflip_p, 2 / 64);
      assert.equal(s0.p_exact, true);
      // The interval the sign-flip test inverts to (6 subjects: p = 2/64 rejects 0).
      const test = pairedSignFlipTest(d);
      close(s0.diff_ci_low, test.low), close(s0.diff_ci_high, test.high);
      assert.ok(test.low > 0 && test.high <= 0.3 + 1e-12);
      assert.equal(s0.ci_level, 0.95);
      const s1 = rows.find((r) => r.seed === 1)!;
      // Every difference 0.2: every other shift is rejected (p = 2/64), so the interval is that value.
      close(s1.slice_acc_diff, 0.2);
      close(s1.diff_ci_low, 0.2), close(s1.diff_ci_high, 0.2);
    },
  );

  await t.step("pooled over partitions: each subject's mean over the seeds both ran", () => {
    const { results, subjects } = tables(a, b);
    const pooled = (foldSliceComparisons(results, subjects).objects() as Row[]).filter((r) =>
      r.seed === null
    );
    assert.equal(pooled.length, 1);
    const [p] = pooled;
    assert.deepEqual([p.partitions, p.seeds, p.subjects], [2, "0 1", 6]);
    const d = [0, 1, 2, 3, 4, 5].map((s) => 0.8 - ((0.5 + 0.05 * s) + 0.6) / 2);
    close(p.slice_acc_diff, d.reduce((x, y) => x + y, 0) / 6);
    close(p.signflip_p, pairedSignFlipTest(d).p);
    assert.equal(foldSliceComparisons(results, subjects, { pool: false }).numRows(), 2);
  });

  await t.step("pooled rows need two shared partitions; another cohort never pairs", () => {
    const one = run("small", "small", () => 0.6, { seeds: [1, 2] });
    const other = run("elsewhere", "small", () => 0.6, { dataset: "hcp" });
    const { results, subjects } = tables(a, one, other);
    const rows = foldSliceComparisons(results, subjects).objects() as Row[];
    // a and one share seed 1 only: one per-partition row, no pooled row; "hcp" pairs with neither.
    assert.deepEqual(rows.map((r) => [r.grid_b, r.seed]), [["small", 1]]);
  });

  await t.step("nets without subjects rows (older cells, the region-FA baseline) are left out", () => {
    const old = run("old", "googlenet", () => 0.9, { withSubjects: false });
    const { results, subjects } = tables(a, b, old);
    const rows = foldSliceComparisons(results, subjects).objects() as Row[];
    assert.ok(rows.every((r) => r.grid_a !== "old" && r.grid_b !== "old"));
    assert.equal(rows.length, 3);
    // A net with one fold's rows missing is incomplete: left out too.
    const partial = tables(a, {
      results: b.results,
      subjects: b.subjects.filter((r) => r.run_id !== b.results[0].run_id),
    });
    const left = foldSliceComparisons(partial.results, partial.subjects).objects() as Row[];
    assert.deepEqual(left.map((r) => r.seed), [1]);
  });

  await t.step("a pair points the same way in every partition, whatever the rows' order", () => {
    const { results, subjects } = tables(b, a);
    const reversed = tableFromRows([...results.objects()].reverse() as Row[]);
    for (const r of foldSliceComparisons(reversed, subjects).objects() as Row[]) {
      assert.deepEqual([r.grid_a, r.grid_b], ["backbones", "small"], `seed ${r.seed}`);
      assert.ok(Number(r.slice_acc_diff) > 0);
    }
  });

  await t.step(
    "a null vote_share leaves the net out; a subject missing from one partition leaves the pool",
    () => {
      const nulled = {
        results: b.results,
        subjects: b.subjects.map((r, i) => i === 0 ? { ...r, vote_share: null } : r),
      };
      const t1 = tables(a, nulled);
      assert.deepEqual(
        (foldSliceComparisons(t1.results, t1.subjects).objects() as Row[]).map((r) => r.seed),
        [1],
      );
      // s5 tested on seed 0 only (seed 1's fold 1 tests s3, s4): the pooled row has 5 subjects.
      const missing = {
        results: b.results,
        subjects: b.subjects.filter((r) => !(r.run_id === "small-small-s1-f1" && r.subject === "s5")),
      };
      const t2 = tables(a, missing);
      const rows = foldSliceComparisons(t2.results, t2.subjects).objects() as Row[];
      assert.deepEqual(rows.map((r) => [r.seed, r.subjects]), [[0, 6], [1, 5], [null, 5]]);
    },
  );

  await t.step("seeds read as text (a CSV of pooled rows) sort and pair as well", () => {
    const text = (r: { results: Row[]; subjects: Row[] }) => ({
      results: r.results.map((x) => ({ ...x, seed: String(x.seed) })),
      subjects: r.subjects,
    });
    const { results, subjects } = tables(text(a), text(b));
    const rows = foldSliceComparisons(results, subjects).objects() as Row[];
    assert.deepEqual(rows.map((r) => r.seeds), ["0", "1", "0 1"]);
  });

  await t.step("empty tables give an empty table", () => {
    assert.equal(foldSliceComparisons(tableFromRows([]), tableFromRows([])).numRows(), 0);
  });
});
