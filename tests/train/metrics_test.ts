import assert from "node:assert/strict";
import {
  argmaxRows,
  auc,
  averagePrecision,
  confusionMatrix,
  pooledRocAuc,
  precisionRecall,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  softmax,
  topKError,
} from "../../lib/train/metrics.ts";
import { Rng } from "../../lib/rng.ts";

function close(a: number[], b: number[], eps = 1e-9) {
  assert.equal(a.length, b.length, `${a} vs ${b}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < eps, `${a} vs ${b}`));
}

// scikit-learn's docstring example: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8]
const y = [0, 0, 1, 1];
const s = [0.1, 0.4, 0.35, 0.8];

Deno.test("metrics", async (t) => {
  await t.step("softmax rows sum to 1 and are shift-invariant", () => {
    const p = softmax([0, 0, 1, 3, 1000, 1000], { numClasses: 2 });
    close([...p], [0.5, 0.5, 1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-2)), 0.5, 0.5], 1e-6);
  });

  await t.step("argmax and top-k error", () => {
    const scores = [0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.3, 0.3, 0.4];
    assert.deepEqual([...argmaxRows(scores, { numClasses: 3 })], [1, 0, 2]);
    const labels = [2, 0, 1];
    assert.equal(topKError(scores, labels, { numClasses: 3, k: 1 }), 2 / 3);
    // row 0: class 2 is second; row 2: class 1 ties class 0 at 0.3, ranked after it → third
    assert.equal(topKError(scores, labels, { numClasses: 3, k: 2 }), 1 / 3);
    assert.equal(topKError(scores, labels, { numClasses: 3, k: 3 }), 0);
  });

  await t.step("confusion matrix and per-class precision/recall", () => {
    const m = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 1], { numClasses: 3 });
    assert.deepEqual(m, [[1, 1, 0], [0, 2, 0], [0, 1, 0]]);
    const pr = precisionRecall(m);
    close(pr.precision, [1, 0.5, 0]);
    close(pr.recall, [0.5, 1, 0]);
    close(pr.f1, [2 / 3, 2 / 3, 0]);
    assert.deepEqual(pr.support, [2, 2, 1]);
  });

  await t.step("PR curve and AP match scikit-learn on its docstring example", () => {
    const curve = precisionRecallCurve(s, y);
    close(curve.recall, [0, 0.5, 0.5, 1, 1]);
    close(curve.precision, [1, 1, 0.5, 2 / 3, 0.5]);
    close(curve.thresholds.slice(1), [0.8, 0.4, 0.35, 0.1]);
    close([averagePrecision(s, y)], [0.8333333333333333]);
  });

  await t.step("AP: perfect ranking = 1; constant scores = positive rate; ties grouped", () => {
    assert.equal(averagePrecision([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
    close([averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0])], [0.25]);
    // hand: scores [3,2,2,1], y [1,0,1,0]: points (R .5, P 1), (R 1, P 2/3) → .5·1 + .5·2/3
    close([averagePrecision([3, 2, 2, 1], [1, 0, 1, 0])], [0.5 + 1 / 3]);
  });

  await t.step("ROC curve and AUC match scikit-learn", () => {
    const roc = rocCurve(s, y);
    close(roc.fpr, [0, 0, 0.5, 0.5, 1]);
    close(roc.tpr, [0, 0.5, 0.5, 1, 1]);
    assert.equal(roc.thresholds[0], Infinity);
    close([rocAuc(s, y)], [0.75]);
  });

  await t.step("AUC: all ties = 0.5; perfect = 1; reversed = 0", () => {
    assert.equal(rocAuc([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0]), 0.5);
    assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
    assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 0);
    assert.equal(auc([0, 1], [0, 1]), 0.5);
  });

  await t.step("undefined metrics throw MetricError", () => {
    assert.throws(() => averagePrecision([0.1, 0.2], [0, 0]), {
      name: "MetricError",
      message: "precisionRecallCurve: no positive samples; recall is undefined",
    });
    assert.throws(() => rocAuc([0.1, 0.2], [1, 1]), {
      name: "MetricError",
      message: "rocCurve: needs positive and negative samples, got 2 and 0",
    });
    assert.throws(() => rocAuc([0.1], [1, 0]), {
      name: "MetricError",
      message: "rocCurve: 1 scores but 2 targets",
    });
  });
});

const closeTo = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("pooled ROC AUC of disjoint test sets equals rocAuc of their union", () => {
  const rng = new Rng(7);
  const folds: { scores: number[]; targets: number[] }[] = [];
  for (let f = 0; f < 5; f++) {
    const scores: number[] = [], targets: number[] = [];
    for (let i = 0; i < 40 + f; i++) {
      const y = i % 3 === 0 ? 1 : 0;
      // Rounded to 0.05 so that scores tie within and across folds.
      scores.push(Math.round((rng.float() + 0.4 * y) * 20) / 20);
      targets.push(y);
    }
    folds.push({ scores, targets });
  }
  const curves = folds.map(({ scores, targets }) => {
    const c = rocCurve(scores, targets);
    const positives = targets.filter((y) => y === 1).length;
    return { ...c, positives, negatives: targets.length - positives };
  });
  const union = rocAuc(folds.flatMap((f) => f.scores), folds.flatMap((f) => f.targets));
  closeTo(pooledRocAuc(curves)!, union, 1e-12);
  // One fold alone is its own AUC.
  closeTo(pooledRocAuc([curves[0]])!, rocAuc(folds[0].scores, folds[0].targets), 1e-12);
  // A curve without its thresholds, or with counts that do not match it, cannot be pooled.
  assert.equal(pooledRocAuc([{ ...curves[0], thresholds: curves[0].thresholds.map(() => null) }]), null);
  assert.equal(pooledRocAuc([{ ...curves[0], positives: curves[0].positives + 1 }]), null);
});
