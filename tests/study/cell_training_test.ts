// The study cells' augmentation presets: "seed" (the seed paper's) and "seed-shift" (the same with shifts of
// up to a quarter of the image), checked by the study's grid schema.
import assert from "node:assert/strict";
import { SEED_AUGMENTATION } from "../../lib/data/mod.ts";
import type { CellContext } from "../../lib/experiments/runner.ts";
import { GridError } from "../../lib/experiments/grid.ts";
import { cellTrainOptions, shiftAugmentation } from "../../lib/study/_cell_training.ts";
import { expandStudyGrid } from "../../lib/study/mod.ts";

const base = {
  name: "g",
  datasets: ["cohort"],
  models: ["alexnet"],
  widthMultiplier: 0.0625,
  imageSize: 96,
};
const ctx = { checkpointDir: "/nonexistent" } as CellContext;

Deno.test("augmentation presets of a study cell", async (t) => {
  await t.step("seed-shift: the seed's options, crop padding ⌊size/4⌋ instead of 4", () => {
    assert.deepEqual(shiftAugmentation(96), { ...SEED_AUGMENTATION, crop: { mode: "pad", padding: 24 } });
    assert.deepEqual(shiftAugmentation(64).crop, { mode: "pad", padding: 16 });
  });
  await t.step("a cell's train options follow its augmentation", () => {
    const augment = (augmentation: string) => {
      const [cell] = expandStudyGrid({ ...base, augmentations: [augmentation] });
      return cellTrainOptions(cell, ctx).augment;
    };
    assert.deepEqual(augment("seed"), { ...SEED_AUGMENTATION });
    assert.deepEqual(augment("seed-shift"), shiftAugmentation(96));
    assert.equal(augment("none"), false);
  });
  await t.step("an unknown preset is a GridError naming the field", () => {
    assert.throws(
      () => expandStudyGrid({ ...base, augmentations: ["shift"] }),
      (e) => e instanceof GridError && /augmentations\[0\]/.test(e.message),
    );
  });
});

Deno.test("training.schedule and warmupEpochs: passed to lib/train, hashed only when written", async (t) => {
  const [plain] = expandStudyGrid(base);
  const [cosine] = expandStudyGrid({ ...base, training: { schedule: "cosine", warmupEpochs: 2 } });
  const [constant] = expandStudyGrid({ ...base, training: { schedule: "constant" } });
  await t.step("defaults: constant, no warm-up, and the id of a grid that never wrote them", () => {
    assert.equal(plain.training.schedule, "constant");
    assert.equal(plain.training.warmupEpochs, 0);
    const options = cellTrainOptions(plain, ctx);
    assert.deepEqual(options.schedule, { kind: "constant" });
    assert.equal(options.warmupEpochs, 0);
  });
  await t.step("written: lib/train's schedule and warm-up, and new cells", () => {
    const options = cellTrainOptions(cosine, ctx);
    assert.deepEqual(options.schedule, { kind: "cosine" });
    assert.equal(options.warmupEpochs, 2);
    assert.notEqual(cosine.id, plain.id);
    // Writing the default is still writing: a new id, so that no earlier cell is taken for it.
    assert.notEqual(constant.id, plain.id);
  });
  await t.step("bad values are GridErrors naming the field", () => {
    for (
      const [training, field] of [
        [{ schedule: "step" }, /training\.schedule/],
        [{ warmupEpochs: -1 }, /training\.warmupEpochs/],
        [{ warmupEpochs: 0.5 }, /training\.warmupEpochs/],
      ] as const
    ) {
      assert.throws(
        () => expandStudyGrid({ ...base, training: training as never }),
        (e) => e instanceof GridError && field.test(e.message),
      );
    }
  });
});
