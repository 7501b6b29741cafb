/**
 * k-fold cohort cells end to end on a toy cohort: every subject tested exactly once over the folds, the fold in
 * every row, and the folds pooled by foldSummary / foldLocalization / foldComparisons and the k-fold finding.
 */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { expandGrid, rowsOf, runGrid } from "../../lib/experiments/mod.ts";
import {
  foldComparisons,
  foldLocalization,
  foldSummary,
  studyCell,
  studyFindings,
} from "../../lib/study/mod.ts";
import { toyStudy } from "./_toy.ts";

Deno.test("k-fold cohort cells end to end at toy scale", async (t) => {
  const { root, runner } = await toyStudy();
  const cells = expandGrid({
    name: "toy-kfold",
    datasets: ["cohort"],
    models: ["small"],
    pooling: ["gap", "gmp"],
    splits: ["subject"],
    folds: 3,
    imageSize: 24,
    widthMultiplier: 0.25,
    training: { epochs: 1, batchSize: 32 },
    cam: { methods: ["cam", "saliency"] },
  });
  const before = tf.memory().numTensors;
  const { tables } = await runGrid(cells, runner, { root: `${root}/exp` });
  assert.equal(tf.memory().numTensors, before, "fold cells leave no tensors behind");
  const results = rowsOf(tables.results);

  await t.step("every subject is tested once per net, and each row names its fold", () => {
    assert.equal(results.length, 6);
    for (const pooling of ["gap", "gmp"]) {
      const own = results.filter((r) => r.pooling === pooling);
      assert.deepEqual(own.map((r) => r.fold).sort(), [0, 1, 2]);
      assert.ok(own.every((r) => r.folds === 3));
      const tested = own.flatMap((r) =>
        [r.subjects_right, r.subjects_wrong].flatMap((v) => String(v ?? "").split(" ").filter(Boolean))
      );
      assert.equal(tested.length, 12);
      assert.equal(new Set(tested).size, 12);
      // 12 subjects (6 per group) in 3 folds: 4 test subjects, 1 of each group for validation, 6 train.
      for (const r of own) assert.deepEqual([r.n_test, r.n_val, r.n_train], [4 * 48, 2 * 48, 6 * 48]);
    }
    for (const r of rowsOf(tables.localization)) assert.deepEqual([r.folds, r.grid], [3, "toy-kfold"]);
  });

  await t.step("the folds pool into n of 12 subjects, per method over every CAM subject, and pairs", () => {
    const summary = rowsOf(foldSummary(tables));
    assert.equal(summary.length, 2);
    for (const s of summary) {
      assert.equal(s.subjects, 12);
      assert.equal(s.folds_run, 3);
      assert.equal(s.test_slices, 12 * 48);
      assert.ok(Number(s.subject_ci_low) <= Number(s.subject_accuracy));
      assert.ok(Number(s.subject_ci_high) >= Number(s.subject_accuracy));
      const own = results.filter((r) => r.pooling === s.pooling);
      const right = own.reduce((a, r) => a + Number(r.subject_accuracy) * 4, 0);
      assert.equal(s.subjects_right, Math.round(right));
      const slices = own.reduce((a, r) => a + Number(r.test_accuracy) * 4 * 48, 0) / (12 * 48);
      assert.ok(Math.abs(Number(s.test_accuracy) - slices) < 1e-12);
      assert.equal(s.chance_accuracy, 0.5);
      // The folds' ROC curves (thresholds kept in the curves table) pool into the AUC of all 576 slices.
      assert.equal(typeof s.test_auc_pooled, "number");
      assert.ok(Number(s.test_auc_pooled) >= 0 && Number(s.test_auc_pooled) <= 1);
      // Each fold ranks its 4 test subjects (2 per group) by their slices' mean probability; the mean over folds.
      for (const r of own) assert.ok(Number(r.subject_auc) >= 0 && Number(r.subject_auc) <= 1);
      const subjectAuc = own.reduce((a, r) => a + Number(r.subject_auc), 0) / 3;
      assert.ok(Math.abs(Number(s.subject_auc_mean) - subjectAuc) < 1e-12);
    }
    // Every fold wrote its subjects table: the vote count is the cells' own; the threshold rule's is counted too.
    for (const s of summary) {
      assert.equal(s.subjects_right_vote, s.subjects_right);
      assert.equal(typeof s.subjects_right_threshold, "number");
    }
    const loc = rowsOf(foldLocalization(tables.localization));
    assert.deepEqual(loc.map((r) => `${r.pooling} ${r.method} ${r.subjects}`).sort(), [
      "gap cam 12",
      "gap saliency 12",
      "gmp cam 12",
      "gmp saliency 12",
    ]);
    const [pair] = rowsOf(foldComparisons(tables.results));
    assert.equal(pair.subjects, 12);
    assert.equal(
      Number(pair.both_right) + Number(pair.only_a) + Number(pair.only_b) + Number(pair.both_wrong),
      12,
    );
    const finding = studyFindings(tables).find((f) => f.kind === "k-fold");
    assert.match(
      finding?.text ?? "",
      /3-fold cross-validation over subjects \(seed 0; every subject tested once\)/,
    );
    assert.doesNotMatch(
      studyFindings(tables).find((f) => f.kind === "best-accuracy")?.text ?? "",
      /seeds/,
      "fold rows are not averaged as seeds",
    );
  });

  await t.step(
    "each cell's subjects table: test and validation subjects, their scores and both rules' calls",
    () => {
      const subjects = rowsOf(tables.subjects);
      for (const r of results) {
        const own = subjects.filter((s) => s.run_id === r.run_id);
        const test = own.filter((s) => s.part === "test"), val = own.filter((s) => s.part === "val");
        assert.equal(test.length, 4);
        assert.equal(val.length, 2);
        assert.ok(own.every((s) => s.slices === 48));
        // The vote column agrees with the row's own subjects_right (the grid's rule is the vote).
        const right = test.filter((s) => s.right_vote === true).map((s) => s.subject).sort().join(" ");
        assert.equal(right, r.subjects_right ?? "");
        // One validation threshold per cell, and each call is mean ≥ it.
        const t = Number(own[0].subject_threshold);
        assert.ok(own.every((s) => Number(s.subject_threshold) === t));
        for (const s of own) {
          assert.equal(s.call_threshold, Number(s.mean_probability) >= t ? 1 : 0);
          assert.equal(s.right_threshold, s.call_threshold === s.label);
          assert.equal(s.right_vote, s.call_vote === s.label);
          assert.equal(s.group, s.label === 0 ? "young" : "old");
        }
        // The vote share is the share of slices on the subject's own side: past 1/2 exactly when the vote is right
        // (48 slices: a tie goes to class 0).
        for (const s of test) {
          const share = Number(s.vote_share);
          if (share !== 0.5) assert.equal(s.right_vote, share > 0.5);
        }
      }
    },
  );

  await t.step(
    "subjectRule validation-threshold: the mean probability against a threshold from validation",
    async () => {
      for (const r of results) assert.deepEqual([r.subject_rule, r.subject_threshold], ["vote", null]);
      const calibrated = expandGrid({
        name: "toy-kfold-threshold",
        datasets: ["cohort"],
        models: ["small"],
        pooling: ["gap"],
        splits: ["subject"],
        folds: 3,
        imageSize: 24,
        widthMultiplier: 0.25,
        training: { epochs: 1, batchSize: 32 },
        cam: { methods: ["cam"] },
        data: { subjectRule: "validation-threshold", camSubjects: 0 },
      });
      const rows = rowsOf((await runGrid(calibrated, runner, { root: `${root}/exp` })).tables.results);
      assert.equal(rows.length, 3);
      const tested = rows.flatMap((r) =>
        [r.subjects_right, r.subjects_wrong].flatMap((v) => String(v ?? "").split(" ").filter(Boolean))
      );
      assert.equal(new Set(tested).size, 12);
      const subjects = rowsOf((await runGrid(calibrated, runner, { root: `${root}/exp` })).tables.subjects);
      for (const r of rows) {
        assert.equal(r.subject_rule, "validation-threshold");
        const t = Number(r.subject_threshold);
        assert.ok(t > 0 && t < 1, `threshold ${r.subject_threshold}`);
        // The row's calls are the subjects table's threshold calls.
        const own = subjects.filter((s) => s.run_id === r.run_id && s.part === "test");
        assert.ok(own.every((s) => Number(s.subject_threshold) === t));
        const right = own.filter((s) => s.right_threshold === true).map((s) => s.subject).sort().join(" ");
        assert.equal(right, r.subjects_right ?? "");
      }
      // A rule the cell does not know is refused when the grid is checked.
      assert.throws(() => studyCell({ ...calibrated[0], data: { subjectRule: "median" } }), /subjectRule/);
    },
  );
  await Deno.remove(root, { recursive: true });
});
