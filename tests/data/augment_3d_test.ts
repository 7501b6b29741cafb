/** lib/data/augment_3d.ts against closed forms: exact flips, shifts and rotations, erased fractions, noise moments. */
import assert from "node:assert/strict";
import {
  affineResample3d,
  augmentVolume,
  flipVolume,
  randomAffine3d,
  randomErasing3d,
  Rng,
  VOLUME_AUGMENTATION,
  type VolumeDims,
} from "../../lib/data/mod.ts";

const dims: VolumeDims = { depth: 4, height: 5, width: 6, channels: 2 };
const n = 4 * 5 * 6 * 2;
const ramp = Float32Array.from({ length: n }, (_, i) => i + 1);
const idx = (z: number, y: number, x: number, c: number, d = dims) =>
  ((z * d.height + y) * d.width + x) * d.channels + c;

Deno.test("flipVolume mirrors x and is its own inverse", () => {
  const f = flipVolume(ramp, dims);
  assert.equal(f[idx(1, 2, 0, 1)], ramp[idx(1, 2, 5, 1)]);
  assert.equal(f[idx(3, 4, 2, 0)], ramp[idx(3, 4, 3, 0)]);
  assert.deepEqual(flipVolume(f, dims), ramp);
  assert.throws(() => flipVolume(ramp.subarray(1), dims), {
    name: "AugmentError",
    message: /flipVolume: volume has 239 values, expected 240 \(4x5x6x2\)/,
  });
});

Deno.test("affineResample3d: identity, integer shifts and a 90° rotation are exact", () => {
  const eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  assert.deepEqual(affineResample3d(ramp, dims, { matrix: eye }), ramp);
  // out(z, y, x) = in(z, y, x + 2), fill -1 past the edge.
  const shifted = affineResample3d(ramp, dims, { matrix: eye, shift: [0, 0, 2], fill: -1 });
  assert.equal(shifted[idx(2, 3, 1, 1)], ramp[idx(2, 3, 3, 1)]);
  assert.equal(shifted[idx(2, 3, 4, 0)], -1);
  // Half a voxel along z: the mean of the two neighbours.
  const half = affineResample3d(ramp, dims, { matrix: eye, shift: [0.5, 0, 0] });
  assert.equal(half[idx(1, 1, 1, 0)], (ramp[idx(1, 1, 1, 0)] + ramp[idx(2, 1, 1, 0)]) / 2);
  // 90° in the (y, x) plane of a cube: in-coordinates (y', x') = (−(x − o), y − o) + o.
  const cube: VolumeDims = { depth: 3, height: 5, width: 5, channels: 1 };
  const v = Float32Array.from({ length: 75 }, (_, i) => i);
  const r = affineResample3d(v, cube, { matrix: [1, 0, 0, 0, 0, -1, 0, 1, 0] });
  for (let z = 0; z < 3; z++) {
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        assert.equal(r[idx(z, y, x, 0, cube)], v[idx(z, 4 - x, y, 0, cube)]);
      }
    }
  }
});

Deno.test("randomAffine3d: zero ranges give the input; seeded draws repeat", () => {
  const none = randomAffine3d(ramp, dims, {
    rng: new Rng(1),
    rotationDegrees: 0,
    translation: 0,
    scaleRange: [1, 1],
  });
  for (let i = 0; i < n; i++) assert.ok(Math.abs(none[i] - ramp[i]) < 1e-3);
  const a = randomAffine3d(ramp, dims, { rng: new Rng(9) });
  assert.deepEqual(a, randomAffine3d(ramp, dims, { rng: new Rng(9) }));
  assert.notDeepEqual(a, ramp);
  assert.throws(() => randomAffine3d(ramp, dims, { rng: new Rng(1), scaleRange: [0, 1] }), {
    name: "AugmentError",
  });
});

Deno.test("randomErasing3d erases one cuboid near the drawn fraction", () => {
  const big: VolumeDims = { depth: 20, height: 20, width: 20, channels: 1 };
  const ones = new Float32Array(8000).fill(1);
  for (let seed = 0; seed < 20; seed++) {
    const out = randomErasing3d(ones, big, { rng: new Rng(seed), probability: 1, volumeRange: [0.02, 0.1] });
    const erased = out.reduce((s, v) => s + (v === 0 ? 1 : 0), 0) / 8000;
    assert.ok(erased > 0.005 && erased < 0.2, `seed ${seed}: fraction ${erased}`);
  }
  assert.deepEqual(randomErasing3d(ones, big, { rng: new Rng(1), probability: 0 }), ones);
  assert.throws(() => randomErasing3d(ones, big, { rng: new Rng(1), volumeRange: [0.5, 0.2] }), {
    message: /randomErasing3d: volumeRange must be an increasing pair/,
  });
});

Deno.test("augmentVolume: seeded, size-keeping, input untouched; noise has the asked sd", () => {
  const copy = ramp.slice();
  const a = augmentVolume(ramp, dims, { ...VOLUME_AUGMENTATION, rng: new Rng(4) });
  assert.equal(a.length, n);
  assert.deepEqual(ramp, copy);
  assert.deepEqual(a, augmentVolume(ramp, dims, { ...VOLUME_AUGMENTATION, rng: new Rng(4) }));
  const big: VolumeDims = { depth: 30, height: 30, width: 30, channels: 1 };
  const zero = new Float32Array(27000);
  const noisy = augmentVolume(zero, big, { noise: { sd: 0.05 }, rng: new Rng(2) });
  const mean = noisy.reduce((s, v) => s + v, 0) / noisy.length;
  const sd = Math.sqrt(noisy.reduce((s, v) => s + (v - mean) ** 2, 0) / noisy.length);
  assert.ok(Math.abs(mean) < 0.002 && Math.abs(sd - 0.05) < 0.002, `mean ${mean}, sd ${sd}`);
});
