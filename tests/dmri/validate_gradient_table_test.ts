import assert from "node:assert/strict";
import {
  DmriError,
  type GradientTable,
  gradientTable,
  loadGradients,
  validateGradientTable,
} from "../../lib/dmri/mod.ts";
import { DWI, hasData, synthGradients } from "./_helpers.ts";

/** The classic six directions (Basser & Pierpaoli), not normalised. */
const SIX = [[1, 0, 1], [-1, 0, 1], [0, 1, 1], [0, 1, -1], [1, 1, 0], [-1, 1, 0]];

/** `b0s` b0 volumes, then every direction at every b-value in `shells`. */
function table(dirs: number[][], shells = [1000], b0s = 1): GradientTable {
  const bvals: number[] = [], bvecs: number[] = [];
  for (let i = 0; i < b0s; i++) bvals.push(0), bvecs.push(0, 0, 0);
  for (const b of shells) {
    for (const d of dirs) {
      const n = Math.hypot(d[0], d[1], d[2]);
      bvals.push(b), bvecs.push(d[0] / n, d[1] / n, d[2] / n);
    }
  }
  return gradientTable(bvals, bvecs, { source: "t.bval + t.bvec" });
}

/** 30 directions in the xy plane, tilted out of it by up to `tilt` (radians, roughly). */
function nearPlane(tilt: number): number[][] {
  return Array.from(
    { length: 30 },
    (_, i) => [Math.cos(i * 0.3), Math.sin(i * 0.3), tilt * Math.sin(i * 1.7)],
  );
}

Deno.test("validateGradientTable accepts usable tables and says what it measured", async (t) => {
  await t.step("the minimal scheme: six directions and one b0 (κ ≈ 6.2)", () => {
    const check = validateGradientTable(table(SIX));
    assert.deepEqual(
      { ...check, conditionNumber: Number(check.conditionNumber.toFixed(2)) },
      { diffusionVolumes: 6, b0Volumes: 1, directions: 6, conditionNumber: 6.2 },
    );
  });
  await t.step("two shells share their directions: 30 axes, not 60", () => {
    const check = validateGradientTable(synthGradients(30));
    assert.equal(check.directions, 30);
    assert.equal(check.diffusionVolumes, 60);
    assert.ok(check.conditionNumber < 10, `κ ${check.conditionNumber}`);
  });
  await t.step("g and −g are one axis, repeats count once", () => {
    const dirs = [...SIX, ...SIX.map((d) => d.map((x) => -x)), ...SIX];
    assert.equal(validateGradientTable(table(dirs)).directions, 6);
  });
  await t.step("no b0 but two shells: ln S0 is determined by the b-values (κ ≈ 8.3)", () => {
    const check = validateGradientTable(table(SIX, [1000, 2000], 0));
    assert.equal(check.b0Volumes, 0);
    assert.equal(Number(check.conditionNumber.toFixed(2)), 8.25);
  });
  await t.step("κ does not depend on the unit of b nor on a rotation of the scheme", () => {
    const k = validateGradientTable(table(SIX)).conditionNumber;
    const scaled = validateGradientTable(table(SIX, [3000])).conditionNumber;
    const c = Math.cos(0.7), s = Math.sin(0.7);
    const rotated = validateGradientTable(table(SIX.map(([x, y, z]) => [c * x - s * z, y, s * x + c * z])));
    assert.ok(Math.abs(scaled - k) < 1e-9 && Math.abs(rotated.conditionNumber - k) < 1e-9);
  });
  await t.step("a zero vector is allowed for a b0 with b > 0", () => {
    const g = table(SIX);
    const bvals = Float64Array.from(g.bvals);
    bvals[0] = 20;
    assert.equal(validateGradientTable({ ...g, bvals }).b0Volumes, 1);
  });
});

Deno.test({
  name: "validateGradientTable accepts the real tables (../shared/data/dwi)",
  ignore: !hasData,
  fn: async () => {
    // small_101D samples a q-space grid: 100 distinct directions, of which some lie within 1° of another.
    const measured: Record<string, [number, number]> = {};
    for (const name of ["small_25", "small_64D", "small_101D"]) {
      const check = validateGradientTable(await loadGradients(`${DWI}${name}.bval`, `${DWI}${name}.bvec`));
      measured[name] = [check.directions, Number(check.conditionNumber.toFixed(1))];
    }
    assert.deepEqual(measured, { small_25: [25, 11.8], small_64D: [64, 18.7], small_101D: [87, 7.3] });
  },
});

Deno.test("validateGradientTable refuses tables that cannot support a tensor, saying why", async (t) => {
  const refuses = (g: GradientTable, message: string | RegExp, options = {}) =>
    assert.throws(() => validateGradientTable(g, options), (e: unknown) => {
      assert.ok(e instanceof DmriError, String(e));
      assert.equal(e.source, g.source);
      if (typeof message === "string") assert.equal(e.message, `${g.source}: ${message}`);
      else assert.match(e.message, message);
      return true;
    });
  await t.step("all b0 (issue 12: fitted to all-zero FA maps)", () => {
    const g = gradientTable(new Array(8).fill(0), new Array(24).fill(0), { source: "t.bval + t.bvec" });
    refuses(g, "no diffusion-weighted volume: all 8 b-values are ≤ b0Threshold 50");
    const low = table([...SIX, [1, 2, 3]], [40]);
    refuses(low, "no diffusion-weighted volume: all 8 b-values are ≤ b0Threshold 50");
  });
  await t.step("b = 1e300, and above the 1e5 s/mm² bound unless the option says otherwise", () => {
    const g = table(SIX);
    const huge = Float64Array.from(g.bvals);
    huge[3] = 1e300;
    refuses(
      { ...g, bvals: huge },
      "b-value 3 is 1e+300 s/mm², above the physical bound 100000 (option maxBvalue)",
    );
    const exVivo = Float64Array.from(g.bvals, (b) => (b > 0 ? 2e5 : 0));
    refuses(
      { ...g, bvals: exVivo },
      /^t.bval \+ t.bvec: b-value 1 is 200000 s\/mm², above the physical bound/,
    );
    assert.equal(validateGradientTable({ ...g, bvals: exVivo }, { maxBvalue: 3e5 }).directions, 6);
  });
  await t.step("non-finite or negative b-values in a table made by hand", () => {
    const g = table(SIX);
    for (
      const [b, message] of [[NaN, "b-value 2 is NaN"], [-Infinity, "b-value 2 is -Infinity"], [
        -5,
        "b-value 2 is negative (-5)",
      ]] as const
    ) {
      const bvals = Float64Array.from(g.bvals);
      bvals[2] = b;
      refuses({ ...g, bvals }, message);
    }
  });
  await t.step("b-vectors: NaN, non-unit for b > 0 (dipy's tolerance 1e-2), looser with atol", () => {
    const g = table(SIX);
    const nan = Float64Array.from(g.bvecs);
    nan[4] = NaN;
    refuses(
      { ...g, bvecs: nan },
      /^t.bval \+ t.bvec: b-vector 1 \([-0-9.e]+, NaN, [-0-9.e]+\) is not finite$/,
    );
    const long = Float64Array.from(g.bvecs, (x, i) => (i >= 6 && i < 9 ? x * 1.02 : x));
    refuses({ ...g, bvecs: long }, "b-vector 2 has norm 1.020, not 1 within 0.01 (b = 1000)");
    assert.equal(validateGradientTable({ ...g, bvecs: long }, { atol: 0.05 }).directions, 6);
    const zero = Float64Array.from(g.bvecs, (x, i) => (i >= 3 && i < 6 ? 0 : x));
    refuses({ ...g, bvecs: zero }, "b-vector 1 has norm 0.000, not 1 within 0.01 (b = 1000)");
  });
  await t.step("a b0Mask that disagrees with the b-values", () => {
    const g = table(SIX);
    const b0Mask = Uint8Array.from(g.b0Mask);
    b0Mask[1] = 1;
    refuses({ ...g, b0Mask }, "b0Mask[1] is 1 but b = 1000 (b0Threshold 50)");
  });
  await t.step("fewer than 7 volumes", () => {
    refuses(table(SIX, [1000], 0), "a tensor fit needs at least 7 volumes, got 6");
  });
  await t.step("collinear: one axis, repeated with both signs", () => {
    refuses(
      table([[1, 0, 0], [-1, 0, 0], [1, 0, 0], [1, 0, 0], [-1, 0, 0], [1, 0, 0], [1, 0, 0]]),
      "only 1 distinct diffusion direction (up to sign, 1° apart) in 7 diffusion-weighted volumes; " +
        "a tensor needs at least 6 non-collinear ones",
    );
  });
  await t.step("five axes, each also as −g and within 0.5°", () => {
    const five = SIX.slice(0, 5);
    const dirs = [...five, ...five.map((d) => d.map((x) => -x)), [1, 0.005, 1]];
    refuses(
      table(dirs),
      /: only 5 distinct diffusion directions \(up to sign, 1° apart\) in 11 diffusion-weighted/,
    );
  });
  await t.step("coplanar directions: rank deficient", () => {
    refuses(
      table(nearPlane(0)),
      /^t.bval \+ t.bvec: the design is rank deficient \(condition number .+ > 1000\): the diffusion directions do not determine the tensor \(coplanar or nearly collinear directions\?\)$/,
    );
  });
  await t.step(
    "nearly coplanar (within ~0.6° of a plane): κ ≈ 3.4e4 > 1e3; accepted with a larger limit",
    () => {
      refuses(
        table(nearPlane(0.01)),
        /: the design is rank deficient \(condition number 3\.42e\+4 > 1000\): the diffusion/,
      );
      const k = validateGradientTable(table(nearPlane(0.01)), { maxConditionNumber: 1e5 }).conditionNumber;
      assert.ok(k > 3.4e4 && k < 3.5e4, `κ ${k}`);
      assert.ok(validateGradientTable(table(nearPlane(0.5))).conditionNumber < 20);
    },
  );
  await t.step("nearly collinear: within 0.3° of x is one axis; within 3° of x, rank deficient", () => {
    const cone = (eps: number) =>
      Array.from(
        { length: 30 },
        (_, i) => [1, eps * Math.cos(i) * (1 + 0.5 * Math.sin(3 * i)), eps * Math.sin(i)],
      );
    refuses(table(cone(0.005)), /^t.bval \+ t.bvec: only 1 distinct diffusion direction /);
    refuses(
      table(cone(0.05)),
      /: the design is rank deficient \(condition number 2\.69e\+3 > 1000\): the diffusion/,
    );
  });
  await t.step("a single shell without a b0: ln S0 and MD cannot be separated", () => {
    refuses(
      table([...SIX, [1, 2, 3]], [1000], 0),
      /^t.bval \+ t.bvec: the design is rank deficient \(condition number .+ > 1000\): no b0 volume and a single b-value \(1000\), so ln S0 and the mean diffusivity cannot be separated; add a b0 volume \(b = 0\) or a second shell$/,
    );
    refuses(
      table(SIX, [1000, 1001], 0),
      /: no b0 volume and b-values only from 1000 to 1001, so ln S0 and the mean diffusivity cannot be separated/,
    );
  });
});
