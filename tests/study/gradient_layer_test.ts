// cam.layers: the layer a grid's gradient methods explain, per model family; checked when the grid loads and
// against the model before a cell trains.
import assert from "node:assert/strict";
import { expandGrid, GridError } from "../../lib/experiments/grid.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { cellModel } from "../../lib/study/_cell_training.ts";
import { type CohortCell, gradientLayer, layerGrid } from "../../lib/study/cohort_cell.ts";

await initBackend();

const base = {
  name: "g",
  datasets: ["cohort"],
  models: ["alexnet", "googlenet"],
  widthMultiplier: 0.0625,
  imageSize: 96,
};

Deno.test("cam.layers", async (t) => {
  await t.step("absent: every gradient method at the model's CAM layer", () => {
    for (const cell of expandGrid(base) as CohortCell[]) {
      const model = cellModel(cell, 2);
      try {
        assert.equal(gradientLayer(cell, model), "cam_conv");
        assert.equal(layerGrid(model, "cam_conv"), cell.model === "alexnet" ? "4x4" : "6x6");
      } finally {
        model.dispose();
      }
    }
  });
  await t.step("given for one family: that family's layer, the other's CAM layer", () => {
    const cells = expandGrid({ ...base, cam: { layers: { googlenet: "inception3b" } } }) as CohortCell[];
    const plain = expandGrid(base);
    assert.notEqual(cells[1].id, plain[1].id, "the layer is part of the cell's id");
    const got = cells.map((cell) => {
      const model = cellModel(cell, 2);
      try {
        const layer = gradientLayer(cell, model);
        return [cell.model, layer, layerGrid(model, layer)];
      } finally {
        model.dispose();
      }
    });
    // GoogLeNet at 96 px: inception3b is before pool3, at 1/8 of the input.
    assert.deepEqual(got, [["alexnet", "cam_conv", "4x4"], ["googlenet", "inception3b", "12x12"]]);
  });
  await t.step("a layer the model lacks is a GridError naming the field and the model's layers", () => {
    const [cell] = expandGrid({ ...base, models: ["alexnet"], cam: { layers: { alexnet: "inception3b" } } });
    const model = cellModel(cell, 2);
    try {
      assert.throws(() => gradientLayer(cell as CohortCell, model), (e) => {
        assert.ok(e instanceof GridError);
        assert.equal(e.field, "cam.layers.alexnet");
        assert.match(
          e.message,
          /alexnet-gap has no layer "inception3b" \(layers: conv1, norm1, pool1, conv2,/,
        );
        return true;
      });
    } finally {
      model.dispose();
    }
  });
  await t.step("a value that is not a layer name is a GridError when the grid loads", () => {
    assert.throws(
      () => expandGrid({ ...base, cam: { layers: { alexnet: 3 as unknown as string } } }),
      (e) => e instanceof GridError && e.field === "cam.layers.alexnet",
    );
  });
});
