import assert from "node:assert/strict";
import { arrayDataset, batchCount, batches, mapDataset, type Sample, subset } from "../../lib/data/mod.ts";

function sample(i: number, size = 4): Sample {
  return {
    image: new Float32Array(size * size).fill(i),
    height: size,
    width: size,
    channels: 1,
    label: i % 3,
  };
}

Deno.test("datasets", async (t) => {
  const ds = arrayDataset(Array.from({ length: 10 }, (_, i) => sample(i)));

  await t.step("arrayDataset, mapDataset and subset give random access", () => {
    assert.equal(ds.size, 10);
    const doubled = mapDataset(ds, (s) => ({ ...s, image: s.image.map((v) => 2 * v) }));
    assert.equal(doubled.get(3).image[0], 6);
    const sub = subset(doubled, [9, 2]);
    assert.equal(sub.size, 2);
    assert.equal(sub.get(0).image[0], 18);
    assert.equal(sub.get(1).label, 2);
  });

  await t.step("out-of-range indices throw DatasetError", () => {
    assert.throws(() => ds.get(10), {
      name: "DatasetError",
      message: "arrayDataset.get: index 10 out of range [0, 10)",
    });
    assert.throws(() => subset(ds, [11]), {
      name: "DatasetError",
      message: "subset: index 11 out of range [0, 10)",
    });
  });

  await t.step("batches pack NHWC images and labels in order", () => {
    const list = [...batches(ds, { batchSize: 4 })];
    assert.equal(list.length, 3);
    assert.equal(batchCount(10, { batchSize: 4 }), 3);
    assert.deepEqual([...list[0].indices], [0, 1, 2, 3]);
    assert.equal(list[0].images.length, 4 * 16);
    assert.equal(list[0].images[16], 1);
    assert.deepEqual([...list[2].labels], [2, 0]);
    assert.equal(list[2].size, 2);
  });

  await t.step("dropLast drops the short batch", () => {
    assert.equal([...batches(ds, { batchSize: 4, dropLast: true })].length, 2);
    assert.equal(batchCount(10, { batchSize: 4, dropLast: true }), 2);
  });

  await t.step("shuffle is seeded and covers every sample once", () => {
    const order = (seed: number) =>
      [...batches(ds, { batchSize: 3, shuffle: true, seed })].flatMap((b) => [...b.indices]);
    assert.deepEqual(order(5), order(5));
    assert.notDeepEqual(order(5), order(6));
    assert.deepEqual([...order(5)].sort((a, b) => a - b), [...Array(10).keys()]);
  });

  await t.step("augmentation is seeded by the batch seed", () => {
    const aug = { noise: true, flip: true } as const;
    const a = [...batches(ds, { batchSize: 5, seed: 1, augment: aug })][0].images;
    const b = [...batches(ds, { batchSize: 5, seed: 1, augment: aug })][0].images;
    const c = [...batches(ds, { batchSize: 5, seed: 2, augment: aug })][0].images;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    // the dataset itself is untouched
    assert.equal(ds.get(0).image[0], 0);
  });

  await t.step("mixed shapes and bad batch sizes are reported", () => {
    const mixed = arrayDataset([sample(0, 4), sample(1, 5)]);
    assert.throws(() => [...batches(mixed, { batchSize: 2 })], {
      name: "DatasetError",
      message: "batches: sample 1 is 5x5x1, expected 4x4x1",
    });
    assert.throws(() => [...batches(ds, { batchSize: 0 })], {
      name: "DatasetError",
      message: "batches: batchSize must be a positive integer, got 0",
    });
  });
});
