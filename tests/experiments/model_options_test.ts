// A grid's modelOptions: checked, carried by every cell into the cell's backbone, hashed into the ids only when
// given (grids without it keep their ids).
import assert from "node:assert/strict";
import { expandGrid, GridError } from "../../lib/experiments/grid.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { cellModel } from "../../lib/study/_cell_training.ts";
import { outputShapes } from "../../lib/models/mod.ts";

await initBackend();

const base = {
  name: "g",
  datasets: ["cohort"],
  models: ["googlenet"],
  widthMultiplier: 0.0625,
  imageSize: 32,
};

Deno.test("grid modelOptions", async (t) => {
  await t.step("absent: no modelOptions on the cells, ids as before", () => {
    const [cell] = expandGrid(base);
    assert.equal("modelOptions" in cell, false);
    // The id this cell had before modelOptions existed (pinned: results of earlier runs must be found again).
    assert.equal(cell.id, "cohort-googlenet-gap-subject-seed-quick-s0-65c6ae");
  });
  await t.step("given: on every cell, in the id's hash, and in the cell's model", () => {
    const [plain] = expandGrid(base);
    const [cell] = expandGrid({ ...base, modelOptions: { init: "data", dropout: 0.25 } });
    assert.deepEqual(cell.modelOptions, { init: "data", dropout: 0.25 });
    assert.notEqual(cell.id, plain.id);
    const model = cellModel(cell, 2);
    try {
      assert.equal(model.config.init, "data");
      assert.equal(model.config.dropout, 0.25);
      assert.equal(model.config.batchNorm, false);
    } finally {
      model.dispose();
    }
  });
  await t.step("outputStride: carried into the model, its CAM map finer", () => {
    const [cell] = expandGrid({ ...base, imageSize: 96, modelOptions: { init: "data", outputStride: 8 } });
    assert.deepEqual(cell.modelOptions, { init: "data", outputStride: 8 });
    const model = cellModel(cell, 2);
    try {
      assert.equal(model.config.outputStride, 8);
      // GoogLeNet at 96 px: 6x6 at its own stride 16, 12x12 at 8.
      assert.deepEqual(outputShapes(model.config).cam_conv.slice(0, 2), [12, 12]);
    } finally {
      model.dispose();
    }
    assert.throws(
      () => expandGrid({ ...base, modelOptions: { outputStride: 0 } }),
      (e) => e instanceof GridError && e.field === "modelOptions.outputStride",
    );
  });
  await t.step("checked: a bad value is a GridError naming the field", () => {
    assert.throws(
      () => expandGrid({ ...base, modelOptions: { init: "glorot" as "he" } }),
      (e) => e instanceof GridError && e.field === "modelOptions.init",
    );
    assert.throws(
      () => expandGrid({ ...base, modelOptions: { width: 2 } as never }),
      (e) => e instanceof GridError && /modelOptions/.test(e.message),
    );
  });
});
