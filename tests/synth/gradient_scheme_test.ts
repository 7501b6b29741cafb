import assert from "node:assert/strict";
import { gradientTable, parseBvals, parseBvecs } from "../../lib/dmri/mod.ts";
import { formatBvals, formatBvecs, gradientScheme, repulsionDirections } from "../../lib/synth/mod.ts";

/** Smallest angle (degrees) between two directions, antipodes counting as the same direction. */
function minAngle(dirs: Float64Array): number {
  const n = dirs.length / 3;
  let best = 90;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dot = Math.abs(
        dirs[3 * i] * dirs[3 * j] + dirs[3 * i + 1] * dirs[3 * j + 1] + dirs[3 * i + 2] * dirs[3 * j + 2],
      );
      best = Math.min(best, (Math.acos(Math.min(1, dot)) * 180) / Math.PI);
    }
  }
  return best;
}

Deno.test("gradient schemes", async (t) => {
  await t.step("repulsion spreads directions well over the sphere", () => {
    for (const n of [20, 64, 90]) {
      const dirs = repulsionDirections(n, { seed: 1 });
      for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(Math.hypot(dirs[3 * i], dirs[3 * i + 1], dirs[3 * i + 2]) - 1) < 1e-12);
        assert.ok(dirs[3 * i + 2] >= 0);
      }
      // A perfect antipodal covering of n points has a nearest-neighbour angle of about √(2π/n) rad · 0.95.
      const ideal = (Math.sqrt((2 * Math.PI) / n) * 180) / Math.PI;
      assert.ok(
        minAngle(dirs) > 0.6 * ideal,
        `n=${n}: min angle ${minAngle(dirs).toFixed(1)}° vs ${ideal.toFixed(1)}°`,
      );
    }
  });

  await t.step("two seeds give two different sets; one seed is deterministic", () => {
    assert.deepEqual(repulsionDirections(30, { seed: 2 }), repulsionDirections(30, { seed: 2 }));
    assert.notDeepEqual(repulsionDirections(30, { seed: 2 }), repulsionDirections(30, { seed: 3 }));
  });

  await t.step(
    "b0 volumes are interleaved, the first volume is a b0, shells repeat the directions count",
    () => {
      const s = gradientScheme({ directions: 64, b0Count: 6 });
      assert.equal(s.count, 70);
      assert.equal(s.bvals[0], 0);
      const b0 = [...s.bvals.keys()].filter((i) => s.bvals[i] === 0);
      assert.equal(b0.length, 6);
      assert.ok(b0.every((i, k) => k === 0 || i - b0[k - 1] >= 10));
      const multi = gradientScheme({ directions: 10, b0Count: 2, shells: [1000, 2000, 3000] });
      assert.equal(multi.count, 32);
      for (const b of [1000, 2000, 3000]) assert.equal(multi.bvals.filter((v) => v === b).length, 10);
    },
  );

  await t.step("FSL text round-trips through lib/dmri's readers", () => {
    const s = gradientScheme({ directions: 20, b0Count: 2, seed: 4 });
    const bvals = parseBvals(formatBvals(s));
    const bvecs = parseBvecs(formatBvecs(s));
    assert.equal(formatBvecs(s).trim().split("\n").length, 3);
    assert.deepEqual(Array.from(bvals), Array.from(s.bvals));
    for (let i = 0; i < bvecs.length; i++) assert.ok(Math.abs(bvecs[i] - s.bvecs[i]) < 1e-6);
    const gtab = gradientTable(bvals, bvecs);
    assert.equal(gtab.b0Mask.reduce((a, b) => a + b, 0), 2);
  });

  await t.step("bad options are SynthErrors", () => {
    assert.throws(() => gradientScheme({ b0Count: -1 }), {
      name: "SynthError",
      message: "gradient scheme: b0Count must be an integer ≥ 0, got -1",
    });
    assert.throws(() => gradientScheme({ shells: [] }), {
      name: "SynthError",
      message: "gradient scheme: shells must be positive b-values, got []",
    });
    assert.throws(() => repulsionDirections(0), {
      name: "SynthError",
      message: "gradient scheme: directions must be ≥ 1, got 0",
    });
  });
});
