import assert from "node:assert/strict";
import {
  argmaxRows,
  auc,
  averagePrecision,
  confusionMatrix,
  precisionRecall,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  softmax,
  topKError,
} from "../../lib/train/metrics.ts";

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
