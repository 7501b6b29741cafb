import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { expandGrid, runGrid } from "../../lib/experiments/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";
import { accuracySummary, localizationSummary, writeStudyReport } from "../../lib/study/mod.ts";
import { toyStudy } from "./_toy.ts";
import { brainChance } from "./_brain_chance.ts";

Deno.test("the study end to end at toy scale", async (t) => {
  const { root, runner } = await toyStudy();

  await t.step("a cohort cell trains, evaluates and scores 3-D CAMs against the planted masks", async () => {
    const cells = expandGrid({
      name: "toy",
      datasets: ["cohort"],
      models: ["small"],
      pooling: ["gap"],
      splits: ["subject", "slice"],
      imageSize: 24,
      widthMultiplier: 0.25,
      training: { epochs: 1, batchSize: 32 },
      // Grad-CAM one layer earlier than CAM (cam.layers): conv2's 12x12 map against conv3's 6x6.
      cam: { methods: ["cam", "grad-cam"], layers: { small: "conv2" } },
      data: { camSubjects: 1 },
    });
    const before = tf.memory().numTensors;
    const { tables } = await runGrid(cells, runner, { root: `${root}/exp` });
    assert.equal(tf.memory().numTensors, before, "a cohort cell leaves no tensors behind");
    const results = tables.results.objects() as Record<string, number | boolean>[];
    assert.equal(results.length, 2);
    const bySplit = Object.fromEntries(results.map((r) => [String(r.split), r]));
    assert.equal(bySplit.subject.leaky_split, false);
    assert.equal(bySplit.slice.leaky_split, true);
    for (const r of results) {
      assert.ok((r.test_accuracy as number) >= 0 && (r.test_accuracy as number) <= 1);
      assert.equal(Number(r.n_test) + Number(r.n_train) + Number(r.n_val), 12 * 48);
      // small's own stride 4 at 24 px: a 6x6 CAM map, recorded with the row.
      assert.equal(r.output_stride, 4);
      assert.equal(r.cam_grid, "6x6");
    }
    // Subject split: 12 subjects → 8 train / 2 val / 2 test (largest-remainder per group).
    assert.equal(bySplit.subject.n_test, 2 * 48);
    const loc = tables.localization.objects() as Record<string, unknown>[];
    assert.equal(loc.length, 2 * 2);
    for (const row of loc) {
      assert.ok(Number.isFinite(row.energy_in_truth as number));
      assert.ok((row.pxap as number) >= 0 && (row.pxap as number) <= 1);
      assert.ok((row.chance_energy as number) > 0 && (row.chance_energy as number) < 0.5);
      assert.equal(row.threshold, 0.2);
      assert.deepEqual(
        [row.layer, row.layer_grid],
        row.method === "cam" ? ["conv3", "6x6"] : ["conv2", "12x12"],
      );
    }
    // Chance = the planted regions' share of the subject's truth brain mask (not of the fitted FA's support).
    for (const row of loc) {
      assert.ok(
        Math.abs((row.chance_energy as number) - await brainChance(`${root}/cohort`, row.subject as string)) <
          1e-12,
      );
    }
    // The 3-D CAM volume is on the FA grid and opens as NIfTI.
    const subject = loc[0].subject as string;
    const volume = await readNifti(`${root}/exp/toy/${cells[0].id}/cams/${subject}_cam.nii.gz`);
    assert.deepEqual(volume.shape, [20, 20, 20]);
    const summary = accuracySummary(tables.results);
    assert.equal(summary.numRows(), 2);
    assert.equal(localizationSummary(tables.localization).numRows(), 4);
    const written = await writeStudyReport(tables, `${root}/exp/toy`);
    assert.ok(written.some((f) => f.endsWith("cohort_test_accuracy.svg")));
    assert.ok(written.some((f) => f.endsWith("cohort_precision_recall.svg")));
    // PR curves start at (recall 0, precision 1) and end at recall 1.
    const pr = (tables.curves.objects() as Record<string, number | string>[]).filter((r) => r.curve === "pr");
    assert.ok(pr.length >= 2);
    assert.equal(pr.at(-1)!.x, 1);
  });

  await t.step("a digits cell reports classification and localization errors per method", async () => {
    const cells = expandGrid({
      name: "toy-digits",
      datasets: ["digits"],
      models: ["small"],
      pooling: ["gmp"],
      augmentations: ["none"],
      imageSize: 40,
      widthMultiplier: 0.25,
      training: { epochs: 1, batchSize: 32 },
      cam: { methods: ["cam", "saliency"] },
      data: { counts: { train: 200, val: 50, test: 40 } },
    });
    const before = tf.memory().numTensors;
    const { tables } = await runGrid(cells, runner, { root: `${root}/exp` });
    assert.equal(tf.memory().numTensors, before, "a digits cell leaves no tensors behind");
    const [result] = tables.results.objects() as Record<string, number>[];
    assert.ok(result.top1_cls_error >= 0 && result.top1_cls_error <= 1);
    assert.ok(result.top5_cls_error <= result.top1_cls_error);
    const loc = tables.localization.objects() as Record<string, number | string>[];
    assert.deepEqual(loc.map((r) => r.method), ["cam", "saliency"]);
    for (const r of loc) {
      assert.ok((r.top5_loc_error as number) <= (r.top1_loc_error as number));
      assert.ok((r.max_box_acc_v2 as number) >= 0 && (r.max_box_acc_v2 as number) <= 1);
      assert.equal(r.images, 40);
    }
  });
  await Deno.remove(root, { recursive: true });
});
