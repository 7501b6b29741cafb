/**
 * One cell of the dMRI age study: subject-level (or leaky slice-level) split of the cohort's 2.5D FA slices,
 * train a GAP/GMP backbone, evaluate on held-out subjects, then CAM every test subject's 48 slices, put the
 * maps back into its 3-D grid and score them against the planted (or given) truth masks. A fold cell (a grid
 * with `folds`) tests its fold's subjects of a k-fold partition (lib/data's `splitByFold`); its results row
 * names the test subjects it got right and wrong, so that folds pool into n of N subjects and two nets pair
 * on the same subjects (lib/study's `foldSummary`, `foldComparisons`).
 *
 * @module
 */
import { initBackend } from "../backend/mod.ts";
import {
  arrayDataset,
  type Sample,
  type Split,
  splitByFold,
  splitBySlice,
  splitBySubject,
  type SplitMeta,
  subset,
} from "../data/mod.ts";
import type { CellContext, CellOutput } from "../experiments/runner.ts";
import { fields } from "../experiments/fields.ts";
import { type DataSpec, type GridCell, GridError } from "../experiments/grid.ts";
import { maskEnergy, pxap } from "../localize/mod.ts";
import { type createModel, outputShapes } from "../models/mod.ts";
import { readNifti, writeNifti } from "../nifti/mod.ts";
import type { SliceProvenance } from "../slices/mod.ts";
import { evaluate, train } from "../train/mod.ts";
import { majorityShare, saveCamFigure, subjectCamFigure, subjectPlanes } from "./figures.ts";
import { backendLabel, cellModel, cellTrainOptions } from "./_cell_training.ts";
import {
  type GroupSums,
  rowCalls,
  type ScoredPart,
  sliceStackCam,
  subjectAuc,
  subjectMeans,
  subjectRows,
  subjectSlices,
  subjectTruth,
  validationThreshold,
  writeGroupMeans,
} from "./_cell_scoring.ts";
import { type CohortSlices, faInputsRecord, prepareCohortSlices } from "./cohort_slices.ts";

/** Dataset options of a "cohort" cell (`data` of the grid config). */
export interface CohortData {
  /** Usable acquisitions per subject used for training (in folder order). @default all */
  maxAcquisitions?: number;
  /** Test subjects whose CAMs are computed in 3-D (0: none). @default all test subjects */
  camSubjects?: number;
  /**
   * Use at most this many subjects, each group keeping its share (lib/study's `selectSubjects`): a reduced run
   * (`deno task reproduce --max-subjects N` sets it and renames the grid). @default all subjects
   */
  maxSubjects?: number;
  /**
   * How a test subject is called from its slices: `"vote"`, the majority of its slices' predicted classes (the
   * first class on a tie); `"validation-threshold"` (two groups), its slices' mean class-1 probability against
   * a threshold chosen on the validation subjects (lib/study's `validationThreshold`: the midpoint between
   * subject means that gets most validation subjects right), which corrects a net whose scores rank the
   * subjects but sit off 0.5. Rows record `subject_rule` and `subject_threshold`. @default "vote"
   */
  subjectRule?: "vote" | "validation-threshold";
  /**
   * Which cohort the cell runs on when it is not the scale's default simulated one: `deno task reproduce`
   * sets it (the real path of `--data`, or `synth-<scale>-s<seed>` for `--seed`), so results made on one
   * cohort are never reused for another. Only part of the cell id; the cell does not read it.
   * @default absent (the default simulated cohort)
   */
  cohort?: string;
}

/** The checkers of {@linkcode CohortData}. */
export const COHORT_DATA: DataSpec<CohortData> = {
  maxAcquisitions: fields.positiveInteger,
  camSubjects: fields.nonNegativeInteger,
  maxSubjects: fields.positiveInteger,
  subjectRule: fields.oneOf(["vote", "validation-threshold"] as const),
  cohort: fields.name,
};

/** A cell of the dMRI age study. */
export type CohortCell = GridCell<"cohort", CohortData>;

/** Options of {@linkcode runCohortCell}. */
export interface CohortCellOptions {
  /** The cohort folder (simulated or real). */
  cohortDir: string;
  /** FA cache folder. @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Show training progress. @default true */
  progress?: boolean;
}

const prepared = new Map<string, Promise<CohortSlices>>();

/** The cohort's slices, prepared once per process for each (folder, size, acquisitions). */
export function cohortSlices(
  cohortDir: string,
  options: { imageSize: number; maxAcquisitions?: number; maxSubjects?: number; cacheDir?: string },
): Promise<CohortSlices> {
  const key = JSON.stringify([
    cohortDir,
    options.imageSize,
    options.maxAcquisitions ?? null,
    options.maxSubjects ?? null,
  ]);
  let p = prepared.get(key);
  if (!p) {
    p = prepareCohortSlices(cohortDir, options);
    prepared.set(key, p);
    p.catch(() => prepared.delete(key));
  }
  return p;
}

/** Run one cohort cell (a {@linkcode CellRunner} body). */
export async function runCohortCell(
  cell: CohortCell,
  ctx: CellContext,
  options: CohortCellOptions,
): Promise<CellOutput> {
  const backend = await initBackend();
  const t0 = performance.now();
  const data = await cohortSlices(options.cohortDir, {
    imageSize: cell.imageSize,
    maxAcquisitions: cell.data.maxAcquisitions,
    maxSubjects: cell.data.maxSubjects,
    cacheDir: options.cacheDir,
  });
  ctx.recordDuration("data", (performance.now() - t0) / 1000);
  const metas = data.samples.map((s) => ({ subject: s.subject, group: s.group }));
  const split = cohortSplit(cell, metas);
  const all = arrayDataset(data.samples);
  const trainSet = subset(all, split.train),
    valSet = subset(all, split.val),
    testSet = subset(all, split.test);

  const model = cellModel(cell, data.groups.length);
  try {
    gradientLayer(cell, model); // a layer the model lacks fails here, before training

    const t1 = performance.now();
    const result = await train(
      model,
      { train: trainSet, val: valSet.size ? valSet : undefined },
      cellTrainOptions(cell, ctx, { progress: options.progress }),
    );
    ctx.recordDuration("train", (performance.now() - t1) / 1000);

    const t2 = performance.now();
    const test = await evaluate(model, testSet);
    // Subject-level accuracy: majority vote of a subject's slices, or their mean against a validation threshold.
    const rule = cell.data.subjectRule ?? "vote";
    if (rule === "validation-threshold" && (data.groups.length !== 2 || !split.val.length)) {
      throw new GridError(
        `cell ${cell.id}`,
        'subjectRule "validation-threshold" needs two groups and validation subjects',
        "data.subjectRule",
      );
    }
    // The validation subjects are scored whatever the rule: the threshold they choose, and every subject's
    // calls under both rules, go into the cell's `subjects` table; the results row reads its rule's calls there.
    const parts: ScoredPart[] = [
      { part: "test", indices: split.test, predictions: test.predictions, probabilities: test.probabilities },
    ];
    let threshold: number | null = null;
    if (split.val.length) {
      const val = await evaluate(model, valSet);
      parts.push({
        part: "val",
        indices: split.val,
        predictions: val.predictions,
        probabilities: val.probabilities,
      });
      if (data.groups.length === 2) {
        threshold = validationThreshold([
          ...subjectMeans(data.samples, split.val, val.probabilities).values(),
        ]);
      }
    }
    const subjects = subjectRows(data.samples, parts, {
      numClasses: data.groups.length,
      groups: data.groups,
      threshold,
    });
    const testRows = subjects.filter((r) => r.part === "test");
    const votes = rowCalls(testRows, rule);
    const testMeans = data.groups.length === 2
      ? new Map(testRows.map((r) => [r.subject, { label: r.label, mean: r.mean_probability! }]))
      : null;
    ctx.recordDuration("evaluate", (performance.now() - t2) / 1000);

    const last = result.history.at(-1);
    const results = [{
      leaky_split: split.leaky,
      n_train: split.train.length,
      n_val: split.val.length,
      n_test: split.test.length,
      test_subjects: votes.subjects,
      epochs_run: result.epochs,
      stop_reason: result.stopReason,
      train_accuracy: last?.accuracy ?? null,
      val_accuracy: last?.valAccuracy ?? null,
      test_accuracy: test.accuracy,
      // Always predicting the test set's largest group scores this (0.5 for balanced groups).
      chance_accuracy: majorityShare(split.test.map((i) => data.samples[i].label)),
      test_loss: test.loss,
      test_ap: test.binary?.averagePrecision ?? test.meanAveragePrecision,
      test_auc: test.binary?.rocAuc ?? test.meanRocAuc,
      subject_accuracy: votes.subjects ? votes.right / votes.subjects : null,
      subject_rule: rule,
      subject_threshold: rule === "validation-threshold" ? threshold : null,
      // The test subjects ranked by their slices' mean probability: threshold-free (the vote is not).
      subject_auc: testMeans ? subjectAuc(testMeans) : null,
      // Which test subjects the subject rule got right and wrong (ids, space-separated): k-fold pooling and paired
      // tests between nets read them.
      subjects_right: votes.rightIds.join(" "),
      subjects_wrong: votes.wrongIds.join(" "),
      // Test slices of class 1 (AP and AUC's positive class): with the ROC curve's thresholds, the folds'
      // curves pool into one (foldSummary's pooled AUC).
      test_positives: split.test.filter((i) => data.samples[i].label === 1).length,
      image_size: cell.imageSize,
      width_multiplier: cell.widthMultiplier,
      // How fine the CAM layer's map is, and the option that set it (lib/models `outputStride`).
      output_stride: model.config.outputStride,
      cam_grid: layerGrid(model, model.camLayer),
      // The CAM settings the localization rows were made with, so this row explains them too.
      cam_relu: cell.cam.relu === undefined ? "per method" : cell.cam.relu ? "on" : "off",
      cam_normalize: cell.cam.normalize,
      cam_threshold: cell.cam.threshold,
      fit_method: data.settings.fitMethod,
      normalization: JSON.stringify(data.settings.normalization),
      backend: backendLabel(backend),
    }];

    const t3 = performance.now();
    const c = data.groups.length, probabilities = new Map<Sample, number[]>();
    split.test.forEach((idx, k) =>
      probabilities.set(data.samples[idx], Array.from(test.probabilities.subarray(k * c, (k + 1) * c)))
    );
    const localization = await cohortCams(cell, ctx, model, data, split.subjects.test, probabilities);
    ctx.recordDuration("cam", (performance.now() - t3) / 1000);

    return {
      metrics: result.history.map((m) => ({ ...m })),
      results,
      localization,
      curves: curveRows(test.binary?.prCurve, test.binary?.rocCurve),
      subjects,
      backend: results[0].backend,
      extra: {
        split: { subjects: split.subjects, leaky: split.leaky },
        fa_inputs: faInputsRecord(data),
      },
    };
  } finally {
    model.dispose();
  }
}

/**
 * The split a cohort cell trains and tests on: fold `cell.fold` of k = `cell.folds` over subjects
 * ({@linkcode splitByFold}), else the subject-level split ({@linkcode splitBySubject}) or the leaky
 * slice-level one, all seeded by the cell's seed. The plan (lib/study's `cellWorkload`) counts with it too.
 */
export function cohortSplit(
  cell: Pick<CohortCell, "split" | "seed" | "fold" | "folds">,
  metas: ArrayLike<SplitMeta>,
): Split {
  if (cell.folds !== undefined) {
    return splitByFold(metas, { folds: cell.folds, fold: cell.fold!, seed: cell.seed });
  }
  return cell.split === "subject"
    ? splitBySubject(metas, { seed: cell.seed })
    : splitBySlice(metas, { seed: cell.seed });
}

/** The methods that explain any layer (cohort and volume cells): the grid's `cam.layers` picks theirs. */
export const GRADIENT_METHODS: ReadonlySet<string> = new Set(["grad-cam", "grad-cam++", "score-cam"]);

/**
 * The layer the cell's gradient methods explain in `model` (a cohort cell's, or either arm's of a volume cell):
 * `cam.layers[<model family>]` (e.g. `{ "googlenet": "conv2" }`, `{ "small3d": "conv1" }`), or the CAM layer.
 * @throws {GridError} when the model has no layer of that name (the message lists its layers).
 */
export function gradientLayer(
  cell: Pick<CohortCell, "id" | "model" | "cam">,
  model: {
    readonly layerNames: readonly string[];
    readonly camLayer: string;
    readonly config?: { readonly name?: string };
  },
): string {
  const layer = cell.cam.layers?.[cell.model] ?? model.camLayer;
  if (!model.layerNames.includes(layer)) {
    throw new GridError(
      cell.id,
      `${model.config?.name ?? cell.model} has no layer "${layer}" (layers: ${model.layerNames.join(", ")})`,
      `cam.layers.${cell.model}`,
    );
  }
  return layer;
}

/**
 * A layer's map size as "<h>x<w>" (e.g. "8x8"), from the model's layer shapes; "input" (saliency's layer) is
 * the input's size.
 */
export function layerGrid(model: ReturnType<typeof createModel>, layer: string): string | null {
  const shape = layer === "input" ? model.config.inputShape : outputShapes(model.config)[layer];
  return shape?.length === 3 ? `${shape[0]}x${shape[1]}` : null;
}

/**
 * PR and ROC curve points as rows: curve, x (recall / false-positive rate), y (precision / true-positive rate)
 * and the score threshold of the point (null for the first point's +∞).
 */
function curveRows(
  pr: { precision: number[]; recall: number[]; thresholds: number[] } | null | undefined,
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] } | null | undefined,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const at = (t: number) => (Number.isFinite(t) ? t : null);
  pr?.recall.forEach((r, i) =>
    rows.push({ curve: "pr", point: i, x: r, y: pr.precision[i], threshold: at(pr.thresholds[i]) })
  );
  roc?.fpr.forEach((f, i) =>
    rows.push({ curve: "roc", point: i, x: f, y: roc.tpr[i], threshold: at(roc.thresholds[i]) })
  );
  return rows;
}

/** CAM volumes of the test subjects (first acquisition) scored against their truth masks. */
async function cohortCams(
  cell: CohortCell,
  ctx: CellContext,
  model: ReturnType<typeof createModel>,
  data: CohortSlices,
  testSubjects: string[],
  probabilities: Map<Sample, number[]>,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const subjects = testSubjects.slice(0, cell.data.camSubjects ?? testSubjects.length);
  const groupSums: GroupSums = new Map();
  await Deno.mkdir(`${ctx.dir}/cams`, { recursive: true });
  await Deno.mkdir(`${ctx.dir}/figures`, { recursive: true });
  for (const subjectId of subjects) {
    const subject = data.cohort.subjects.find((s) => s.id === subjectId);
    if (!subject) continue;
    const slices = subjectSlices(data, subjectId);
    if (!slices) continue;
    const { acquisition, samples } = slices;
    const fa = await readNifti(data.faPaths[subjectId][acquisition]);
    const truth = await subjectTruth(subject);
    const brain = subject.maps?.brain_mask ? (await readNifti(subject.maps.brain_mask)).data : null;
    const label = samples[0].label;
    for (const method of cell.cam.methods) {
      const layer = GRADIENT_METHODS.has(method) ? gradientLayer(cell, model) : undefined;
      const { res, volume } = await sliceStackCam(method, model, samples, { ...cell.cam, layer }, fa);
      const [n] = res.shape;
      await writeNifti(volume, `${ctx.dir}/cams/${subjectId}_${method}.nii.gz`);
      const key = `${subject.group}|${method}`;
      const g = groupSums.get(key) ?? { sum: new Float32Array(volume.data.length), n: 0, ref: volume };
      if (g.sum.length === volume.data.length) {
        for (let i = 0; i < g.sum.length; i++) g.sum[i] += Number(volume.data[i]);
        g.n++;
      }
      groupSums.set(key, g);
      let chance = null, energy = null, ap = null;
      if (truth) {
        // Score inside the brain (the slices' padding and background carry no anatomy).
        const inside = brain ?? Uint8Array.from(fa.data as ArrayLike<number>, (v) => (v > 0 ? 1 : 0));
        const camIn: number[] = [], truthIn: number[] = [];
        let nTruth = 0, nBrain = 0;
        for (let i = 0; i < truth.length; i++) {
          if (!Number(inside[i])) continue;
          nBrain++;
          camIn.push(Number(volume.data[i]));
          truthIn.push(truth[i]);
          nTruth += truth[i];
        }
        energy = maskEnergy(camIn, truthIn);
        ap = pxap(camIn, truthIn);
        chance = nBrain ? nTruth / nBrain : null;
      }
      rows.push({
        method,
        layer: res.record.layer,
        layer_grid: layerGrid(model, res.record.layer),
        relu: res.record.relu,
        normalize: res.record.normalize,
        threshold: cell.cam.threshold,
        class_index: label,
        subject: subjectId,
        group: subject.group,
        acquisition,
        slices: n,
        energy_in_truth: energy,
        chance_energy: chance,
        pxap: ap,
      });
      // The paper's figure: the centre slice of each plane, the map, its τ box and the planted region.
      const own = [...probabilities].filter(([s]) => s.subject === subjectId).map(([, p]) => p);
      const figure = subjectCamFigure({
        subject: subjectId,
        group: subject.group,
        classes: data.groups,
        probabilities: data.groups.map((_, g) => own.reduce((a, p) => a + p[g], 0) / Math.max(1, own.length)),
        slices: own.length,
        method,
        layer: res.record.layer,
        relu: res.record.relu,
        normalize: res.record.normalize,
        threshold: cell.cam.threshold,
        planes: subjectPlanes(
          samples.map((s) => ({ ...s, provenance: s.meta?.provenance as SliceProvenance })),
          res.maps,
          {
            truth: truth ? { data: truth, like: fa } : null,
            probabilities: samples.map((s) => probabilities.get(s)),
          },
        ),
      });
      await saveCamFigure(figure, `${ctx.dir}/figures/cam_${method}_${subjectId}`);
    }
  }
  await writeGroupMeans(groupSums, `${ctx.dir}/cams`);
  return rows;
}
