import assert from "node:assert/strict";
import {
  addGaussianNoise,
  augmentImage,
  flipHorizontal,
  randomCrop,
  randomErasing,
  resizeBilinear,
  Rng,
  sampleErasingBox,
  scaleJitter,
  SEED_AUGMENTATION,
} from "../../lib/data/mod.ts";

const dims = { height: 8, width: 12, channels: 2 };
function ramp(): Float32Array {
  return Float32Array.from({ length: 8 * 12 * 2 }, (_, i) => i);
}
function meanSd(a: Float32Array): [number, number] {
  let s = 0, q = 0;
  for (const v of a) {
    s += v;
    q += v * v;
  }
  const m = s / a.length;
  return [m, Math.sqrt(q / a.length - m * m)];
}

Deno.test("augmentation", async (t) => {
  await t.step("flip mirrors columns and is an involution", () => {
    const img = ramp();
    const f = flipHorizontal(img, dims);
    // pixel (y=1, x=0, c=1) comes from (1, 11, 1)
    assert.equal(f[(1 * 12 + 0) * 2 + 1], img[(1 * 12 + 11) * 2 + 1]);
    assert.deepEqual(flipHorizontal(f, dims), img);
  });

  await t.step("noise has the requested sd (0.3 by default) and mean 0", () => {
    const noisy = addGaussianNoise(new Float32Array(100000), { rng: new Rng(1) });
    const [m, sd] = meanSd(noisy);
    assert.ok(Math.abs(m) < 0.005, `mean ${m}`);
    assert.ok(Math.abs(sd - 0.3) < 0.005, `sd ${sd}`);
  });

  await t.step("bilinear resize: identity, constant and 2x upsampling", () => {
    const img = ramp();
    assert.deepEqual(resizeBilinear(img, dims, { height: 8, width: 12 }), img);
    const c = resizeBilinear(new Float32Array(192).fill(3), dims, { height: 5, width: 17 });
    assert.equal(c.length, 5 * 17 * 2);
    assert.ok(c.every((v) => Math.abs(v - 3) < 1e-6));
    const row = resizeBilinear(Float32Array.from([0, 1]), { height: 1, width: 2, channels: 1 }, {
      height: 1,
      width: 4,
    });
    assert.deepEqual([...row], [0, 0.25, 0.75, 1]);
  });

  await t.step("scale jitter and crops keep the size", () => {
    const rng = new Rng(2);
    for (let i = 0; i < 20; i++) {
      assert.equal(scaleJitter(ramp(), dims, { rng, range: [0.7, 1.3] }).length, 192);
      assert.equal(randomCrop(ramp(), dims, { rng, mode: "pad", padding: 2 }).length, 192);
      assert.equal(randomCrop(ramp(), dims, { rng, mode: "resize" }).length, 192);
    }
  });

  await t.step("pad-and-crop is a shift by at most `padding` with fill", () => {
    const rng = new Rng(3);
    const img = ramp().map((v) => v + 1);
    for (let i = 0; i < 20; i++) {
      const out = randomCrop(img, dims, { rng, padding: 2, fill: 0 });
      // every non-fill value is an input value, and at least (8-4)x(12-4) pixels survive
      const kept = out.filter((v) => v !== 0);
      assert.ok(kept.length >= 4 * 8 * 2);
      assert.ok(kept.every((v) => img.includes(v)));
    }
  });

  await t.step("padding 0 crop and unit scale are identities", () => {
    const rng = new Rng(4);
    assert.deepEqual(randomCrop(ramp(), dims, { rng, padding: 0 }), ramp());
    assert.deepEqual(scaleJitter(ramp(), dims, { rng, range: [1, 1] }), ramp());
  });

  await t.step("erasing boxes fit and their area fraction is within bounds", () => {
    const rng = new Rng(5);
    const big = { height: 32, width: 32, channels: 1 };
    let found = 0;
    for (let i = 0; i < 500; i++) {
      const box = sampleErasingBox(big, { rng, areaRange: [0.05, 0.2], aspectRange: [0.3, 3.3] });
      if (!box) continue;
      found++;
      const fraction = (box.height * box.width) / (32 * 32);
      assert.ok(fraction >= 0.05 && fraction <= 0.2, `fraction ${fraction}`);
      assert.ok(box.top >= 0 && box.left >= 0 && box.top + box.height <= 32 && box.left + box.width <= 32);
    }
    assert.ok(found > 450);
  });

  await t.step("randomErasing fills one rectangle with the fill value", () => {
    const rng = new Rng(6);
    const img = new Float32Array(32 * 32).fill(1);
    const big = { height: 32, width: 32, channels: 1 };
    let erasedImages = 0;
    for (let i = 0; i < 200; i++) {
      const out = randomErasing(img, big, { rng, probability: 0.5, fill: -5 });
      const erased = out.filter((v) => v === -5).length;
      if (erased > 0) {
        erasedImages++;
        assert.ok(erased / 1024 >= 0.02 && erased / 1024 <= 0.33);
      }
    }
    assert.ok(erasedImages > 70 && erasedImages < 130, `${erasedImages}`);
    assert.ok(img.every((v) => v === 1), "input untouched");
  });

  await t.step("augmentImage composes the seed augmentation deterministically", () => {
    const a = augmentImage(ramp(), dims, { ...SEED_AUGMENTATION, rng: new Rng(9) });
    const b = augmentImage(ramp(), dims, { ...SEED_AUGMENTATION, rng: new Rng(9) });
    assert.equal(a.length, 192);
    assert.deepEqual(a, b);
    assert.ok(a.every(Number.isFinite));
    const none = augmentImage(ramp(), dims, { rng: new Rng(9) });
    assert.deepEqual(none, ramp());
  });

  await t.step("bad options and shapes throw AugmentError", () => {
    assert.throws(() => flipHorizontal(new Float32Array(3), dims), {
      name: "AugmentError",
      message: "flipHorizontal: image has 3 values, expected 192 (8x12x2)",
    });
    assert.throws(() => randomCrop(ramp(), dims, { rng: new Rng(1), mode: "zoom" as never }), {
      name: "AugmentError",
      message: 'randomCrop: mode must be "pad" or "resize", got "zoom"',
    });
  });
});
