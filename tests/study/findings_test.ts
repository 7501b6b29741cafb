import assert from "node:assert/strict";
import { tableFromRows } from "../../lib/experiments/tables.ts";
import { clopperPearson } from "../../lib/experiments/mod.ts";
import {
  accuracySummary,
  foldComparisons,
  foldLocalization,
  foldSummary,
  localizationSummary,
  majorityShare,
  poolFolds,
  studyFindings,
} from "../../lib/study/mod.ts";

type Row = Record<string, unknown>;

/** Cohort rows: small/alexnet × gap/gmp × subject/slice split × seeds, accuracies chosen by hand. */
function cohort(seeds: number): { results: Row[]; localization: Row[] } {
  const acc: Record<string, number> = {
    "small-gap-subject": 0.7,
    "small-gmp-subject": 0.6,
    "alexnet-gap-subject": 0.8,
    "alexnet-gmp-subject": 0.74,
    "small-gap-slice": 0.97,
    "small-gmp-slice": 0.95,
    "alexnet-gap-slice": 0.99,
    "alexnet-gmp-slice": 0.97,
  };
  const results: Row[] = [], localization: Row[] = [];
  for (const [key, value] of Object.entries(acc)) {
    const [model, pooling, split] = key.split("-");
    for (let seed = 0; seed < seeds; seed++) {
      const base = { dataset: "cohort", model, pooling, split, augmentation: "seed", seed };
      // seed 1 is 0.02 above seed 0: sd = 0.02 / sqrt(2)
      results.push({
        ...base,
        test_accuracy: value + 0.02 * seed,
        chance_accuracy: 0.54,
        leaky_split: split === "slice",
      });
      for (const [method, energy] of [["cam", 0.1], ["grad-cam", 0.22], ["saliency", 0.06]] as const) {
        localization.push({
          ...base,
          method,
          relu: method === "grad-cam",
          normalize: "minmax",
          threshold: 0.2,
          energy_in_truth: energy + (pooling === "gmp" ? 0.02 : 0),
          chance_energy: 0.044,
          pxap: energy / 2,
        });
      }
    }
  }
  return { results, localization };
}

/** Digits rows with CAM's loc error 0.97 (ReLU off, min-max) and Grad-CAM's 0.51. */
function digits(): { results: Row[]; localization: Row[] } {
  const results: Row[] = [], localization: Row[] = [];
  for (const pooling of ["gap", "gmp"]) {
    const base = {
      dataset: "digits",
      model: "small",
      pooling,
      split: "subject",
      augmentation: "none",
      seed: 0,
    };
    results.push({ ...base, test_accuracy: pooling === "gap" ? 0.9 : 0.88, chance_accuracy: 0.11 });
    localization.push(
      { ...base, method: "cam", relu: false, normalize: "minmax", threshold: 0.2, top1_loc_error: 0.97 },
      { ...base, method: "grad-cam", relu: true, normalize: "minmax", threshold: 0.2, top1_loc_error: 0.51 },
    );
    for (const row of localization.slice(-2)) row.whole_image_loc_error = 0.96;
  }
  return { results, localization };
}

function tables(...parts: { results: Row[]; localization: Row[] }[]) {
  return {
    results: tableFromRows(parts.flatMap((p) => p.results)),
    localization: tableFromRows(parts.flatMap((p) => p.localization)),
  };
}

Deno.test("studyFindings", async (t) => {
  await t.step(
    "one seed: best held-out accuracy with chance, the leak, GAP vs GMP, best method vs chance",
    () => {
      const findings = studyFindings(tables(cohort(1)));
      assert.deepEqual(findings.map((f) => f.kind), [
        "best-accuracy",
        "leaky-split",
        "gap-vs-gmp",
        "best-localization",
      ]);
      const [best, leak, pooling, loc] = findings.map((f) => f.text);
      assert.equal(
        best,
        "cohort: best held-out test accuracy 0.80 (one seed) by alexnet-gap (subject), against 0.54 for always " +
          "predicting the largest class",
      );
      // leaky mean (0.97 + 0.95 + 0.99 + 0.97) / 4 = 0.97; held-out (0.7 + 0.6 + 0.8 + 0.74) / 4 = 0.71
      assert.match(
        leak,
        /^cohort: the leaky slice-level split scores 0\.97 mean test accuracy against 0\.71 on held-out subjects: with a subject.s slices on both sides/,
      );
      // GAP (0.7 + 0.8 + 0.97 + 0.99) / 4 = 0.865, GMP (0.6 + 0.74 + 0.95 + 0.97) / 4 = 0.815; energy: GAP
      // (0.1 + 0.22 + 0.06) / 3 = 0.127, GMP 0.147
      assert.equal(
        pooling,
        "cohort: GAP 0.86 vs GMP 0.81 mean test accuracy over 4 run pair(s) of 2 model(s) that differ only in " +
          "pooling; energy in the planted region GAP 0.13 vs GMP 0.15 (all methods)",
      );
      // grad-cam on held-out rows: (0.22 + 0.24) / 2 = 0.23 → 5.2x 0.044; PxAP (0.11 + 0.12) / 2 = 0.11499… in float
      assert.equal(
        loc,
        "cohort: grad-cam localizes best, 0.23 of its map's energy in the planted region (5.2x chance 0.044), " +
          "PxAP 0.11",
      );
    },
  );

  await t.step("two seeds: ± sd and the seed count", () => {
    const [best] = studyFindings(tables(cohort(2)));
    // alexnet-gap subject: 0.80, 0.82 → mean 0.81, sd 0.0141
    assert.match(
      best.text,
      /best held-out test accuracy 0\.81 ± 0\.01 \(2 seeds\) by alexnet-gap \(subject\)/,
    );
  });

  await t.step("CAM's 0.97 top-1 localization error is explained by its settings", () => {
    const findings = studyFindings(tables(digits()));
    const settings = findings.find((f) => f.kind === "settings");
    assert.ok(settings, findings.map((f) => f.text).join("\n"));
    assert.match(settings.text, /^digits: cam's top-1 localization error 0\.97 \(vs grad-cam 0\.51\)/);
    assert.match(settings.text, /ReLU off and min-max normalisation/);
    assert.match(settings.text, /τ = 0\.2 of the max and the box grows to most of the image/);
    assert.match(settings.text, /\(a box over the whole image scores 0\.96\)/);
    const loc = findings.find((f) => f.kind === "best-localization")!;
    assert.equal(
      loc.text,
      "digits: grad-cam localizes best, top-1 localization error 0.51 (cam 0.97, grad-cam 0.51)",
    );
  });

  await t.step("two datasets: one finding per kind, a clause per dataset, at most 5", () => {
    const findings = studyFindings(tables(cohort(1), digits()));
    assert.equal(findings.length, 5);
    assert.deepEqual(findings[0].datasets, ["cohort", "digits"]);
    assert.match(
      findings[0].text,
      /; digits: best held-out test accuracy 0\.90 \(one seed\) by small-gap \(subject, aug none\)/,
    );
    assert.equal(studyFindings(tables(cohort(1), digits()), { max: 3 }).length, 3);
  });

  await t.step("a best accuracy near chance and a leak under 0.05 are said to be so", () => {
    const rows = ["subject", "slice"].map((split) => ({
      dataset: "cohort",
      model: "small",
      pooling: "gap",
      split,
      augmentation: "seed",
      seed: 0,
      test_accuracy: split === "slice" ? 0.53 : 0.51,
      chance_accuracy: 0.5,
      leaky_split: split === "slice",
    }));
    const [best, leak] = studyFindings({ results: tableFromRows(rows), localization: tableFromRows([]) });
    assert.match(
      best.text,
      /against 0\.50 for always predicting the largest class \(no better than chance\)$/,
    );
    assert.match(
      leak.text,
      /scores 0\.53 mean test accuracy against 0\.51 on held-out subjects \(within 0\.05/,
    );
  });

  await t.step("no rows, no findings", () => {
    assert.deepEqual(studyFindings(tables()), []);
  });
});

Deno.test("summaries carry the settings behind their numbers", async (t) => {
  await t.step(
    "accuracy rows carry chance and the split's leak; localization rows ReLU, normalisation, τ",
    () => {
      const { results, localization } = tables(digits());
      const [acc] = accuracySummary(results).objects() as Row[];
      assert.equal(acc.chance_accuracy, 0.11);
      const loc = localizationSummary(localization).objects() as Row[];
      const cam = loc.find((r) => r.method === "cam" && String(r.config).startsWith("small-gap"))!;
      assert.equal(cam.relu, false);
      assert.equal(cam.normalize, "minmax");
      assert.equal(cam.threshold, 0.2);
      assert.equal(cam.top1_loc_error, 0.97);
    },
  );

  await t.step("majorityShare is the largest class's share", () => {
    assert.equal(majorityShare([0, 1, 1, 1]), 0.75);
    assert.equal(majorityShare([]), 0);
  });
});

/**
 * A 3-fold run by hand on 12 subjects s00..s11 (4 a fold): net "small-gap" gets all right but s03; "alexnet-gap"
 * gets s00..s07 right and s08..s11 wrong. Slices: 96 a fold, accuracy chosen per fold.
 */
function folds(): { results: Row[]; localization: Row[] } {
  const subjects = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, "0")}`);
  const right: Record<string, (s: string) => boolean> = {
    small: (s) => s !== "s03",
    alexnet: (s) => Number(s.slice(1)) < 8,
  };
  const results: Row[] = [], localization: Row[] = [];
  for (const model of ["small", "alexnet"]) {
    for (let fold = 0; fold < 3; fold++) {
      const tested = subjects.slice(4 * fold, 4 * fold + 4);
      const base = {
        run_id: `${model}-f${fold}`,
        dataset: "cohort",
        model,
        pooling: "gap",
        split: "subject",
        augmentation: "seed",
        seed: 0,
        fold,
        folds: 3,
      };
      results.push({
        ...base,
        n_test: 96,
        test_positives: 48,
        test_accuracy: [0.5, 0.75, 1][fold],
        test_auc: [0.6, 0.8, 0.9][fold],
        subject_accuracy: tested.filter(right[model]).length / 4,
        subjects_right: tested.filter(right[model]).join(" "),
        subjects_wrong: tested.filter((s) => !right[model](s)).join(" "),
      });
      for (const [k, subject] of tested.entries()) {
        // energy / chance = 1, 2, 3, 4 per fold's subjects
        localization.push({
          ...base,
          method: "saliency",
          subject,
          energy_in_truth: 0.05 * (k + 1),
          chance_energy: 0.05,
        });
      }
    }
  }
  return { results, localization };
}

Deno.test("k-fold runs pool over their folds", async (t) => {
  const { results, localization } = folds();
  const tables = { results: tableFromRows(results), localization: tableFromRows(localization) };

  await t.step("subjects right n/N with the Clopper–Pearson interval, slice accuracy pooled", () => {
    const rows = foldSummary(tables).objects() as Row[];
    const small = rows.find((r) => r.model === "small")!, alex = rows.find((r) => r.model === "alexnet")!;
    assert.deepEqual([small.subjects_right, small.subjects, small.folds_run], [11, 12, 3]);
    assert.deepEqual([alex.subjects_right, alex.subjects], [8, 12]);
    assert.equal(small.subject_ci_low, clopperPearson(11, 12).low);
    assert.equal(alex.subject_ci_high, clopperPearson(8, 12).high);
    assert.equal(small.test_accuracy, (0.5 + 0.75 + 1) / 3);
    assert.equal(small.chance_accuracy, 0.5);
    assert.ok(Math.abs(Number(small.test_auc_mean) - (0.6 + 0.8 + 0.9) / 3) < 1e-12);
    assert.equal(small.test_auc_pooled, null, "no ROC curves in the tables: no pooled AUC");
    assert.deepEqual(
      [small.subjects_right_vote, small.subjects_right_threshold],
      [null, null],
      "no subjects table",
    );
  });

  await t.step("with every fold's subjects table: the test subjects right under either rule", () => {
    // small: the vote as its rows say (11 of 12); the threshold rule right on every even subject (6).
    const subjects = results.filter((r) => r.model === "small").flatMap((r) =>
      [...idsOf(r.subjects_right).map((s) => [s, true]), ...idsOf(r.subjects_wrong).map((s) => [s, false])]
        .map(([subject, right]) => ({
          run_id: r.run_id,
          part: "test",
          subject,
          right_vote: right,
          right_threshold: Number(String(subject).slice(1)) % 2 === 0,
        }))
    );
    // Validation rows do not count.
    subjects.push({
      run_id: "small-f0",
      part: "val",
      subject: "v0",
      right_vote: true,
      right_threshold: true,
    });
    const rows = foldSummary({ ...tables, subjects: tableFromRows(subjects) }).objects() as Row[];
    const small = rows.find((r) => r.model === "small")!, alex = rows.find((r) => r.model === "alexnet")!;
    assert.deepEqual([small.subjects_right_vote, small.subjects_right_threshold], [11, 6]);
    assert.deepEqual(
      [alex.subjects_right_vote, alex.subjects_right_threshold],
      [null, null],
      "no rows: null",
    );
    // One fold without its rows: null, never a partial count.
    const partial = subjects.filter((r) => r.run_id !== "small-f2");
    const [p] = (foldSummary({ ...tables, subjects: tableFromRows(partial) }).objects() as Row[])
      .filter((r) => r.model === "small");
    assert.deepEqual([p.subjects_right_vote, p.subjects_right_threshold], [null, null]);

    // Pairs under the validation threshold: from the subjects tables, only nets with every fold's rows.
    assert.equal(
      foldComparisons(tables.results, { subjects: tableFromRows(subjects), rule: "validation-threshold" })
        .numRows(),
      0,
      "alexnet has no rows: no pair",
    );
    // alexnet right under the threshold on all but s11.
    const alexRows = results.filter((r) => r.model === "alexnet").flatMap((r) =>
      [...idsOf(r.subjects_right), ...idsOf(r.subjects_wrong)].map((subject) => ({
        run_id: r.run_id,
        part: "test",
        subject,
        right_vote: idsOf(r.subjects_right).includes(subject),
        right_threshold: subject !== "s11",
      }))
    );
    const both = tableFromRows([...subjects, ...alexRows]);
    const [pair] = foldComparisons(tables.results, { subjects: both, rule: "validation-threshold" })
      .objects() as Row[];
    // small: the 6 even subjects; alexnet: 11. Both 6, only small 0, only alexnet 5 (odd but s11), both wrong 1.
    assert.deepEqual(
      [pair.rule, pair.subjects, pair.both_right, pair.only_a, pair.only_b, pair.both_wrong],
      ["validation-threshold", 12, 6, 0, 5, 1],
    );
    assert.ok(Math.abs(Number(pair.mcnemar_p) - 2 / 32) < 1e-12);
    // Under the vote, from the same rows: the cells' own pairs.
    const [vote] = foldComparisons(tables.results, { subjects: both, rule: "vote" }).objects() as Row[];
    const [cell] = foldComparisons(tables.results).objects() as Row[];
    assert.equal(cell.rule, "cell");
    assert.deepEqual(
      [vote.both_right, vote.only_a, vote.only_b, vote.both_wrong],
      [cell.both_right, cell.only_a, cell.only_b, cell.both_wrong],
    );
  });

  await t.step("energy / chance per method over every CAM subject: mean ± SD", () => {
    const [row] = foldLocalization(tables.localization).objects() as Row[];
    assert.equal(row.subjects, 12);
    // ratios 1, 2, 3, 4 in each of 3 folds: mean 2.5, sample SD sqrt(15 / 11)
    assert.ok(Math.abs(Number(row.energy_x_chance) - 2.5) < 1e-12);
    assert.ok(Math.abs(Number(row.energy_x_chance_sd) - Math.sqrt(15 / 11)) < 1e-12);
    assert.deepEqual([row.energy_x_chance_min, row.energy_x_chance_max], [1, 4]);
  });

  await t.step("paired on the same subjects: exact McNemar on the discordant ones", () => {
    const [pair] = foldComparisons(tables.results).objects() as Row[];
    // small right on 11 (all but s03), alexnet on s00..s07: both 7, only small 4 (s08..s11), only alexnet 1 (s03).
    assert.deepEqual(
      [pair.subjects, pair.both_right, pair.only_a, pair.only_b, pair.both_wrong],
      [12, 7, 4, 1, 0],
    );
    assert.equal(pair.net_a, "small-gap (subject)");
    // 2 (C(5,0) + C(5,1)) / 2^5 = 12 / 32
    assert.ok(Math.abs(Number(pair.mcnemar_p) - 12 / 32) < 1e-12);
  });

  await t.step("the k-fold finding, and fold rows are not averaged as seeds", () => {
    const findings = studyFindings(tables);
    const fold = findings.find((f) => f.kind === "k-fold")!;
    assert.match(fold.text, /3-fold cross-validation over subjects \(seed 0; every subject tested once\)/);
    assert.match(fold.text, /small-gap \(subject\) 11\/12 \(0\.62–1\.00\)/);
    assert.match(fold.text, /small-gap \(subject\) vs alexnet-gap \(subject\) 4:1 discordant, p = 0\.38/);
    assert.equal(findings.find((f) => f.kind === "best-accuracy"), undefined);
  });

  await t.step(
    "with both nets' subjects rows, the finding adds their slice accuracy paired over subjects",
    () => {
      // small: 0.9 on every test subject; alexnet: 0.6 — −0.30 on all 12 (pairs in the configurations' order), so
      // p = 2 / 2^12 and every other shift is rejected: the interval is −0.30.
      const subjects = results.flatMap((r) =>
        [...idsOf(r.subjects_right), ...idsOf(r.subjects_wrong)].map((subject) => ({
          run_id: r.run_id,
          part: "test",
          subject,
          vote_share: r.model === "small" ? 0.9 : 0.6,
        }))
      );
      const fold = studyFindings({ ...tables, subjects: tableFromRows(subjects) }).find((f) =>
        f.kind === "k-fold"
      )!;
      assert.match(
        fold.text,
        /held-out subjects' slice accuracy, paired over subjects \(sign-flip test\): alexnet-gap \(subject\) 0\.60 vs small-gap \(subject\) 0\.90 \(−0\.30, 95% CI −0\.30 to −0\.30, p = 0\.00049\)/,
      );
      // Without the rows the clause is not there.
      assert.doesNotMatch(studyFindings(tables).find((f) => f.kind === "k-fold")!.text, /sign-flip/);
    },
  );

  await t.step("the accuracy summary pools a seed's folds by test size, and counts seeds, not folds", () => {
    // Unequal folds: 5, 4 and 4 test subjects of 120, 96 and 96 slices.
    const sized = results.filter((r) => r.model === "small").map((r, f) => ({
      ...r,
      n_test: [120, 96, 96][f],
      test_subjects: [5, 4, 4][f],
      subject_accuracy: [4 / 5, 3 / 4, 1][f],
      chance_accuracy: 0.5,
    }));
    const [acc] = accuracySummary(tableFromRows(sized)).objects() as Row[];
    assert.equal(acc.seeds, 1);
    assert.equal(acc.test_accuracy_sd, null, "one seed: no spread (the folds' spread is not a seed's)");
    assert.ok(Math.abs(Number(acc.test_accuracy) - (0.5 * 120 + 0.75 * 96 + 96) / 312) < 1e-12);
    assert.ok(Math.abs(Number(acc.subject_accuracy) - 11 / 13) < 1e-12);
    assert.ok(Math.abs(Number(acc.test_auc) - (0.6 + 0.8 + 0.9) / 3) < 1e-12);
    // 48 positives a fold: the pooled test set's largest class is its 312 − 144 negatives.
    assert.ok(Math.abs(Number(acc.chance_accuracy) - 168 / 312) < 1e-12);
    const pooled = poolFolds(sized);
    assert.deepEqual([pooled.length, pooled[0].fold, pooled[0].folds_run, pooled[0].n_test], [
      1,
      null,
      3,
      312,
    ]);
    const plain = { ...sized[0], fold: undefined };
    assert.deepEqual(poolFolds([plain]), [plain], "rows without a fold pass through");
  });

  await t.step("runs on other scales pool and pair apart (subject ids repeat across cohorts)", () => {
    const scaled = [
      ...results.map((r) => ({ ...r, scale: "default" })),
      ...results.filter((r) => r.model === "alexnet").map((r) => ({ ...r, scale: "quick" })),
    ];
    assert.equal(
      foldSummary({ results: tableFromRows(scaled) }).numRows(),
      3,
    );
    const pairs = foldComparisons(tableFromRows(scaled)).objects() as Row[];
    assert.equal(pairs.length, 1, "only the two default-scale nets pair");
    assert.equal(pairs[0].scale ?? "default", "default");
  });
});

function idsOf(v: unknown): string[] {
  return String(v ?? "").split(" ").filter(Boolean);
}
