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
