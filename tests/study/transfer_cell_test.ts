import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { expandGrid, runGrid } from "../../lib/experiments/mod.ts";
import { fashionMnistDir } from "../../lib/synth/mod.ts";
import { toyStudy } from "./_toy.ts";

Deno.test("a transfer cell runs the Table 4/5 analogues on digits, garments and the cohort", async (t) => {
  const { root, runner } = await toyStudy();
  const garments = (await fashionMnistDir()) !== undefined;
  if (!garments) console.log("no Fashion-MNIST on this machine: the garments target is not checked");
  const cells = expandGrid({
    name: "toy-transfer",
    datasets: ["transfer"],
    models: ["small"],
    pooling: ["gap"],
    augmentations: ["none"],
    imageSize: 28,
    widthMultiplier: 0.25,
    training: { epochs: 1, batchSize: 32 },
    cam: { methods: ["cam"] },
    data: {
      counts: { train: 120, val: 30, test: 40 },
      hidden: 16,
      cropTrainLimit: 60,
      limit: { train: 100 },
    },
  });
  const before = tf.memory().numTensors;
  const { tables } = await runGrid(cells, runner, { root: `${root}/exp` });
  const after = tf.memory().numTensors;

  await t.step("no tensor outlives the cell", () => {
    assert.ok(after <= before, `${after - before} tensors leaked`);
  });

  await t.step("Table 5: one row per target x feature source, accuracies in [0, 1]", () => {
    const rows = tables.results.objects() as Record<string, unknown>[];
    const targets = ["cluttered digits", ...(garments ? ["cluttered garments"] : []), "cohort age groups"];
    assert.deepEqual([...new Set(rows.map((r) => r.target))], targets);
    assert.equal(rows.length, targets.length * 2);
    assert.deepEqual(rows.slice(0, 2).map((r) => r.pooling), ["gap", "fc"]);
    for (const r of rows) {
      for (const c of ["train_accuracy", "test_accuracy", "source_test_accuracy"]) {
        const v = r[c] as number;
        assert.ok(v >= 0 && v <= 1, `${r.target} ${r.features} ${c} = ${v}`);
      }
      assert.equal(String(r.dataset).startsWith("transfer-"), true);
    }
    const brain = rows.find((r) => r.target === "cohort age groups")!;
    // 12 subjects, first acquisition, 48 slices each: 10 train + val subjects (at most 100 slices used) and
    // 2 test subjects.
    assert.equal(brain.n_train, 100);
    assert.equal(brain.n_test, 2 * 48);
    assert.equal(brain.num_classes, 2);
    assert.equal(rows.find((r) => r.pooling === "fc")!.num_features, 16);
  });

  await t.step(
    "Table 4: full / CAM-crop / GT-crop accuracy, brains scored against the planted regions",
    () => {
      const rows = tables.localization.objects() as Record<string, unknown>[];
      const byTarget = Object.fromEntries(rows.map((r) => [r.target as string, r]));
      assert.equal(byTarget["cluttered digits"].method, "cam");
      assert.equal(byTarget["cluttered digits"].images, 40);
      assert.equal(byTarget["cohort age groups"].method, "cam-svm");
      if (garments) assert.ok(byTarget["cluttered garments"]);
      // Slices without planted region are left out: fewer than the test subjects' 96.
      const n = byTarget["cohort age groups"].images as number;
      assert.ok(n > 0 && n < 96, `${n} brain slices`);
      for (const r of rows) {
        for (
          const c of ["full_accuracy", "cam_crop_accuracy", "gt_crop_accuracy", "cam_box_iou50", "mean_iou"]
        ) {
          const v = r[c] as number;
          assert.ok(v >= 0 && v <= 1, `${r.target} ${c} = ${v}`);
        }
        assert.equal(r.classifier, "svm");
        assert.equal(r.threshold, 0.2);
        assert.equal(r.normalize, "minmax");
      }
    },
  );
  await Deno.remove(root, { recursive: true });
});
