import assert from "node:assert/strict";
import { eigSym3 } from "../../lib/dmri/_eigen.ts";

/** Reference: cyclic Jacobi on a symmetric 3 x 3 matrix; eigenvalues descending with their vectors. */
function jacobi(m: number[][]): { values: number[]; vectors: number[][] } {
  const a = m.map((r) => r.slice());
  const v = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (let sweep = 0; sweep < 50; sweep++) {
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      if (Math.abs(a[p][q]) < 1e-300) continue;
      const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p], akq = a[k][q];
        a[k][p] = c * akp - s * akq;
        a[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k], aqk = a[q][k];
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p], vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j][j] - a[i][i]);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => [v[0][i], v[1][i], v[2][i]]) };
}

function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

Deno.test("eigSym3 (closed form) agrees with Jacobi", async (t) => {
  const out = new Float64Array(6);
  const rand = seeded(7);
  await t.step("random symmetric matrices at diffusion scale", () => {
    for (let i = 0; i < 2000; i++) {
      const [xx, xy, yy, xz, yz, zz] = Array.from({ length: 6 }, () => (rand() - 0.5) * 4e-3);
      eigSym3(xx, xy, yy, xz, yz, zz, out);
      const ref = jacobi([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]);
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(out[k] - ref.values[k]) < 1e-15, `λ${k + 1} of case ${i}`);
      }
      const gap = ref.values[0] - ref.values[1];
      if (gap > 1e-6) {
        const dot = Math.abs(
          out[3] * ref.vectors[0][0] + out[4] * ref.vectors[0][1] + out[5] * ref.vectors[0][2],
        );
        assert.ok(Math.abs(dot - 1) < 1e-8, `v1 of case ${i}: |cos| = ${dot}`);
      }
    }
  });
  await t.step("diagonal, isotropic, prolate and oblate tensors", () => {
    eigSym3(1, 0, 3, 0, 0, 2, out);
    assert.deepEqual(Array.from(out.slice(0, 3)), [3, 2, 1]);
    assert.ok(Math.abs(Math.abs(out[4]) - 1) < 1e-12);
    eigSym3(2, 0, 2, 0, 0, 2, out);
    assert.deepEqual(Array.from(out), [2, 2, 2, 1, 0, 0]);
    // Oblate: λ₁ = λ₂, v₁ must still be a unit vector orthogonal to the third axis.
    eigSym3(2, 0, 2, 0, 0, 1, out);
    assert.ok(Math.abs(out[0] - 2) < 1e-15 && Math.abs(out[1] - 2) < 1e-15 && Math.abs(out[2] - 1) < 1e-15);
    assert.ok(Math.abs(Math.hypot(out[3], out[4], out[5]) - 1) < 1e-12);
    assert.ok(Math.abs(out[5]) < 1e-8);
  });
});
