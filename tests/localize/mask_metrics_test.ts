import assert from "node:assert/strict";
import { maskEnergy, pxap } from "../../lib/localize/mod.ts";

Deno.test("mask metrics", async (t) => {
  await t.step("maskEnergy: the CAM mass inside the mask; negatives carry none; zero map → 0", () => {
    assert.equal(maskEnergy([1, 3, 0, -2], [0, 1, 1, 1]), 0.75);
    assert.equal(maskEnergy([0, 0, 0], [1, 0, 1]), 0);
    // a 3-D volume is just a longer array
    const volume = new Float32Array(2 * 3 * 4).fill(1), mask = new Uint8Array(24);
    mask.fill(1, 0, 12);
    assert.equal(maskEnergy(volume, mask), 0.5);
  });

  await t.step("PxAP: perfect separation gives 1", () => {
    assert.ok(Math.abs(pxap([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) - 1) < 1e-12);
  });

  await t.step("PxAP by hand: Σ P_i (R_i − R_{i−1}) over decreasing thresholds", () => {
    // order 0.9 (obj), 0.8 (bg), 0.3 (obj), 0.1 (bg): P = 1, 1/2, 2/3, 1/2 at R = 1/2, 1/2, 1, 1
    const ap = pxap([0.9, 0.8, 0.3, 0.1], [1, 0, 1, 0]);
    assert.ok(Math.abs(ap - (1 * 0.5 + (2 / 3) * 0.5)) < 1e-12);
  });

  await t.step("PxAP ignores mask values other than 0 and 1 (wsolevaluation's 255)", () => {
    const ap = pxap([0.9, 0.8, 0.3, 0.1, 0.95], [1, 0, 1, 0, 255]);
    assert.ok(Math.abs(ap - 5 / 6) < 1e-12);
  });

  await t.step("errors", () => {
    assert.throws(() => pxap([0.5, 0.5], [0, 0]), {
      name: "LocalizeError",
      message: "pxap: no object pixels (mask value 1) to score",
    });
    assert.throws(() => maskEnergy([1], [1, 0]), {
      name: "LocalizeError",
      message: "maskEnergy: map holds 1 values but the mask 2",
    });
  });
});
