import assert from "node:assert/strict";
import { gradientTable, tensorFromEigen, tensorSignal } from "../../lib/dmri/mod.ts";

Deno.test("tensorFromEigen", async (t) => {
  await t.step("prolate tensor along z", () => {
    const d = tensorFromEigen([1.7e-3, 0.3e-3, 0.3e-3], [0, 0, 2]);
    const want = [0.3e-3, 0, 0.3e-3, 0, 0, 1.7e-3];
    d.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-18, `element ${i}: ${x}`));
  });
  await t.step("v2 is honoured", () => {
    const d = tensorFromEigen([3, 2, 1], [1, 0, 0], { v2: [0, 0, 1] });
    assert.deepEqual(Array.from(d).map((x) => Math.round(x * 1e12) / 1e12), [3, 0, 1, 0, 0, 2]);
  });
  await t.step("zero direction is a DmriError", () => {
    assert.throws(() => tensorFromEigen([1, 1, 1], [0, 0, 0]), {
      name: "DmriError",
      message: "tensorFromEigen: zero-length direction",
    });
  });
});

Deno.test("tensorSignal: S = S0·exp(−b gᵀDg)", () => {
  const g = gradientTable([0, 1000, 1000, 2000], [0, 0, 0, 1, 0, 0, 0, 0, 1, Math.SQRT1_2, Math.SQRT1_2, 0]);
  const d = [1e-3, 0.2e-3, 0.5e-3, 0, 0, 2e-3]; // Dxx, Dxy, Dyy, Dxz, Dyz, Dzz
  const s = tensorSignal(d, g, { s0: 100 });
  const want = [
    100,
    100 * Math.exp(-1),
    100 * Math.exp(-2),
    100 * Math.exp(-2000 * 0.5 * (1e-3 + 0.5e-3 + 0.4e-3)),
  ];
  s.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-12, `volume ${i}: ${x} vs ${want[i]}`));
  const out = new Float64Array(4);
  assert.equal(tensorSignal(d, g, { out }), out);
});
