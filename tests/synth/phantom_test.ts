import assert from "node:assert/strict";
import {
  acquisitionWarp,
  anatomySample,
  brainPhantom,
  hcpAcquisitions,
  PHANTOM_REGIONS,
  planSubjects,
  plantedMaps,
} from "../../lib/synth/mod.ts";

Deno.test("brain phantom", async (t) => {
  const phantom = brainPhantom({ shape: 32 });
  const zero = new Float64Array(PHANTOM_REGIONS.length);
  const s = anatomySample(phantom);

  await t.step("grid and regions", () => {
    assert.deepEqual(phantom.grid.shape, [32, 32, 32]);
    assert.equal(phantom.grid.pixdim[0], 180 / 32);
    assert.deepEqual(phantom.regions, ["callosum", "slf_left", "slf_right", "cst_left", "cst_right"]);
    assert.throws(() => brainPhantom({ shape: 2 }), {
      name: "SynthError",
      message: "phantom: shape must be an integer ≥ 4 or three of them, got 2",
    });
  });

  await t.step("tracts have their named fibre directions", () => {
    const principal = () => {
      // The compartment of largest weight; its tensor's largest diagonal tells the fibre axis.
      let c = 0;
      for (let k = 1; k < s.count; k++) if (s.weights[k] > s.weights[c]) c = k;
      const d = s.tensors.subarray(6 * c, 6 * c + 3);
      return d.indexOf(Math.max(...d));
    };
    phantom.evaluate(0, -3, 20, zero, s); // callosum body, midline
    assert.ok(s.shares[0] > 0.9);
    assert.equal(principal(), 0); // left-right
    phantom.evaluate(-30, -45, 24, zero, s); // left longitudinal bundle, behind the callosum
    assert.ok(s.shares[1] > 0.9);
    assert.equal(principal(), 1); // anterior-posterior
    phantom.evaluate(17.4, -12.8, -20, zero, s); // right corticospinal tract
    assert.ok(s.shares[4] > 0.9);
    assert.equal(principal(), 2); // inferior-superior
  });

  await t.step("tissue fractions: nothing outside the head, CSF in the ventricles", () => {
    phantom.evaluate(80, 0, 0, zero, s);
    assert.equal(s.count, 0);
    phantom.evaluate(9, 2, 8, zero, s);
    assert.ok(s.tissue[2] > 0.99);
    phantom.evaluate(0, 0, 55, zero, s); // near the top: cortex or CSF rim
    assert.ok(s.tissue[1] + s.tissue[2] > 0.9);
    const total = s.weights.subarray(0, s.count).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - (s.tissue[0] + s.tissue[1] + s.tissue[2])) < 1e-12);
  });

  await t.step("an FA shift changes only its tract's tensor", () => {
    phantom.evaluate(0, -3, 20, zero, s);
    const before = s.tensors.slice(0, 6);
    phantom.evaluate(0, -3, 20, Float64Array.from([-0.2, 0, 0, 0, 0]), s);
    assert.ok(s.tensors[0] < before[0]); // λ∥ along x shrinks as FA drops
    phantom.evaluate(0, -3, 20, Float64Array.from([0, -0.2, 0.3, 0, 0]), s);
    assert.deepEqual(s.tensors.slice(0, 6), before);
  });

  await t.step("planted maps: FA high in the tracts, masks per planted region, subjects differ", () => {
    const subjects = planSubjects(phantom.regions, { seed: 2 });
    const a = plantedMaps(phantom, subjects[0]);
    const b = plantedMaps(phantom, subjects[20]);
    assert.deepEqual(Object.keys(a.regions), ["callosum", "slf_left", "cst_right"]);
    const fa = a.fa.data as Float32Array;
    const mask = a.regions.callosum.data;
    let sum = 0, count = 0;
    for (let i = 0; i < fa.length; i++) {
      if (mask[i]) {
        sum += fa[i];
        count++;
      }
      assert.ok(fa[i] >= 0 && fa[i] <= 1);
    }
    assert.ok(count > 50 && sum / count > 0.55, `callosum: ${count} voxels, mean FA ${sum / count}`);
    assert.notDeepEqual(a.brainMask.data, b.brainMask.data);
  });

  await t.step("acquisition variants and their warps", () => {
    assert.deepEqual(hcpAcquisitions(8, 64).map((a) => a.name), [
      "dir64_RL_gdc",
      "dir65_LR_raw",
      "dir64_LR_gdc",
      "dir65_RL_gdc",
      "dir64_RL_raw",
      "dir65_LR_gdc",
      "dir64_LR_raw",
      "dir65_RL_raw",
    ]);
    const [rl, , lr] = hcpAcquisitions(3, 64);
    const p = Float64Array.from([0, 55, -20]); // orbitofrontal: strong susceptibility
    const a = new Float64Array(3), b = new Float64Array(3);
    acquisitionWarp(rl, phantom.brainRadii)(p, a);
    acquisitionWarp(lr, phantom.brainRadii)(p, b);
    assert.ok(Math.abs(a[0]) > 1, `RL displaces along x (${a[0]})`);
    assert.ok(Math.abs(a[0] + b[0]) < 1e-9, "LR displaces the other way");
    assert.deepEqual([a[1], a[2]], [55, -20]);
    const raw = hcpAcquisitions(2, 64)[1];
    const far = Float64Array.from([0, 0, 50]);
    acquisitionWarp(raw, phantom.brainRadii, { susceptibilityMm: 0 })(far, a);
    assert.ok(a[2] < 49.5 && a[2] > 48.5, `gradient nonlinearity pulls z=50 to ${a[2]}`);
  });
});
