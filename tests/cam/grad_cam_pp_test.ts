import assert from "node:assert/strict";
import { gradCamPlusPlus } from "../../lib/cam/mod.ts";
import { assertClose, handImage, handModel, minMax } from "./_helpers.ts";
import { seededImages, seededModel } from "./_tiny_models.ts";

// The hand network on [[1, 2], [3, 0]]: A_1 = [1, 2, 3, 0] (Σ = 6), A_2 = [1, 0, 0, 2] (Σ = 3), W = [[1, −1], [0.5, 2]].
const A = [[1, 2, 3, 0], [1, 0, 0, 2]];
const W = [[1, -1], [0.5, 2]];
const sumA = [6, 3];

/** α = g² / (2g² + ΣA·g³) (0 where the denominator is 0), w = Σ_ij α_ij ReLU(g_ij): the formula, by hand. */
function weightByHand(g: number[], activationSum: number): number {
  let w = 0;
  for (const gij of g) {
    const denominator = 2 * gij ** 2 + activationSum * gij ** 3;
    const alpha = denominator === 0 ? 0 : gij ** 2 / denominator;
    w += alpha * Math.max(gij, 0);
  }
  return w;
}

Deno.test("gradCamPlusPlus", async (t) => {
  await t.step("GAP: g = w_k^c / 4 everywhere; weights equal the closed form by hand", async () => {
    const model = handModel("gap");
    const image = handImage();
    for (const c of [0, 1]) {
      const r = await gradCamPlusPlus(model, image, { classIndex: c, normalize: "none", upsample: false });
      const expected = [0, 1].map((k) => weightByHand(new Array(4).fill(W[k][c] / 4), sumA[k]));
      assertClose(r.weights!, expected, 1e-6, `class ${c} weights`);
      const map = [0, 1, 2, 3].map((p) => Math.max(expected[0] * A[0][p] + expected[1] * A[1][p], 0));
      assertClose(r.maps, map, 1e-6, `class ${c} map`);
    }
    // class 0 in numbers: w_1 = 4 · 1/(2 + 6·0.25) · 0.25, w_2 = 4 · 1/(2 + 3·0.125) · 0.125
    const r0 = await gradCamPlusPlus(model, image, { classIndex: 0 });
    assertClose(r0.weights!, [1 / 3.5, 0.5 / 2.375], 1e-6, "class 0 in numbers");
    assertClose(
      (await gradCamPlusPlus(model, image, { classIndex: 1 })).weights!,
      [0, 2 / 3.5],
      1e-6,
      "class 1: ReLU kills w_1",
    );
    image.dispose();
    model.dispose();
  });

  await t.step(
    "GMP: g is nonzero only at each channel's arg-max; weights equal the formula by hand",
    async () => {
      const model = handModel("gmp");
      const image = handImage();
      // arg-max of A_1 at position 2, of A_2 at position 3
      const g = (k: number, c: number) => [0, 1, 2, 3].map((p) => (p === [2, 3][k] ? W[k][c] : 0));
      for (const c of [0, 1]) {
        const r = await gradCamPlusPlus(model, image, { classIndex: c, upsample: false });
        const expected = [0, 1].map((k) => weightByHand(g(k, c), sumA[k]));
        assertClose(r.weights!, expected, 1e-6, `class ${c}`);
        const raw = [0, 1, 2, 3].map((p) => Math.max(expected[0] * A[0][p] + expected[1] * A[1][p], 0));
        assertClose(r.maps, minMax(raw), 1e-5, `class ${c} map`);
      }
      assertClose(
        (await gradCamPlusPlus(model, image, { classIndex: 0 })).weights!,
        [1 / 8, 0.5 / 3.5],
        1e-6,
        "in numbers",
      );
      image.dispose();
      model.dispose();
    },
  );

  await t.step("any layer, batches and top-k; maps in [0, 1] and finite", async () => {
    const model = seededModel(13, "gap");
    const images = seededImages(2, 3);
    const r = await gradCamPlusPlus(model, images, { layer: "conv1", topK: 2 });
    assert.deepEqual(r.shape, [6, 8, 8]);
    assert.equal(r.record.method, "grad-cam++");
    assert.ok(r.maps.every((v) => v >= 0 && v <= 1));
    images.dispose();
    model.dispose();
  });
});
