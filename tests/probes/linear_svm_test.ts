import assert from "node:assert/strict";
import { accuracy, argMaxRows, linearSvm, svmScores } from "../../lib/probes/mod.ts";
import { assertClose } from "../_helpers.ts";

Deno.test("linearSvm", async (t) => {
  await t.step("hard-margin closed form in 1-D: x = 2 (−), 4 (+) gives w = 1, b = −3", () => {
    // min ½(w² + b²) s.t. 4w + b ≥ 1, −(2w + b) ≥ 1: both active → w = 1, b = −3 (multipliers 3.5, 6.5 ≤ C).
    const svm = linearSvm(new Float32Array([2, 4]), [0, 1], { cost: 100, tolerance: 1e-9 });
    assertClose(svm.weights, [-1, 1], 1e-5, "W columns: class 0 is the negated class 1");
    assertClose(svm.bias, [3, -3], 1e-5, "bias");
    assert.ok(svm.perClass.every((p) => p.converged));
    assertClose(svm.perClass.map((p) => p.objective), [5, 5], 1e-4, "½‖(1, −3)‖²");
  });

  await t.step("symmetric pair: w = 1, b = 0 with the bias input as the regularised feature", () => {
    const svm = linearSvm(new Float32Array([-1, 1]), [0, 1], { numClasses: 2, cost: 10, tolerance: 1e-9 });
    assertClose([svm.weights[1], svm.bias[1]], [1, 0], 1e-6);
  });

  await t.step(
    "three separable 2-D clusters: every training point right, standardisation folded back",
    () => {
      const centers = [[0, 10], [10, 0], [-10, -10]];
      const xs: number[] = [], ys: number[] = [];
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < 5; i++) {
          xs.push(centers[c][0] + (i % 3) - 1, centers[c][1] * 100 + (i % 2));
          ys.push(c);
        }
      }
      const f = new Float32Array(xs);
      for (const standardize of [false, true]) {
        const svm = linearSvm(f, ys, { standardize, cost: 10 });
        assert.equal(accuracy(argMaxRows(svmScores(svm, f), 3), ys), 1, `standardize ${standardize}`);
      }
      const z = linearSvm(f, ys, { standardize: true, cost: 10 });
      // raw-feature scores reproduce the standardised model: score of a point equals w·x + b by hand
      const s = svmScores(z, f.subarray(0, 2));
      assertClose([s[0]], [f[0] * z.weights[0] + f[1] * z.weights[3] + z.bias[0]], 1e-4);
    },
  );

  await t.step("soft margin: C bounds the dual, a mislabelled point stays wrong", () => {
    const f = new Float32Array([-3, -2, -1, 1, 2, 3, -2.5]);
    const y = [0, 0, 0, 1, 1, 1, 1];
    const svm = linearSvm(f, y, { cost: 0.1 });
    const pred = argMaxRows(svmScores(svm, f), 2);
    assert.deepEqual([...pred], [0, 0, 0, 1, 1, 1, 0]);
  });

  await t.step("bad input is refused with the problem named", () => {
    assert.throws(() => linearSvm(new Float32Array(5), [0, 1]), {
      name: "ProbeError",
      message: "linearSvm: 5 feature values do not split into 2 samples",
    });
    assert.throws(() => linearSvm(new Float32Array([0, NaN]), [0, 1]), {
      name: "ProbeError",
      message: "linearSvm: feature value 1 is NaN",
    });
    assert.throws(() => linearSvm(new Float32Array(2), [0, 3], { numClasses: 2 }), {
      name: "ProbeError",
      message: "linearSvm: label 3 is not below numClasses 2",
    });
  });
});
