/**
 * One cell of the 3-D study: the same cohort, the same subject-level split and the same held-out subjects as
 * the 2.5D study, with one of two arms chosen by the cell's model:
 *
 * - **2.5D** (a 2-D zoo model, e.g. `small`): trained on the centre slices as a "cohort" cell is; each test
 *   subject's per-slice maps are stacked back into its FA grid (lib/slices' `slicesToVolume`, the seed's way).
 *   With `data.regression` a second 2-D model with one output learns each slice's subject age: a subject's
 *   brain age is the mean over its test slices.
 * - **3-D** (a 3-D zoo model, e.g. `small3d`, `resnet3d`): trained on whole FA volumes (z-scored over non-zero
 *   voxels) with 3-D augmentation; maps come from the 5-D pass, upsampled trilinearly to the FA grid. With
 *   `data.regression` (default on) a second 3-D model with a regression head (GAP → dense 1) learns age in
 *   years: MAE and Pearson r on the held-out subjects (mean prediction over a subject's acquisitions).
 *
 * Both arms score every CAM method on each test subject's map against the planted truth (union of the effect
 * regions) inside the brain: energy in the mask, VxAP (SE3D's voxel AP) and Max3DBoxAccV2 (SE3D; the truth's
 * boxes are its connected components'), and report classification accuracy (per sample: slice or volume) and
 * subject-level accuracy (majority vote over a subject's slices, or summed probabilities over its volumes).
 * Outputs: the maps as NIfTI in the subject's space (`cams/<subject>_<method>.nii.gz`), group averages
 * (`cams/group_<group>_<method>.nii.gz`; also of the regression CAM, `..._cam-age.nii.gz`) and
 * orthogonal-slice overlays (`figures/ortho_<method>_<subject>.png`).
 *
 * @module
 */
import { initBackend } from "../backend/mod.ts";
import {
  arrayDataset,
  type Sample,
  SEED_AUGMENTATION,
  splitBySubject,
  subset,
  VOLUME_AUGMENTATION,
} from "../data/mod.ts";
import type { CellContext, CellOutput } from "../experiments/runner.ts";
import { FieldError, fields, preview } from "../experiments/fields.ts";
import { type DataSpec, type GridCell, GridError } from "../experiments/grid.ts";
import { connectedComponents3d, maskEnergy, max3dBoxAccV2, vxap } from "../localize/mod.ts";
import {
  createModel3d,
  type DataInitRecord,
  listModels3d,
  type ZooModel,
  type ZooModel3d,
} from "../models/mod.ts";
import { readNifti, volumeFrom, writeNifti } from "../nifti/mod.ts";
import { evaluate, train } from "../train/mod.ts";
import { runCamMethod } from "./cam_methods.ts";
import { backendLabel, cellModel, cellTrainOptions } from "./_cell_training.ts";
import {
  type GroupSums,
  sliceStackCam,
  subjectSlices,
  subjectTruth,
  subjectVotes,
  writeGroupMeans,
} from "./_cell_scoring.ts";
import { cohortSlices, GRADIENT_METHODS, gradientLayer } from "./cohort_cell.ts";
import type { CohortSlices } from "./cohort_slices.ts";
import { orthoOverlayPng } from "./ortho_overlay.ts";
import {
  checkConv3dKernels,
  predictSlices,
  predictVolumes,
  trainSlices,
  trainVolumes,
  type VolumeSample,
  volumeTensor,
} from "./_volume_training.ts";

/** Dataset options of a "volume" cell (`data` of the grid config). */
export interface VolumeData {
  /** Usable acquisitions per subject (in folder order). @default all */
  maxAcquisitions?: number;
  /** Test subjects whose CAMs are computed and scored (0: none). @default all test subjects */
  camSubjects?: number;
  /** Use at most this many subjects, each group keeping its share. @default all subjects */
  maxSubjects?: number;
  /** Which cohort the cell runs on when not the scale's default (part of the cell id only). @default absent */
  cohort?: string;
  /** 3-D arm: also train the brain-age regressor (GAP → dense 1) and report MAE and r. @default true */
  regression?: boolean;
  /** 3-D arm: volumes per training step (the 2.5D arm uses `training.batchSize` slices). @default 4 */
  volumeBatchSize?: number;
  /** 3-D arm: epochs over the training volumes. @default `training.epochs` */
  volumeEpochs?: number;
  /**
   * Which cells train with `poolNorm`: true for every cell, false for none, or a list of the cells that do,
   * each entry a pooling (`"gap"`: every GAP cell) or a model and pooling (`"small-gmp"`: the `small` GMP
   * cells), e.g. `["gap", "small-gmp"]`. In such a cell every net (both arms' classifiers and regressors)
   * trains with the study's fit loop, its head on standardised pooled features (batch norm without scale and
   * shift after GAP/GMP, folded back into the plain head after every epoch), on the training and validation
   * subjects; {@linkcode cellPoolNorm} says it per cell, and the result row's `pool_norm` records it.
   * @default false
   */
  poolNorm?: boolean | string[];
  /**
   * 2.5D arm: train on every `sliceStride`-th of each axis's centre slices (the first, then every k-th, of
   * each acquisition's 16 per axis: 3·⌈16/k⌉ slices per acquisition; {@linkcode trainSliceKeep}). Test slices,
   * accuracy and the stacked maps use all of them. Neighbouring slices are nearly the same image, so this
   * cuts the arm's training steps (and `poolNorm`'s pass) by about k at little loss. @default 1 (every slice)
   */
  sliceStride?: number;
  /**
   * The simulated cohort's region layout (lib/synth's phantom): "ageing" runs on its own cohort,
   * `data/synth/<scale>-ageing-s0` (genu, fornix and frontal tracts planted), simulated when absent; ignored
   * when the cell names another cohort (`cohort`). @default "classic" (the scale's default cohort)
   */
  layout?: "classic" | "ageing";
}

/** The checker of `data.poolNorm`: true, false, or a non-empty list of distinct cell kinds. */
function poolNormField(value: unknown, path: string): boolean | string[] {
  if (typeof value === "boolean") return value;
  if (!Array.isArray(value) || value.length === 0) {
    throw new FieldError(
      path,
      `expected true, false or a list of poolings ("gap", "gmp") or models and poolings ("small-gmp"), got ${
        preview(value)
      }`,
    );
  }
  const entry = (v: unknown, at: string): string => {
    if (typeof v !== "string" || !/^([a-z0-9_]+-)?(gap|gmp)$/.test(v)) {
      throw new FieldError(
        at,
        `expected "gap", "gmp" or "<model>-gap|gmp" (e.g. "small-gmp"), got ${preview(v)}`,
      );
    }
    return v;
  };
  return fields.arrayOf(entry, { distinct: true })(value, path);
}

/** The checkers of {@linkcode VolumeData}. */
export const VOLUME_DATA: DataSpec<VolumeData> = {
  maxAcquisitions: fields.positiveInteger,
  camSubjects: fields.nonNegativeInteger,
  maxSubjects: fields.positiveInteger,
  cohort: fields.name,
  regression: fields.boolean,
  volumeBatchSize: fields.positiveInteger,
  volumeEpochs: fields.positiveInteger,
  poolNorm: poolNormField,
  sliceStride: fields.positiveInteger,
  layout: fields.oneOf(["classic", "ageing"] as const),
};

/** A cell of the 3-D study. */
export type VolumeCell = GridCell<"volume", VolumeData>;

/** Options of {@linkcode runVolumeCell}. */
export interface VolumeCellOptions {
  /** The cohort folder (simulated or real). */
  cohortDir: string;
  /** FA cache folder. @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Show training progress. @default true */
  progress?: boolean;
}

/** "3d" when the cell's `<model>-<pooling>` is a 3-D zoo model, else "2.5d". */
export function volumeArm(cell: Pick<VolumeCell, "model" | "pooling">): "2.5d" | "3d" {
  return listModels3d().includes(`${cell.model}-${cell.pooling}`) ? "3d" : "2.5d";
}

/**
 * Whether the cell's nets train with `poolNorm`: `data.poolNorm` true, or a list that names the cell's
 * pooling or its model and pooling (`["gap", "small-gmp"]`: every GAP cell and the `small` GMP cells).
 */
export function cellPoolNorm(cell: Pick<VolumeCell, "model" | "pooling" | "data">): boolean {
  const p = cell.data.poolNorm ?? false;
  return typeof p === "boolean" ? p : p.includes(cell.pooling) || p.includes(`${cell.model}-${cell.pooling}`);
}

/**
 * Which of a 2.5D training set's slices {@linkcode VolumeData}'s `sliceStride` k keeps: the i-th slice cut
 * across an axis of an acquisition (in slicing order) is kept when i mod k = 0. `samples` carry lib/slices'
 * provenance in `meta.provenance` (subject, acquisition, axis); the result is the kept indices of `indices`.
 */
export function trainSliceKeep(
  samples: readonly Sample[],
  indices: readonly number[],
  options: { /** Keep every stride-th slice of each axis. @default 1 (all) */ stride?: number } = {},
): number[] {
  const { stride = 1 } = options;
  if (stride === 1) return [...indices];
  // Each slice's rank among its acquisition's slices across the same axis, in the samples' (slicing) order.
  const seen = new Map<string, number>();
  const rank = samples.map((s) => {
    const p = s.meta?.provenance as { acquisition?: string; axis?: string } | undefined;
    const key = `${s.subject}|${p?.acquisition}|${p?.axis}`;
    const r = seen.get(key) ?? 0;
    seen.set(key, r + 1);
    return r;
  });
  return indices.filter((i) => rank[i] % stride === 0);
}

/** Training slices {@linkcode trainSliceKeep} keeps per acquisition: 3 axes · ⌈perAxis / stride⌉. */
export function trainSlicesPerAcquisition(stride = 1, perAxis = 16): number {
  return 3 * Math.ceil(perAxis / stride);
}

/** The methods that explain any layer: the grid's `cam.layers` picks theirs (CAM and saliency have their own). */

/** The map of one test subject and method in its FA grid (x-fastest), with how it was made. */
interface SubjectMap {
  subject: string;
  group: string;
  acquisition: string;
  label: number;
  method: string;
  map: Float32Array;
  layer: string;
  relu: boolean;
  normalize: string;
}

/** Run one volume cell (a {@linkcode CellRunner} body). */
export async function runVolumeCell(
  cell: VolumeCell,
  ctx: CellContext,
  options: VolumeCellOptions,
): Promise<CellOutput> {
  const backend = await initBackend();
  if (cell.training.schedule !== "constant" || cell.training.warmupEpochs !== 0) {
    // The 2.5D and 3-D fit loops step at one learning rate: a schedule would be recorded and not applied.
    throw new GridError(
      `grid ${cell.grid}`,
      "volume cells train at a constant learning rate (no schedule, no warm-up)",
      cell.training.schedule !== "constant" ? "training.schedule" : "training.warmupEpochs",
    );
  }
  const arm = volumeArm(cell);
  if (arm === "3d") await checkConv3dKernels(`${cell.model}-${cell.pooling}`);
  const t0 = performance.now();
  const data = await cohortSlices(options.cohortDir, {
    imageSize: cell.imageSize,
    maxAcquisitions: cell.data.maxAcquisitions,
    maxSubjects: cell.data.maxSubjects,
    cacheDir: options.cacheDir,
  });
  ctx.recordDuration("data", (performance.now() - t0) / 1000);
  // The split of the 2.5D study (by subject, over the slices), so both arms hold out the same subjects.
  const split = splitBySubject(data.samples.map((s) => ({ subject: s.subject, group: s.group })), {
    seed: cell.seed,
  });
  const testSubjects = split.subjects.test.slice(0, cell.data.camSubjects ?? split.subjects.test.length);
  const out = arm === "3d"
    ? await run3d(cell, ctx, data, split.subjects, testSubjects, options)
    : await run25d(cell, ctx, data, split, testSubjects, options);
  const t3 = performance.now();
  const localization = await scoreAndWrite(cell, ctx, data, out.maps);
  ctx.recordDuration("score", (performance.now() - t3) / 1000);
  const label = backendLabel(backend);
  return {
    metrics: out.metrics,
    results: [{ arm, ...out.results, width_multiplier: cell.widthMultiplier, backend: label }],
    localization: localization.map((r) => ({ arm, ...r })),
    backend: label,
    extra: { split: { subjects: split.subjects }, arm },
  };
}

interface ArmOutput {
  metrics: Record<string, unknown>[];
  results: Record<string, unknown>;
  maps: SubjectMap[];
}

/** The 2.5D arm: a 2-D model on slices, per-slice maps stacked into each test subject's FA grid. */
async function run25d(
  cell: VolumeCell,
  ctx: CellContext,
  data: CohortSlices,
  split: ReturnType<typeof splitBySubject>,
  testSubjects: string[],
  options: VolumeCellOptions,
): Promise<ArmOutput> {
  const all = arrayDataset(data.samples);
  const model = cellModel(cell, data.groups.length);
  let regressor: ZooModel | null = null;
  try {
    const layer = gradientLayer(cell, model);
    const t1 = performance.now();
    const valSet = subset(all, split.val);
    // With poolNorm both nets of the arm train with the study's fit loop, as the 3-D arm's do (on the training
    // and validation subjects, no early stopping); otherwise the classifier is a cohort cell's (lib/train).
    const poolNorm = cellPoolNorm(cell);
    const stride = cell.data.sliceStride ?? 1;
    const slicesOptions = {
      epochs: cell.training.epochs,
      batchSize: cell.training.batchSize,
      learningRate: cell.training.learningRate,
      seed: cell.seed,
      init: cell.modelOptions?.init,
      poolNorm,
      augment: cell.augmentation === "seed" ? SEED_AUGMENTATION : false as const,
    };
    const fit = trainSliceKeep(data.samples, [...split.train, ...split.val], { stride });
    const trainOnly = trainSliceKeep(data.samples, split.train, { stride });
    const result = poolNorm
      ? await trainSlices(model, subset(all, fit), {
        ...slicesOptions,
        onEpoch: progressLine(cell, options, "classifier"),
      }).then((r) => ({ history: r.history as Record<string, unknown>[], epochs: r.history.length }))
      : await train(
        model,
        { train: subset(all, trainOnly), val: valSet.size ? valSet : undefined },
        cellTrainOptions(cell, ctx, { progress: options.progress }),
      );
    ctx.recordDuration("train", (performance.now() - t1) / 1000);
    const test = await evaluate(model, subset(all, split.test));
    const votes = subjectVotes(data.samples, split.test, test.predictions, data.groups.length);
    const metrics: Record<string, unknown>[] = result.history.map((m) => ({ model: "classifier", ...m }));
    const age = (subject: unknown) => data.cohort.subjects.find((s) => s.id === subject)!.age;
    let brainAge: { mae: number | null; r: number | null } = { mae: null, r: null };
    let regressorInit: DataInitRecord | null = null;
    if (cell.data.regression ?? true) {
      // Per-slice age, standardised over the training slices (train and validation subjects, as the 3-D arm).
      const targets = Float32Array.from(data.samples, (s) => age(s.subject));
      const ages = fit.map((i) => targets[i]);
      const m = ages.reduce((a, b) => a + b, 0) / ages.length;
      const sd = Math.sqrt(ages.reduce((a, b) => a + (b - m) ** 2, 0) / ages.length) || 1;
      regressor = cellModel(cell, 1);
      const t = performance.now();
      const fitted = await trainSlices(regressor, subset(all, fit), {
        ...slicesOptions,
        regress: { targets: Float32Array.from(fit, (i) => targets[i]), targetMean: m, targetScale: sd },
        onEpoch: progressLine(cell, options, "regressor"),
      });
      ctx.recordDuration("train_regressor", (performance.now() - t) / 1000);
      regressorInit = fitted.init;
      for (const h of fitted.history) metrics.push({ model: "regressor", ...h });
      const testSlices = Array.from(split.test, (i) => data.samples[i]);
      const predicted = await predictSlices(regressor, testSlices, {
        batchSize: cell.training.batchSize,
        targetMean: m,
        targetScale: sd,
      });
      // A subject's brain age: the mean over all its test slices (every acquisition).
      brainAge = subjectBrainAge(
        testSlices.map((s, i) => ({
          subject: String(s.subject),
          age: age(s.subject),
          predicted: predicted[i],
        })),
      );
    }
    const t2 = performance.now();
    const maps: SubjectMap[] = [];
    for (const subjectId of testSubjects) {
      const subject = data.cohort.subjects.find((s) => s.id === subjectId)!;
      const slices = subjectSlices(data, subjectId);
      if (!slices) continue;
      const { acquisition, samples } = slices;
      const fa = await readNifti(data.faPaths[subjectId][acquisition]);
      const runs: [string, ZooModel, readonly Sample[]][] = cell.cam.methods.map((m) => [m, model, samples]);
      // The regressor's CAM (its one output, index 0): per-slice maps whose mean is the slice's ŷ − b.
      if (regressor) runs.push(["cam-age", regressor, samples.map((s) => ({ ...s, label: 0 }))]);
      for (const [method, net, stack] of runs) {
        const { res, volume } = await sliceStackCam(
          method === "cam-age" ? "cam" : method,
          net,
          stack,
          { ...cell.cam, layer: GRADIENT_METHODS.has(method) ? layer : undefined },
          fa,
        );
        maps.push({
          subject: subjectId,
          group: subject.group,
          acquisition,
          label: samples[0].label,
          method,
          map: Float32Array.from(volume.data as ArrayLike<number>),
          layer: res.record.layer,
          relu: res.record.relu,
          normalize: res.record.normalize,
        });
      }
    }
    ctx.recordDuration("cam", (performance.now() - t2) / 1000);
    return {
      metrics,
      results: {
        n_train: poolNorm ? fit.length : trainOnly.length,
        n_test: split.test.length,
        test_subjects: votes.subjects,
        epochs_run: result.epochs,
        test_accuracy: test.accuracy,
        subject_accuracy: votes.subjects ? votes.right / votes.subjects : null,
        test_mae: brainAge.mae,
        test_r: brainAge.r,
        init: model.config.init ?? "he",
        pool_norm: poolNorm,
        slice_stride: stride,
        regressor_init_samples: regressorInit?.samples ?? null,
      },
      maps,
    };
  } finally {
    model.dispose();
    regressor?.dispose();
  }
}

/** Each (subject, acquisition)'s FA volume, z-scored over its non-zero voxels, in tensor order [z, y, x]. */
async function loadVolumes(data: CohortSlices, subjects: readonly string[]): Promise<VolumeSample[]> {
  const out: VolumeSample[] = [];
  for (const id of subjects) {
    const subject = data.cohort.subjects.find((s) => s.id === id);
    if (!subject) continue;
    for (const [acquisition, path] of Object.entries(data.faPaths[id] ?? {})) {
      const fa = await readNifti(path);
      const [nx, ny, nz] = fa.shape;
      const v = Float32Array.from(fa.data as ArrayLike<number>);
      let n = 0, sum = 0, sq = 0;
      for (const x of v) if (x !== 0) (n++, sum += x, sq += x * x);
      const mean = n ? sum / n : 0, sd = n ? Math.sqrt(Math.max(sq / n - mean * mean, 1e-12)) : 1;
      for (let i = 0; i < v.length; i++) v[i] = v[i] !== 0 ? (v[i] - mean) / sd : 0;
      out.push({
        volume: v,
        shape: [nz, ny, nx],
        label: data.groups.indexOf(subject.group),
        age: subject.age,
        subject: id,
        acquisition,
      });
    }
  }
  return out;
}

/** The 3-D arm: classifier (and regressor) on whole volumes, maps from the 5-D pass. */
async function run3d(
  cell: VolumeCell,
  ctx: CellContext,
  data: CohortSlices,
  subjects: { train: string[]; val: string[]; test: string[] },
  testSubjects: string[],
  options: VolumeCellOptions,
): Promise<ArmOutput> {
  const trainSet = await loadVolumes(data, [...subjects.train, ...subjects.val]);
  const testSet = await loadVolumes(data, subjects.test);
  const inputShape = [...trainSet[0].shape, 1] as [number, number, number, number];
  const name = `${cell.model}-${cell.pooling}`;
  const trainOptions = {
    epochs: cell.data.volumeEpochs ?? cell.training.epochs,
    batchSize: cell.data.volumeBatchSize ?? 4,
    learningRate: cell.training.learningRate,
    seed: cell.seed,
    augment: cell.augmentation === "seed" ? VOLUME_AUGMENTATION : false as const,
    init: cell.modelOptions?.init,
    poolNorm: cellPoolNorm(cell),
  };
  // The grid's batch norm applies to both arms; its dropout is the 2-D zoo's alone.
  const batchNorm = cell.modelOptions?.batchNorm;
  const metrics: Record<string, unknown>[] = [];
  const models: ZooModel3d[] = [];
  try {
    const classifier = createModel3d(name, {
      inputShape,
      numClasses: data.groups.length,
      widthMultiplier: cell.widthMultiplier,
      seed: cell.seed,
      batchNorm,
    });
    models.push(classifier);
    const layer = gradientLayer(cell, classifier);
    const t1 = performance.now();
    const fitted = await trainVolumes(classifier, trainSet, {
      ...trainOptions,
      onEpoch: progressLine(cell, options, "classifier"),
    });
    for (const h of fitted.history) metrics.push({ model: "classifier", ...h });
    const k = data.groups.length;
    const logits = await predictVolumes(classifier, testSet, trainOptions.batchSize);
    let hits = 0;
    const bySubject = new Map<string, { label: number; prob: number[] }>();
    testSet.forEach((s, i) => {
      const row = Array.from(logits.subarray(i * k, (i + 1) * k));
      if (row.indexOf(Math.max(...row)) === s.label) hits++;
      const m = Math.max(...row), e = row.map((v) => Math.exp(v - m)), z = e.reduce((a, b) => a + b, 0);
      const entry = bySubject.get(s.subject) ?? { label: s.label, prob: new Array(k).fill(0) };
      e.forEach((v, c) => (entry.prob[c] += v / z));
      bySubject.set(s.subject, entry);
    });
    let right = 0;
    for (const v of bySubject.values()) if (v.prob.indexOf(Math.max(...v.prob)) === v.label) right++;

    let mae: number | null = null, r: number | null = null;
    let regressor: ZooModel3d | null = null;
    if (cell.data.regression ?? true) {
      const ages = trainSet.map((s) => s.age);
      const mean = ages.reduce((a, b) => a + b, 0) / ages.length;
      const sd = Math.sqrt(ages.reduce((a, b) => a + (b - mean) ** 2, 0) / ages.length) || 1;
      regressor = createModel3d(name, {
        inputShape,
        head: "regress",
        targetMean: mean,
        targetScale: sd,
        widthMultiplier: cell.widthMultiplier,
        seed: cell.seed,
        batchNorm,
      });
      models.push(regressor);
      const t = performance.now();
      const fittedAge = await trainVolumes(regressor, trainSet, {
        ...trainOptions,
        onEpoch: progressLine(cell, options, "regressor"),
      });
      ctx.recordDuration("train_regressor", (performance.now() - t) / 1000);
      for (const h of fittedAge.history) metrics.push({ model: "regressor", ...h });
      const predicted = await predictVolumes(regressor, testSet, trainOptions.batchSize);
      ({ mae, r } = subjectBrainAge(
        testSet.map((s, i) => ({ subject: s.subject, age: s.age, predicted: predicted[i] })),
      ));
    }
    ctx.recordDuration("train", (performance.now() - t1) / 1000);

    const t2 = performance.now();
    const maps: SubjectMap[] = [];
    for (const subjectId of testSubjects) {
      const sample = testSet.find((s) => s.subject === subjectId);
      if (!sample) continue;
      const group = data.cohort.subjects.find((s) => s.id === subjectId)!.group;
      const runs: [string, ZooModel3d][] = cell.cam.methods.map((m) => [m, classifier]);
      if (regressor) runs.push(["cam-age", regressor]);
      for (const [method, model] of runs) {
        const x = volumeTensor([sample]);
        let res;
        try {
          res = await runCamMethod(method === "cam-age" ? "cam" : method, model, x, {
            classIndex: method === "cam-age" ? 0 : sample.label,
            normalize: cell.cam.normalize,
            relu: cell.cam.relu,
            ...(GRADIENT_METHODS.has(method) ? { layer } : {}),
          });
        } finally {
          x.dispose();
        }
        maps.push({
          subject: subjectId,
          group,
          acquisition: sample.acquisition,
          label: sample.label,
          method,
          map: res.maps.slice(),
          layer: res.record.layer,
          relu: res.record.relu,
          normalize: res.record.normalize,
        });
      }
    }
    ctx.recordDuration("cam", (performance.now() - t2) / 1000);
    return {
      metrics,
      results: {
        n_train: trainSet.length,
        n_test: testSet.length,
        test_subjects: bySubject.size,
        epochs_run: trainOptions.epochs,
        test_accuracy: testSet.length ? hits / testSet.length : null,
        subject_accuracy: bySubject.size ? right / bySubject.size : null,
        test_mae: mae,
        test_r: r,
        init: trainOptions.init ?? "he",
        pool_norm: trainOptions.poolNorm,
        slice_stride: null,
        regressor_init_samples: null,
        cam_grid: classifier.camGrid.join("x"),
      },
      maps,
    };
  } finally {
    models.forEach((m) => m.dispose());
  }
}

/**
 * Brain age per subject: ŷ_s = the mean of the predictions of subject s's samples (volumes or slices); then
 * MAE = mean_s |ŷ_s − y_s| and Pearson's r of (y_s, ŷ_s) over subjects (null for none, or r undefined).
 */
export function subjectBrainAge(
  rows: readonly { subject: string; age: number; predicted: number }[],
): { mae: number | null; r: number | null; subjects: number } {
  const perSubject = new Map<string, { age: number; sum: number; n: number }>();
  for (const row of rows) {
    const e = perSubject.get(row.subject) ?? { age: row.age, sum: 0, n: 0 };
    e.sum += row.predicted;
    e.n++;
    perSubject.set(row.subject, e);
  }
  const pairs = [...perSubject.values()].map((e) => [e.age, e.sum / e.n]);
  if (!pairs.length) return { mae: null, r: null, subjects: 0 };
  const mae = pairs.reduce((a, [y, p]) => a + Math.abs(p - y), 0) / pairs.length;
  return { mae, r: pearson(pairs.map((p) => p[0]), pairs.map((p) => p[1])), subjects: pairs.length };
}

/** The per-epoch progress line of a cell's net (none when `progress` is false). */
function progressLine(
  cell: VolumeCell,
  options: VolumeCellOptions,
  net: string,
): ((epoch: number, loss: number) => void) | undefined {
  if (options.progress === false) return undefined;
  return (e, loss) => console.log(`  ${cell.id} ${net} epoch ${e}: loss ${loss.toFixed(4)}`);
}

/** Pearson's r = cov(a, b) / (sd(a)·sd(b)); null for fewer than 2 points or a constant side. */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  if (n < 2) return null;
  const ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

/** Score each map against its subject's truth inside the brain; write NIfTI maps, group means and overlays. */
async function scoreAndWrite(
  cell: VolumeCell,
  ctx: CellContext,
  data: CohortSlices,
  maps: SubjectMap[],
): Promise<Record<string, unknown>[]> {
  await Deno.mkdir(`${ctx.dir}/cams`, { recursive: true });
  await Deno.mkdir(`${ctx.dir}/figures`, { recursive: true });
  const rows: Record<string, unknown>[] = [];
  const groups: GroupSums = new Map();
  const subjectsDone = new Set<string>();
  for (const m of maps) {
    const subject = data.cohort.subjects.find((s) => s.id === m.subject)!;
    const fa = await readNifti(data.faPaths[m.subject][m.acquisition]);
    const shape = fa.shape.slice(0, 3) as [number, number, number];
    const volume = volumeFrom(m.map, shape, { affine: fa.affine, pixdim: fa.pixdim });
    await writeNifti(volume, `${ctx.dir}/cams/${m.subject}_${m.method}.nii.gz`);
    const key = `${m.group}|${m.method}`;
    const g = groups.get(key) ?? { sum: new Float32Array(m.map.length), n: 0, ref: volume };
    for (let i = 0; i < g.sum.length; i++) g.sum[i] += m.map[i];
    g.n++;
    groups.set(key, g);

    const truth = await subjectTruth(subject);
    const brain = subject.maps?.brain_mask
      ? (await readNifti(subject.maps.brain_mask)).data
      : Uint8Array.from(fa.data as ArrayLike<number>, (v) => (v > 0 ? 1 : 0));
    let energy = null, ap = null, boxAcc = null, chance = null;
    if (truth) {
      const camIn: number[] = [], truthIn: number[] = [];
      const masked = new Float32Array(m.map.length);
      for (let i = 0; i < truth.length; i++) {
        if (!Number(brain[i])) continue;
        camIn.push(m.map[i]);
        truthIn.push(truth[i]);
        masked[i] = m.map[i];
      }
      energy = maskEnergy(camIn, truthIn);
      ap = vxap({ maps: camIn, shape: [1, 1, 1, camIn.length] }, truthIn);
      chance = truthIn.reduce((s, v) => s + v, 0) / Math.max(1, truthIn.length);
      const [nx, ny, nz] = shape;
      const boxes = connectedComponents3d(truth, [nz, ny, nx]).boxes;
      boxAcc = boxes.length && masked.some((v) => v > 0)
        ? max3dBoxAccV2({ maps: masked, shape: [1, nz, ny, nx] }, [boxes]).value
        : null;
      if (!subjectsDone.has(`${m.subject}|${m.method}`) && m.subject === maps[0].subject) {
        await Deno.writeFile(
          `${ctx.dir}/figures/ortho_${m.method}_${m.subject}.png`,
          orthoOverlayPng(fa.data as ArrayLike<number>, m.map, shape, { at: truthCentre(truth, shape) }),
        );
      }
    }
    subjectsDone.add(`${m.subject}|${m.method}`);
    rows.push({
      method: m.method,
      layer: m.layer,
      relu: m.relu,
      normalize: m.normalize,
      threshold: cell.cam.threshold,
      class_index: m.method === "cam-age" ? 0 : m.label,
      subject: m.subject,
      group: m.group,
      acquisition: m.acquisition,
      energy_in_truth: energy,
      chance_energy: chance,
      vxap: ap,
      max3d_box_acc_v2: boxAcc,
    });
  }
  await writeGroupMeans(groups, `${ctx.dir}/cams`);
  return rows;
}

/** The voxel [x, y, z] at the centre of the truth mask's voxels (the volume's centre for an empty mask). */
function truthCentre(truth: Uint8Array, shape: readonly [number, number, number]): [number, number, number] {
  const [nx, ny] = shape;
  let n = 0, sx = 0, sy = 0, sz = 0;
  for (let i = 0; i < truth.length; i++) {
    if (!truth[i]) continue;
    n++;
    sx += i % nx;
    sy += Math.floor(i / nx) % ny;
    sz += Math.floor(i / (nx * ny));
  }
  return n
    ? [Math.round(sx / n), Math.round(sy / n), Math.round(sz / n)]
    : [0, 1, 2].map((i) => Math.floor(shape[i] / 2)) as [number, number, number];
}
