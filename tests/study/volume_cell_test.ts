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
import { GridError } from "../../lib/experiments/grid.ts";
import type { Sample } from "../../lib/data/mod.ts";
import {
  accuracySummary,
  cellWorkload,
  COHORT_PRESETS,
  expandStudyGrid,
  loadStudyGrid,
  localizationSummary,
  pearson,
  planStudy,
  simulatedCohortShape,
  studyRunner,
  volumeArm,
  type VolumeCell,
  volumePlane,
  workKey,
  workMemory,
} from "../../lib/study/mod.ts";
import { gradientLayer } from "../../lib/study/cohort_cell.ts";
import {
  cellPoolNorm,
  runVolumeCell,
  trainSliceKeep,
  trainSlicesPerAcquisition,
  type VolumeCellOptions,
} from "../../lib/study/volume_cell.ts";
import type { CellContext } from "../../lib/experiments/runner.ts";
import { createModel3d } from "../../lib/models/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";
import { pngSize } from "../../lib/viz/mod.ts";
import { brainChance } from "./_brain_chance.ts";

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

/** A one-cell volume grid with `data` as given (the study's schema checks it). */
function volumeGrid(data: Record<string, unknown>, extra: Record<string, unknown> = {}): VolumeCell[] {
  return expandStudyGrid({
    name: "toy",
    datasets: ["volume"],
    models: ["small3d", "small"],
    pooling: ["gap", "gmp"],
    data,
    ...extra,
  }).filter(isVolume);
}

function isVolume(cell: { dataset: string }): cell is VolumeCell {
  return cell.dataset === "volume";
}

Deno.test("data.poolNorm: true, false, or the poolings (or models and poolings) whose cells use it", async (t) => {
  await t.step("the checker takes a boolean or a list of distinct entries", () => {
    for (const ok of [true, false, ["gap"], ["gmp"], ["gap", "gmp"], ["gap", "small-gmp"]]) {
      assert.deepEqual(volumeGrid({ poolNorm: ok })[0].data.poolNorm, ok);
    }
    const bad: [unknown, RegExp][] = [
      ["yes", /data\.poolNorm: expected true, false or a list of poolings \("gap", "gmp"\) or models/],
      [[], /data\.poolNorm: expected true, false or a list of poolings/],
      [
        ["avg"],
        /data\.poolNorm\[0\]: expected "gap", "gmp" or "<model>-gap\|gmp" \(e\.g\. "small-gmp"\), got "avg"/,
      ],
      [["gap", 1], /data\.poolNorm\[1\]: expected "gap", "gmp" or "<model>-gap\|gmp"/],
      [["small-max"], /data\.poolNorm\[0\]: expected "gap", "gmp" or/],
      [["gap", "gap"], /data\.poolNorm\[1\]: "gap" is listed twice/],
    ];
    for (const [value, message] of bad) {
      assert.throws(
        () => volumeGrid({ poolNorm: value }),
        (e) => e instanceof GridError && message.test(e.message),
      );
    }
  });
  await t.step("cellPoolNorm says it per cell", () => {
    // Cells in grid order: small3d-gap, small3d-gmp, small-gap, small-gmp.
    const on = (poolNorm?: unknown) =>
      volumeGrid(poolNorm === undefined ? {} : { poolNorm }).map((c) => cellPoolNorm(c));
    assert.deepEqual(on(), [false, false, false, false]);
    assert.deepEqual(on(false), [false, false, false, false]);
    assert.deepEqual(on(true), [true, true, true, true]);
    assert.deepEqual(on(["gap"]), [true, false, true, false]);
    assert.deepEqual(on(["gmp"]), [false, true, false, true]);
    assert.deepEqual(on(["gap", "small-gmp"]), [true, false, true, true]);
    assert.deepEqual(on(["small3d-gmp"]), [false, true, false, false]);
  });
  await t.step(
    "the default grid standardises the GAP cells' and the 2.5D GMP cells' pooled features",
    async () => {
      const { cells } = await loadStudyGrid("experiments/configs/three-d-default.json");
      for (const c of cells.filter(isVolume)) {
        assert.equal(
          cellPoolNorm(c),
          volumeArm(c) === "2.5d" || c.pooling === "gap",
          c.id,
        );
      }
    },
  );
});

Deno.test("data.sliceStride: the 2.5D arm trains on every k-th slice of each axis", () => {
  // Two acquisitions x 3 axes x 5 slices, in slicing order (as lib/slices cuts them).
  const samples: Sample[] = [];
  for (const acquisition of ["a", "b"]) {
    for (const axis of ["sagittal", "coronal", "axial"]) {
      for (let k = 0; k < 5; k++) {
        samples.push({
          image: new Float32Array(1),
          height: 1,
          width: 1,
          channels: 1,
          label: 0,
          subject: "s",
          meta: { provenance: { acquisition, axis, voxelIndex: 10 + k }, k },
        });
      }
    }
  }
  const all = samples.map((_, i) => i);
  assert.deepEqual(trainSliceKeep(samples, all, { stride: 1 }), all);
  // k = 2 keeps slices 0, 2, 4 of each (acquisition, axis); k = 3 keeps 0 and 3.
  const kept2 = trainSliceKeep(samples, all, { stride: 2 });
  assert.deepEqual(kept2.map((i) => samples[i].meta!.k), [
    0,
    2,
    4,
    0,
    2,
    4,
    0,
    2,
    4,
    0,
    2,
    4,
    0,
    2,
    4,
    0,
    2,
    4,
  ]);
  assert.deepEqual(trainSliceKeep(samples, all, { stride: 3 }).length, 2 * 3 * 2);
  // The rank is the slice's place in its acquisition's axis, whatever part of the set is asked for.
  assert.deepEqual(trainSliceKeep(samples, [16, 17, 18, 19], { stride: 2 }), [17, 19]);
  assert.equal(trainSlicesPerAcquisition(1), 48);
  assert.equal(trainSlicesPerAcquisition(2), 24);
  assert.equal(trainSlicesPerAcquisition(3), 18);
  assert.equal(trainSlicesPerAcquisition(3, 5), 6);
  assert.throws(
    () => volumeGrid({ sliceStride: 0 }),
    /data\.sliceStride: expected a positive integer, got 0/,
  );
});

Deno.test("cam.layers reaches volume cells: the gradient methods' layer, checked against the model", () => {
  const [cell] = volumeGrid({}, { cam: { layers: { small3d: "conv2" } } });
  const model = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], widthMultiplier: 0.25 });
  try {
    assert.equal(gradientLayer(cell, model), "conv2");
    const [plain] = volumeGrid({});
    assert.equal(gradientLayer(plain, model), "conv3", "the CAM layer when cam.layers is absent");
    const [wrong] = volumeGrid({}, { cam: { layers: { small3d: "conv9" } } });
    assert.throws(
      () => gradientLayer(wrong, model),
      (e) =>
        e instanceof GridError &&
        /cam\.layers\.small3d: small3d(-gap)? has no layer "conv9" \(layers: conv1, pool1, conv2, pool2, conv3, gap\)/
          .test(e.message),
    );
  } finally {
    model.dispose();
  }
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
  const cells = (await loadStudyGrid("experiments/configs/three-d-default.json")).cells.filter(isVolume);
  const shape = simulatedCohortShape("default");
  const cell3d = cells.find((c) => volumeArm(c) === "3d" && c.pooling === "gap")!;
  const cell25 = cells.find((c) => volumeArm(c) === "2.5d" && c.pooling === "gap")!;
  const w3 = cellWorkload(cell3d, shape), w25 = cellWorkload(cell25, shape);
  const stride = cell25.data.sliceStride ?? 1, kept = trainSlicesPerAcquisition(stride);
  // 26 subjects, 2 acquisitions: the subject split holds out the same subjects for both arms; the 2.5D arm
  // trains on `kept` slices of each training acquisition and tests on all 48.
  assert.equal(w3.testSamples * 48, w25.testSamples);
  assert.equal(w3.trainSamples * kept, w25.trainSamples);
  assert.equal(w3.trainings, 2);
  assert.equal(w25.trainings, 2, "the 2.5D arm's regressor");
  assert.equal(w3.work.batchSize, 4);
  assert.deepEqual(w3.work.volume, [48, 48, 48]);
  assert.equal(w25.work.volume, undefined);
  assert.equal(w3.epochs, cell3d.data.volumeEpochs);
  assert.equal(w25.valSamples, 0, "with poolNorm the 2.5D nets train on training and validation subjects");
  // poolNorm's pass over the training set after every epoch, in its cells only (data.poolNorm
  // ["gap", "small-gmp"]: not the 3-D GMP cells).
  assert.equal(w3.statsSamples, w3.trainSamples);
  assert.equal(w25.statsSamples, w25.trainSamples);
  const gmp3 = cellWorkload(cells.find((c) => volumeArm(c) === "3d" && c.pooling === "gmp")!, shape);
  assert.equal(gmp3.statsSamples, 0);
  assert.equal(gmp3.trainSamples, w3.trainSamples, "the 3-D nets train on training and validation volumes");
  // A 2.5D cell without poolNorm and with sliceStride 3: trained on the training subjects' kept slices (18 of
  // 48 per acquisition), validated on all the validation subjects' slices, no statistics pass.
  const [plain25] = expandStudyGrid({
    name: "toy",
    datasets: ["volume"],
    models: ["small"],
    pooling: ["gap"],
    scales: ["default"],
    data: { maxAcquisitions: 2, poolNorm: false, sliceStride: 3 },
  }).filter(isVolume);
  const wp = cellWorkload(plain25, shape);
  assert.equal(wp.statsSamples, 0);
  assert.equal(wp.trainSamples % 18, 0);
  assert.equal(wp.valSamples, (w3.trainSamples - wp.trainSamples / 18) * 48, "validated on all slices");
  assert.equal(wp.testSamples, w25.testSamples, "tested on all slices");
  // Evaluation seconds: ((val + stats) · epochs + test) · nets · s/image.
  const timing = { stepSeconds: 0.5, inferenceSecondsPerImage: 0.01 };
  const plan = planStudy([w25, wp], new Map([[workKey(w25.work), timing], [workKey(wp.work), timing]]));
  const [p25, pp] = plan.cells;
  assert.ok(Math.abs(p25.evalSeconds - (w25.trainSamples * w25.epochs + w25.testSamples) * 2 * 0.01) < 1e-9);
  assert.ok(Math.abs(pp.evalSeconds - (wp.valSamples * wp.epochs + wp.testSamples) * 2 * 0.01) < 1e-9);
  assert.equal(p25.steps, Math.ceil(w25.trainSamples / 32) * w25.epochs * 2);
  assert.equal(pp.steps, Math.ceil(wp.trainSamples / wp.work.batchSize) * wp.epochs * 2);
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
    pooling: ["gap", "gmp"],
    imageSize: 16,
    widthMultiplier: 0.25,
    training: { epochs: 1, batchSize: 32 },
    // Grad-CAM of the 3-D nets at conv2 (24³ → here 8³), of the 2-D ones at their CAM layer.
    cam: { methods: ["cam", "grad-cam"], layers: { small3d: "conv2" } },
    modelOptions: { init: "data" },
    // The default grid's settings: the GAP cells' nets through the study's fit loop, pooled features
    // standardised; the GMP cells' without; the 2.5D arm trains on every 2nd slice of each axis.
    data: { camSubjects: 2, volumeEpochs: 2, volumeBatchSize: 4, poolNorm: ["gap"], sliceStride: 2 },
  });
  const before = tf.memory().numTensors;
  const { tables } = await runGrid(cells, runner, { root: `${root}/exp` });
  assert.equal(tf.memory().numTensors, before, "volume cells leave no tensors behind");
  const rows = tables.results.objects() as Record<string, unknown>[];
  // Each cell's row records whether it standardised its pooled features: the GAP cells did, the GMP ones not.
  for (const r of rows) assert.equal(r.pool_norm, r.pooling === "gap", `${r.arm} ${r.pooling}`);
  const gmp25 = rows.find((r) => r.arm === "2.5d" && r.pooling === "gmp")!;
  // Without poolNorm the 2.5D classifier trains with lib/train on the training subjects alone (8 of 12), every
  // 2nd slice of each axis (24 of 48 per acquisition); with it on training and validation subjects (10).
  assert.equal(gmp25.n_train, 8 * 24);
  assert.equal(gmp25.slice_stride, 2);
  const results = rows.filter((r) => r.pooling === "gap");
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
  }
  // With poolNorm the 2.5D nets also train on the validation subjects: 10 of 12 subjects' kept slices.
  assert.equal(byArm["2.5d"].n_train, 10 * 24);
  // Both arms' brain-age regressors report MAE and r on the same held-out subjects.
  for (const arm of ["2.5d", "3d"]) {
    assert.ok(Number.isFinite(byArm[arm].test_mae as number) && (byArm[arm].test_mae as number) >= 0, arm);
  }
  const metrics = (tables.metrics.objects() as Record<string, unknown>[]).filter((m) => m.pooling === "gap");
  // Regressor epochs: 1 of the 2.5D arm (training.epochs), 2 of the 3-D arm (volumeEpochs).
  assert.equal(metrics.filter((m) => m.model === "regressor").length, 3);

  const allLoc = tables.localization.objects() as Record<string, unknown>[];
  // cam.layers: the 3-D nets' Grad-CAM at conv2; CAM at the CAM layer (conv3); the 2-D nets' both at theirs.
  for (const row of allLoc.filter((r) => r.arm === "3d")) {
    assert.equal(row.layer, row.method === "grad-cam" ? "conv2" : "conv3", String(row.method));
  }
  const loc = allLoc.filter((r) => r.pooling === "gap");
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
    // Scored inside the subject's truth brain mask.
    assert.ok(
      Math.abs((row.chance_energy as number) - await brainChance(cohort.dir, row.subject as string)) < 1e-12,
    );
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
  assert.equal(accuracySummary(tables.results).numRows(), 4);
  assert.ok(localizationSummary(tables.localization).columnNames().includes("vxap"));
});

async function faName(dir: string): Promise<string> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".nii.gz") && e.name.includes("FA")) return e.name;
  }
  throw new Error(`no FA map in ${dir}`);
}

Deno.test("a volume cell with a learning-rate schedule or warm-up is a GridError, before any data is read", async () => {
  const ctx = { checkpointDir: "/nonexistent", dir: "/nonexistent" } as unknown as CellContext;
  const options = { cohortDir: "/nonexistent", cacheDir: "/nonexistent" } as VolumeCellOptions;
  for (
    const [training, field] of [[{ schedule: "cosine" }, "schedule"], [{ warmupEpochs: 1 }, "warmupEpochs"]]
  ) {
    const [cell] = volumeGrid({}, { training });
    await assert.rejects(
      () => runVolumeCell(cell, ctx, options),
      (e) =>
        e instanceof GridError && e.message.includes(`training.${field}`) &&
        /constant learning rate/.test(e.message),
    );
  }
});
