import assert from "node:assert/strict";
import {
  axialEigenvalues,
  axialTensor,
  fractionalAnisotropyOf,
  relativeS0,
  tensorFa,
  TISSUES,
} from "../../lib/synth/mod.ts";

Deno.test("tissues and tensor arithmetic", async (t) => {
  await t.step("literature diffusivities give the expected FA and MD", () => {
    const { parallel, perpendicular } = TISSUES.tract;
    assert.ok(Math.abs(fractionalAnisotropyOf(parallel, perpendicular, perpendicular) - 0.762) < 1e-3);
    assert.ok(fractionalAnisotropyOf(3e-3, 3e-3, 3e-3) < 1e-12);
    assert.equal(fractionalAnisotropyOf(0, 0, 0), 0);
  });

  await t.step("axialEigenvalues inverts FA at fixed MD", () => {
    for (const fa of [0, 0.1, 0.4, 0.7, 0.9]) {
      const { parallel, perpendicular } = axialEigenvalues(fa, 0.8e-3);
      assert.ok(Math.abs((parallel + 2 * perpendicular) / 3 - 0.8e-3) < 1e-15);
      assert.ok(Math.abs(fractionalAnisotropyOf(parallel, perpendicular, perpendicular) - fa) < 1e-12);
      assert.ok(perpendicular > 0);
    }
    // Clamped below 1 so that λ⊥ stays positive.
    assert.ok(axialEigenvalues(1.5, 1e-3).perpendicular > 0);
  });

  await t.step("tensorFa of a rotated axial tensor equals its eigenvalue FA", () => {
    const d = new Float64Array(6);
    const v = [1, 2, 2].map((x) => x / 3);
    axialTensor(1.7e-3, 0.3e-3, v, d);
    assert.ok(Math.abs(tensorFa(d) - fractionalAnisotropyOf(1.7e-3, 0.3e-3, 0.3e-3)) < 1e-12);
    // gᵀDg along the fibre is λ∥.
    const q = d[0] * v[0] ** 2 + d[1] * v[1] ** 2 + d[2] * v[2] ** 2 +
      2 * (d[3] * v[0] * v[1] + d[4] * v[0] * v[2] + d[5] * v[1] * v[2]);
    assert.ok(Math.abs(q - 1.7e-3) < 1e-15);
  });

  await t.step("b0 contrast: CSF brighter than grey, grey brighter than white matter", () => {
    assert.equal(relativeS0(TISSUES.whiteMatter), 1);
    assert.ok(relativeS0(TISSUES.greyMatter) > 1.5 && relativeS0(TISSUES.greyMatter) < 2);
    assert.ok(relativeS0(TISSUES.csf) > 4.5 && relativeS0(TISSUES.csf) < 5.5);
  });
});
