/**
 * The 3-D study's "volume" cell at toy scale on the cpu backend (both arms on one subject split, the scores
 * and files it writes), the three-d grids' configs, Pearson's r and the orthogonal-plane extraction.
 */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { initBackend } from "../../lib/backend/mod.ts";
import { expandGrid, runGrid } from "../../lib/experiments/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";
import {
  accuracySummary,
  cellWorkload,
  COHORT_PRESETS,
  loadStudyGrid,
  localizationSummary,
  pearson,
  simulatedCohortShape,
  studyRunner,
  volumeArm,
  volumePlane,
  workMemory,
} from "../../lib/study/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";
import { pngSize } from "../../lib/viz/mod.ts";

Deno.test("pearson: closed forms", () => {
  assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
  assert.equal(pearson([1, 2, 3], [3, 2, 1]), -1);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [1, 3, 2, 4])! - 0.8) < 1e-12);
  assert.equal(pearson([1], [1]), null);
  assert.equal(pearson([1, 2], [5, 5]), null);
});

Deno.test("volumePlane: the three planes of an x-fastest ramp, superior side up", () => {
  const shape = [3, 4, 5] as const; // nx, ny, nz
  const ramp = Float32Array.from({ length: 60 }, (_, i) => i);
  const at = (x: number, y: number, z: number) => x + 3 * (y + 4 * z);
  const axial = volumePlane(ramp, shape, 2, 2); // z = 2: rows are y (anterior up), columns x
  assert.deepEqual([axial.height, axial.width], [4, 3]);
  assert.equal(axial.data[0 * 3 + 1], at(1, 3, 2));
  const coronal = volumePlane(ramp, shape, 1, 1); // y = 1: rows are z (superior up), columns x
  assert.deepEqual([coronal.height, coronal.width], [5, 3]);
  assert.equal(coronal.data[4 * 3 + 2], at(2, 1, 0));
  const sagittal = volumePlane(ramp, shape, 0, 0); // x = 0: rows z, columns y
  assert.deepEqual([sagittal.height, sagittal.width], [5, 4]);
  assert.equal(sagittal.data[1 * 4 + 3], at(0, 3, 3));
});

Deno.test("the three-d grids load: 2.5D and 3-D arms of every CAM method on one split", async () => {
  for (const name of ["three-d-quick", "three-d-default"]) {
    const { cells } = await loadStudyGrid(`experiments/configs/${name}.json`);
    const arms = new Set(cells.map((c) => volumeArm(c)));
    assert.deepEqual([...arms].sort(), ["2.5d", "3d"], name);
    for (const c of cells) {
      assert.equal(c.dataset, "volume");
      assert.equal(c.split, "subject");
      assert.deepEqual([...c.cam.methods].sort(), ["cam", "grad-cam", "grad-cam++", "saliency", "score-cam"]);
    }
  }
});

Deno.test("the plan counts a 3-D cell's volumes and both trainings, and sizes its step from layer shapes", async () => {
  const { cells } = await loadStudyGrid("experiments/configs/three-d-default.json");
  const shape = simulatedCohortShape("default");
  const cell3d = cells.find((c) => volumeArm(c) === "3d" && c.pooling === "gap")!;
  const cell25 = cells.find((c) => volumeArm(c) === "2.5d" && c.pooling === "gap")!;
  const w3 = cellWorkload(cell3d, shape), w25 = cellWorkload(cell25, shape);
  // 26 subjects, 2 acquisitions: the subject split holds out the same subjects for both arms.
  assert.equal(w3.testSamples * 48, w25.testSamples);
  assert.equal(w3.trainSamples * 48, w25.trainSamples + w25.valSamples);
  assert.equal(w3.trainings, 2);
  assert.equal(w25.trainings, 2, "the 2.5D arm's regressor");
  assert.equal(w3.work.batchSize, 4);
  assert.deepEqual(w3.work.volume, [48, 48, 48]);
  assert.equal(w25.work.volume, undefined);
  assert.equal(w3.epochs, 20);
  assert.equal(w25.valSamples, 0, "with poolNorm the 2.5D nets train on training and validation subjects");
  const memory = workMemory(w3.work, null);
  assert.ok(memory.plan, memory.error);
  assert.deepEqual(memory.plan.sizes, [4]);
  // Closed form of lib/models' estimate for small3d at width 0.25 on 48³ (convs of 4/8/16, two 2³ pools):
  // per sample a = 2|x| + 5.5 Σ conv |y| + 1.5 Σ pool |x| + 1.25 |y_cam| elements.
  const x = 48 ** 3, c1 = 48 ** 3 * 4, c2 = 24 ** 3 * 8, c3 = 12 ** 3 * 16;
  const a = 2 * x + 5.5 * (c1 + c2 + c3) + 1.5 * (c1 + c2) + 1.25 * c3;
  const p = (27 * 4 + 4) + (27 * 4 * 8 + 8) + (27 * 8 * 16 + 16) + (16 * 2 + 2);
  assert.equal(memory.fullBatchBytes, 4 * (3 * p) + 4 * 2 * p + 4 * a * 4);
  assert.ok(memory.inferenceBytes < memory.fullBatchBytes);
  // Over a heap limit the whole batch cannot fit: the 3-D loop does not split batches.
  const tight = workMemory(w3.work, memory.fullBatchBytes / 2);
  assert.equal(tight.plan, null);
  assert.match(tight.error!, /heap/);
});

Deno.test("a volume cell: 2.5D vs 3-D on the same held-out subjects, scored and written", async () => {
  await initBackend({ backend: "cpu" });
  assert.equal(tf.getBackend(), "cpu");
  const root = await Deno.makeTempDir();
  const cohort = await simulateCohort(`${root}/cohort`, {
    ...COHORT_PRESETS.quick,
    shape: 16,
    directions: 12,
    layout: "ageing",
  });
  const runner = studyRunner({ cohortDir: cohort.dir, cacheDir: `${root}/cache`, progress: false });
  const cells = expandGrid({
    name: "toy3d",
    datasets: ["volume"],
    models: ["small", "small3d"],
    pooling: ["gap"],
    imageSize: 16,
    widthMultiplier: 0.25,
    training: { epochs: 1, batchSize: 32 },
    cam: { methods: ["cam", "grad-cam"] },
    modelOptions: { init: "data" },
    // The default grid's settings: every net through the study's fit loop, pooled features standardised.
    data: { camSubjects: 2, volumeEpochs: 2, volumeBatchSize: 4, poolNorm: true },
  });
  const before = tf.memory().numTensors;
  const { tables } = await runGrid(cells, runner, { root: `${root}/exp` });
  assert.equal(tf.memory().numTensors, before, "volume cells leave no tensors behind");
  const results = tables.results.objects() as Record<string, unknown>[];
  const byArm = Object.fromEntries(results.map((r) => [String(r.arm), r]));
  assert.deepEqual(Object.keys(byArm).sort(), ["2.5d", "3d"]);
  // Same held-out subjects: 2 of 12 (one per group); 48 slices each for 2.5D, one volume each for 3-D.
  assert.equal(byArm["2.5d"].test_subjects, 2);
  assert.equal(byArm["3d"].test_subjects, 2);
  assert.equal(byArm["3d"].n_test, 2);
  assert.equal(byArm["3d"].n_train, 10);
  assert.equal(byArm["3d"].cam_grid, "4x4x4");
  for (const r of results) {
    assert.ok((r.test_accuracy as number) >= 0 && (r.test_accuracy as number) <= 1);
    assert.equal(r.init, "data");
    assert.equal(r.pool_norm, true);
  }
  // With poolNorm the 2.5D nets also train on the validation subjects: 10 of 12 subjects' slices.
  assert.equal(byArm["2.5d"].n_train, 10 * 48);
  // Both arms' brain-age regressors report MAE and r on the same held-out subjects.
  for (const arm of ["2.5d", "3d"]) {
    assert.ok(Number.isFinite(byArm[arm].test_mae as number) && (byArm[arm].test_mae as number) >= 0, arm);
  }
  const metrics = tables.metrics.objects() as Record<string, unknown>[];
  // Regressor epochs: 1 of the 2.5D arm (training.epochs), 2 of the 3-D arm (volumeEpochs).
  assert.equal(metrics.filter((m) => m.model === "regressor").length, 3);

  const loc = tables.localization.objects() as Record<string, unknown>[];
  // 2 subjects x (2 methods + the regressor's CAM) in each arm.
  assert.equal(loc.filter((r) => r.arm === "2.5d").length, 6);
  assert.equal(loc.filter((r) => r.arm === "3d").length, 6);
  assert.equal(loc.filter((r) => r.method === "cam-age").length, 4);
  for (const row of loc) {
    assert.ok((row.energy_in_truth as number) >= 0 && (row.energy_in_truth as number) <= 1);
    assert.ok((row.vxap as number) >= 0 && (row.vxap as number) <= 1, `vxap ${row.vxap}`);
    const box = row.max3d_box_acc_v2 as number | null;
    assert.ok(box === null || (box >= 0 && box <= 1), `box ${box}`);
    assert.ok((row.chance_energy as number) > 0 && (row.chance_energy as number) < 0.5);
  }
  // NIfTI maps in the subject's FA space, group means, an orthogonal-slice overlay.
  const cell3d = cells.find((c) => c.model === "small3d")!;
  const subject = loc.find((r) => r.arm === "3d")!.subject as string;
  const map = await readNifti(`${root}/exp/toy3d/${cell3d.id}/cams/${subject}_cam.nii.gz`);
  const fa = await readNifti(`${root}/cache/${subject}/${await faName(`${root}/cache/${subject}`)}`);
  assert.deepEqual(map.shape, [16, 16, 16]);
  assert.deepEqual(map.affine, fa.affine);
  const group = loc.find((r) => r.arm === "3d")!.group as string;
  await readNifti(`${root}/exp/toy3d/${cell3d.id}/cams/group_${group}_cam-age.nii.gz`);
  const png = await Deno.readFile(`${root}/exp/toy3d/${cell3d.id}/figures/ortho_cam_${subject}.png`);
  // Three 16x16 planes side by side, 2 px apart and around.
  assert.deepEqual(pngSize(png), { width: 3 * 16 + 4 * 2, height: 16 + 2 * 2 });
  assert.equal(accuracySummary(tables.results).numRows(), 2);
  assert.ok(localizationSummary(tables.localization).columnNames().includes("vxap"));
});

async function faName(dir: string): Promise<string> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".nii.gz") && e.name.includes("FA")) return e.name;
  }
  throw new Error(`no FA map in ${dir}`);
}
