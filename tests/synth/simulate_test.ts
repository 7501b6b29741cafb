import assert from "node:assert/strict";
import { fitTensor, gradientTable } from "../../lib/dmri/mod.ts";
import {
  brainPhantom,
  gradientScheme,
  planSubjects,
  plantedMaps,
  simulateDwi,
  type SyntheticSubject,
} from "../../lib/synth/mod.ts";

const phantom = brainPhantom({ shape: 28 });
const scheme = gradientScheme({ directions: 30, b0Count: 3, seed: 1 });
const gtab = gradientTable(scheme.bvals, scheme.bvecs);

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Welch's t statistic of b − a. */
function welch(a: number[], b: number[]): number {
  const va = a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1);
  const vb = b.reduce((s, x) => s + (x - mean(b)) ** 2, 0) / (b.length - 1);
  return (mean(b) - mean(a)) / Math.sqrt(va / a.length + vb / b.length);
}

Deno.test("simulateDwi", async (t) => {
  const [subject] = planSubjects(phantom.regions, { seed: 3 });
  const truth = plantedMaps(phantom, subject);

  await t.step("without noise, b0 volumes hold S0 and the signal decays with b", () => {
    const dwi = simulateDwi(phantom, subject, scheme, { snr: Infinity });
    assert.deepEqual(dwi.shape, [28, 28, 28, scheme.count]);
    assert.equal(dwi.datatype, "int16");
    const n = 28 ** 3;
    const data = dwi.data as Int16Array;
    let checked = 0;
    for (let i = 0; i < n; i++) {
      if (truth.brainMask.data[i] !== 1) continue;
      assert.ok(data[i] > 0, `voxel ${i} has b0 ${data[i]}`);
      for (let v = 0; v < scheme.count; v++) if (scheme.bvals[v] > 0) assert.ok(data[i + n * v] <= data[i]);
      checked++;
    }
    assert.ok(checked > 1000);
  });

  await t.step("Rician noise is deterministic for a seed and positive", () => {
    const a = simulateDwi(phantom, subject, scheme, { snr: 10, seed: 5 });
    const b = simulateDwi(phantom, subject, scheme, { snr: 10, seed: 5 });
    const c = simulateDwi(phantom, subject, scheme, { snr: 10, seed: 6 });
    assert.deepEqual(a.data, b.data);
    assert.notDeepEqual(a.data, c.data);
    // Background (outside the head) is Rayleigh noise with mean σ·√(π/2) = 100·1.2533.
    const data = a.data as Int16Array;
    const bg: number[] = [];
    for (let i = 0; i < 28 ** 3; i++) if (truth.fa.data[i] === 0) bg.push(data[i]);
    assert.ok(Math.abs(mean(bg) - 125.3) < 3, `background mean ${mean(bg)}`);
    assert.ok(Math.min(...bg) >= 0);
  });

  await t.step("signal mixing adds compartments instead of averaging tensors", () => {
    const tensor = simulateDwi(phantom, subject, scheme, { snr: Infinity }).data as Int16Array;
    const signal = simulateDwi(phantom, subject, scheme, { snr: Infinity, mixing: "signal" })
      .data as Int16Array;
    const n = 28 ** 3;
    let differ = 0;
    for (let i = 0; i < n; i++) {
      assert.equal(tensor[i], signal[i], "b0 volumes agree");
      if (tensor[i + n] !== signal[i + n]) differ++;
    }
    assert.ok(differ > 100);
  });
});

Deno.test("round trip: simulated DWI → fitTensor recovers the planted FA and the planted group difference", async (t) => {
  const subjects = planSubjects(phantom.regions, {
    seed: 11,
    groups: [
      { name: "young", count: 6, minAge: 8, maxAge: 15 },
      { name: "old", count: 6, minAge: 25, maxAge: 75 },
    ],
  });
  const fits = subjects.map((subject: SyntheticSubject, s: number) => {
    const truth = plantedMaps(phantom, subject, { regions: phantom.regions });
    const dwi = simulateDwi(phantom, subject, scheme, { snr: 200, seed: s });
    const fit = fitTensor(dwi, gtab, { method: "wls", mask: truth.brainMask });
    return { subject, truth, fa: fit.fa.data as Float32Array };
  });

  await t.step("fitted FA is close to the planted FA in white matter at high SNR", () => {
    for (const { truth, fa } of fits) {
      const planted = truth.fa.data as Float32Array;
      const errors: number[] = [];
      for (let i = 0; i < planted.length; i++) {
        if (truth.brainMask.data[i] && planted[i] > 0.3) errors.push(Math.abs(fa[i] - planted[i]));
      }
      assert.ok(errors.length > 200, `${errors.length} white-matter voxels`);
      assert.ok(mean(errors) < 0.02, `mean |FA error| ${mean(errors).toFixed(4)}`);
    }
  });

  await t.step("old − young FA differs inside the planted regions only", () => {
    const regionMean = (fit: (typeof fits)[number], region: string) => {
      const mask = fit.truth.regions[region].data;
      const v: number[] = [];
      for (let i = 0; i < mask.length; i++) if (mask[i]) v.push(fit.fa[i]);
      return mean(v);
    };
    const young = fits.filter((f) => f.subject.group === "young");
    const old = fits.filter((f) => f.subject.group === "old");
    const diff = (region: string) => {
      const a = young.map((f) => regionMean(f, region)), b = old.map((f) => regionMean(f, region));
      return { d: mean(b) - mean(a), t: welch(a, b) };
    };
    // Planted: callosum and slf_left lower with age, cst_right higher.
    const callosum = diff("callosum"), slfLeft = diff("slf_left"), cstRight = diff("cst_right");
    assert.ok(callosum.d < -0.04 && callosum.t < -3, `callosum ${JSON.stringify(callosum)}`);
    assert.ok(slfLeft.d < -0.04 && slfLeft.t < -3, `slf_left ${JSON.stringify(slfLeft)}`);
    assert.ok(cstRight.d > 0.03 && cstRight.t > 3, `cst_right ${JSON.stringify(cstRight)}`);
    // Not planted: the mirror tracts (anatomy and jitter vary, the age effect does not) and all other white matter.
    for (const region of ["slf_right", "cst_left"]) {
      const { d, t } = diff(region);
      assert.ok(Math.abs(d) < 0.03 && Math.abs(t) < 2.5, `${region} differs by ${d} (t = ${t})`);
    }
    const outside = (fit: (typeof fits)[number]) => {
      const planted = fit.truth.fa.data as Float32Array;
      const v: number[] = [];
      for (let i = 0; i < planted.length; i++) {
        const inRegion = ["callosum", "slf_left", "cst_right"].some((r) => fit.truth.regions[r].data[i]);
        if (!inRegion && fit.truth.brainMask.data[i] && planted[i] > 0.25) v.push(fit.fa[i]);
      }
      return mean(v);
    };
    const dOut = mean(old.map(outside)) - mean(young.map(outside));
    assert.ok(Math.abs(dOut) < 0.015, `outside the regions old − young = ${dOut}`);
  });
});
