import assert from "node:assert/strict";
import { CohortError, subjectFolds } from "../../lib/data/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";
import {
  foldBaselineRows,
  foldComparisons,
  foldSummary,
  prepareCohortSlices,
  regionBaselineRows,
  regionFaFeatures,
  type RegionFeatures,
} from "../../lib/study/mod.ts";
import { fitLogistic, sigmoid } from "../../lib/study/_logistic.ts";
import { StatsError, tableFromRows } from "../../lib/experiments/mod.ts";
import { cohortSplit } from "../../lib/study/cohort_cell.ts";
import { toyStudy } from "./_toy.ts";

Deno.test("fitLogistic: the penalised gradient vanishes at its fit (KKT), on data that does not separate", () => {
  const x = [[0.2, 1.1], [1.5, -0.3], [-0.7, 0.4], [2.2, 1.9], [-1.4, -0.8], [0.9, 0.1], [-0.2, -1.6], [
    1.1,
    2.4,
  ]];
  const y = [0, 1, 0, 1, 0, 0, 1, 1];
  for (const lambda of [0.1, 1, 10]) {
    const m = fitLogistic(x, y, { lambda });
    const g = [0, 0, 0];
    x.forEach((row, i) => {
      const r = sigmoid(m.intercept + row[0] * m.weights[0] + row[1] * m.weights[1]) - y[i];
      g[0] += r, g[1] += r * row[0], g[2] += r * row[1];
    });
    g[1] += lambda * m.weights[0], g[2] += lambda * m.weights[1];
    for (const v of g) assert.ok(Math.abs(v) < 1e-9, `λ ${lambda}: gradient ${g}`);
  }
});

Deno.test("fitLogistic: two points at ±1, λ = 1: b = 0 and w solves λw = 2σ(−w) (bisection oracle)", () => {
  const m = fitLogistic([[-1], [1]], [0, 1], { lambda: 1 });
  let lo = 0, hi = 5;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid - 2 / (1 + Math.exp(mid)) < 0) lo = mid;
    else hi = mid;
  }
  assert.ok(Math.abs(m.intercept) < 1e-12);
  assert.ok(Math.abs(m.weights[0] - lo) < 1e-10, `${m.weights[0]} vs ${lo}`);
  // Separable data stay finite with the penalty (the unpenalised fit would run off to infinity).
  assert.ok(Number.isFinite(m.weights[0]) && m.iterations < 100);
});

Deno.test("fitLogistic: λ ≤ 0, one class and mismatched rows are StatsErrors, not NaN", () => {
  const x = [[0], [1], [2]];
  for (const lambda of [0, -1, Number.NaN]) {
    assert.throws(() => fitLogistic(x, [0, 1, 1], { lambda }), StatsError);
  }
  assert.throws(() => fitLogistic(x, [1, 1, 1]), /one class only/);
  assert.throws(() => fitLogistic(x, [0, 1]), /3 feature rows for 2 labels/);
});

/** 12 subjects, 6 per group, one feature that separates them but for subject "s05" (young, with an old value). */
function toyFeatures(): { regions: string[]; subjects: RegionFeatures[] } {
  const subjects: RegionFeatures[] = [];
  for (let i = 0; i < 12; i++) {
    const old = i >= 6;
    const value = old ? 0.4 - 0.01 * i : i === 5 ? 0.3 : 0.6 + 0.01 * i;
    subjects.push({
      subject: `s${String(i).padStart(2, "0")}`,
      group: old ? "old" : "young",
      label: old ? 1 : 0,
      features: [value],
    });
  }
  return { regions: ["callosum"], subjects };
}

Deno.test("regionBaselineRows: the partition of subjectFolds, each subject tested once, the outlier missed", () => {
  const features = toyFeatures();
  const rows = regionBaselineRows(features, {
    folds: 3,
    seed: 4,
    columns: { dataset: "cohort", scale: "quick" },
  });
  const metas = features.subjects.map((s) => ({ subject: s.subject, group: s.group }));
  const folds = subjectFolds(metas, { folds: 3, seed: 4 });
  assert.equal(rows.length, 3);
  rows.forEach((r, f) => {
    const tested = `${r.subjects_right} ${r.subjects_wrong}`.split(" ").filter(Boolean).sort();
    assert.deepEqual(tested, folds[f]);
    assert.equal(r.test_subjects, folds[f].length);
    // No slices: the pooled slice columns stay empty for it.
    assert.equal(r.n_test, null);
    assert.equal(r.test_accuracy, null);
    assert.equal(r.dataset, "cohort");
    assert.equal(r.fold, f);
  });
  const wrong = rows.flatMap((r) => String(r.subjects_wrong).split(" ").filter(Boolean));
  assert.deepEqual(wrong, ["s05"]);
  // Lower value, older: the fitted weight on the z-scored feature is negative in every fold.
  for (const r of rows) assert.ok(JSON.parse(String(r.weights))[0] < 0);
});

Deno.test("regionBaselineRows: refuses anything but two groups (labels 0 and 1)", () => {
  const { regions, subjects } = toyFeatures();
  const three = subjects.map((s, i) => (i < 3 ? { ...s, group: "middle", label: 2 } : s));
  assert.throws(() => regionBaselineRows({ regions, subjects: three }, { folds: 3 }), CohortError);
  const one = subjects.map((s) => ({ ...s, group: "old", label: 1 }));
  assert.throws(() => regionBaselineRows({ regions, subjects: one }, { folds: 3 }), /labels 1/);
});

Deno.test("regionBaselineRows: pools and pairs with a net's fold rows (foldSummary, exact McNemar)", () => {
  const features = toyFeatures();
  const base = regionBaselineRows(features, {
    folds: 3,
    seed: 0,
    columns: { grid: null, dataset: "cohort", scale: "quick" },
  });
  // A net that gets every subject of fold 0 wrong and the rest right.
  const net = base.map((r, f) => {
    const ids = `${r.subjects_right} ${r.subjects_wrong}`.split(" ").filter(Boolean).sort().join(" ");
    return {
      grid: "g",
      dataset: "cohort",
      scale: "quick",
      model: "small",
      pooling: "gap",
      split: "subject",
      augmentation: "seed",
      seed: 0,
      folds: 3,
      fold: f,
      n_test: 96 * Number(r.test_subjects),
      test_accuracy: f === 0 ? 0 : 1,
      subjects_right: f === 0 ? "" : ids,
      subjects_wrong: f === 0 ? ids : "",
    };
  });
  const results = tableFromRows([...net, ...base]);
  const summary = foldSummary({ results }).objects() as Record<string, unknown>[];
  const baseline = summary.find((r) => r.config === "region-fa-logistic (subject)")!;
  assert.equal(baseline.subjects, 12);
  assert.equal(baseline.subjects_right, 11);
  assert.equal(baseline.test_accuracy, null);
  assert.equal(baseline.test_slices, 0);
  const pair = (foldComparisons(results).objects() as Record<string, unknown>[])[0];
  const fold0 = `${base[0].subjects_right} ${base[0].subjects_wrong}`.split(" ").filter(Boolean);
  const outlierInFold0 = fold0.includes("s05");
  // Net right, baseline wrong: s05 unless the net missed it too; baseline right, net wrong: fold 0 but s05.
  assert.equal(pair.subjects, 12);
  assert.equal(pair.only_a, outlierInFold0 ? 0 : 1);
  assert.equal(pair.only_b, fold0.length - (outlierInFold0 ? 1 : 0));
});

Deno.test("regionFaFeatures: fitted FA in the planted regions tracks the planted FA, and the age effect's sign", async () => {
  const { root, cohort } = await toyStudy();
  try {
    const data = await prepareCohortSlices(cohort.dir, { imageSize: 32, cacheDir: `${root}/cache` });
    const { regions, subjects } = await regionFaFeatures(data);
    assert.deepEqual(regions, [...cohort.regions].sort());
    assert.equal(subjects.length, data.cohort.subjects.length);
    for (const s of subjects) {
      const sub = data.cohort.subjects.find((c) => c.id === s.subject)!;
      const truthFa = (await readNifti(sub.maps!.fa)).data;
      for (const [r, name] of regions.entries()) {
        const mask = (await readNifti(sub.truth![name])).data;
        let sum = 0, n = 0;
        for (let v = 0; v < mask.length; v++) if (Number(mask[v]) > 0) sum += Number(truthFa[v]), n++;
        // The fitted FA (noise, partial volume at 20³) within 0.08 of the planted FA of the region.
        assert.ok(
          Math.abs(s.features[r] - sum / n) < 0.08,
          `${s.subject} ${name}: ${s.features[r]} vs ${sum / n}`,
        );
      }
    }
    const youngCallosum = subjects.filter((s) => s.group === "young").map((s) =>
      s.features[regions.indexOf("callosum")]
    );
    const oldCallosum = subjects.filter((s) => s.group === "old").map((s) =>
      s.features[regions.indexOf("callosum")]
    );
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    assert.ok(mean(oldCallosum) < mean(youngCallosum), "planted ΔFA −0.1 in the callosum");

    // The nets' partition: a fold cell's test subjects (cohortSplit over the per-slice metas) are the
    // baseline's, for several seeds and k.
    const metas = data.samples.map((x) => ({ subject: x.subject, group: x.group }));
    for (const seed of [0, 1, 7]) {
      for (const folds of [2, 3]) {
        const rows = regionBaselineRows({ regions, subjects }, { folds, seed });
        for (let fold = 0; fold < folds; fold++) {
          const split = cohortSplit({ split: "subject", seed, fold, folds }, metas);
          const nets = [...new Set(split.test.map((i) => String(data.samples[i].subject)))].sort();
          const tested = `${rows[fold].subjects_right} ${rows[fold].subjects_wrong}`.split(" ").filter(
            Boolean,
          );
          assert.deepEqual(tested.sort(), nets, `seed ${seed}, fold ${fold} of ${folds}`);
          const trained = new Set([...split.train, ...split.val].map((i) => String(data.samples[i].subject)));
          assert.equal(rows[fold].n_train, trained.size);
        }
      }
    }

    // foldBaselineRows: one run per partition, whatever the grids or image sizes of its cells.
    const cell = (seed: number, imageSize: number) => ({
      dataset: "cohort",
      scale: "quick",
      seed,
      folds: 3,
      imageSize,
      data: {},
    });
    const rows = await foldBaselineRows([cell(0, 32), cell(0, 64), cell(1, 32)], cohort.dir, {
      cacheDir: `${root}/cache`,
    });
    assert.equal(rows.length, 6);
    assert.deepEqual(rows.map((r) => r.seed), [0, 0, 0, 1, 1, 1]);
    assert.ok(rows.every((r) => r.grid === null && r.scale === "quick" && r.model === "region-fa"));
    // Other acquisitions: another baseline, named apart.
    const oneAcquisition = { ...cell(0, 32), data: { maxAcquisitions: 1 } };
    const two = await foldBaselineRows([oneAcquisition], cohort.dir, {
      cacheDir: `${root}/cache`,
    });
    assert.ok(two.every((r) => r.model === "region-fa-1acq"));

    // A subject without a region's mask is a CohortError naming the truth folder.
    const broken = {
      ...data,
      cohort: { ...data.cohort, subjects: data.cohort.subjects.map((s) => ({ ...s, truth: {} })) },
    };
    await assert.rejects(
      () => regionFaFeatures(broken, { regions: ["callosum"] }),
      (e: unknown) =>
        e instanceof CohortError && /truth/.test((e as Error).message) &&
        /callosum/.test((e as Error).message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
