/**
 * One cell of the paper's transfer experiments as a grid cell (Zhou et al., 2016, Tables 4 and 5 analogues):
 * train the cell's GAP backbone and the same body with a fully connected head (the AlexNet/fc7-style
 * baseline) on cluttered digits, then
 *
 * - Table 5 (`results`): deep features (GAP vector of the CAM layer; the FC net's fc1) + one-vs-all linear
 *   SVMs on several target sets: cluttered digits, cluttered garments (when Fashion-MNIST is installed) and
 *   the cohort's age groups (2.5D FA slices, split by subject);
 * - Table 4 (`localization`): classify the full image, the CAM-box crop and the ground-truth-box crop (linear
 *   SVMs on GAP features of each view): on cluttered digits with the network's own CAM, on garments and on
 *   simulated brains with the CAM of the target's SVM weights (`withClassifier`, the paper's "generic
 *   localization"), the truth box of a brain slice being the box of the planted regions in that slice.
 *
 * @module
 */
import { initBackend } from "../backend/mod.ts";
import { arrayDataset, type Dataset, type Sample, splitBySubject, subset } from "../data/mod.ts";
import type { CellContext, CellOutput } from "../experiments/runner.ts";
import { fields } from "../experiments/fields.ts";
import type { DataSpec, GridCell } from "../experiments/grid.ts";
import { type SliceProvenance, sliceVolume } from "../slices/mod.ts";
import { type ClutteredDigits, fashionMnistDir, loadClutteredGarments } from "../synth/mod.ts";
import { evaluate, train } from "../train/mod.ts";
import { maskBox } from "../localize/mod.ts";
import {
  fcHeadModel,
  type FeatureSource,
  svmTransfer,
  type SvmTransferRow,
  type TargetSet,
  withClassifier,
} from "../probes/mod.ts";
import type { CamModel } from "../models/model.ts";
import { backendLabel, cellModel, cellTrainOptions } from "./_cell_training.ts";
import { cohortSlices } from "./cohort_cell.ts";
import { subjectTruthVolume } from "./_cell_scoring.ts";
import { faInputsRecord } from "./cohort_slices.ts";
import { DIGITS_DATA, type DigitsData, digitsData, SPLIT_COUNTS, type SplitCounts } from "./digits_cell.ts";
import { cropAccuracy } from "./transfer/mod.ts";

/** Dataset options of a "transfer" cell (`data` of the grid config): the digits options and these. */
export interface TransferData extends DigitsData {
  /** Units of the FC baseline's hidden layer fc1. @default 128 */
  hidden?: number;
  /** Target sets of Table 5 (and Table 4 where they have boxes). @default ["digits", "garments", "cohort"] */
  targets?: ("digits" | "garments" | "cohort")[];
  /** Garment images per split. @default the digits counts */
  garmentCounts?: SplitCounts;
  /** Cost C of the Table 5 SVMs. @default 1 */
  svmCost?: number;
  /** Most train / test samples per target for Table 5. @default all */
  limit?: { train?: number; test?: number };
  /** Test images scored per target for Table 4. @default all */
  cropLimit?: number;
  /** Training images of Table 4's per-view SVMs per target. @default all */
  cropTrainLimit?: number;
  /** Which cohort the age-group target comes from, as CohortData's `cohort` (set by reproduce; id only). */
  cohort?: string;
}

/** The checkers of {@linkcode TransferData}. */
export const TRANSFER_DATA: DataSpec<TransferData> = {
  ...DIGITS_DATA,
  hidden: fields.positiveInteger,
  targets: fields.arrayOf(fields.oneOf(["digits", "garments", "cohort"] as const), {
    nonEmpty: true,
    distinct: true,
  }),
  garmentCounts: fields.object(SPLIT_COUNTS),
  svmCost: fields.positiveNumber,
  limit: fields.object<{ train?: number; test?: number }>({
    train: fields.positiveInteger,
    test: fields.positiveInteger,
  }),
  cropLimit: fields.positiveInteger,
  cropTrainLimit: fields.positiveInteger,
  cohort: fields.name,
};

/** A cell of the transfer experiments (Tables 4/5 analogues). */
export type TransferCell = GridCell<"transfer", TransferData>;

/** Options of {@linkcode runTransferCell}. */
export interface TransferCellOptions {
  /** The cohort folder for the age-group target (skipped when absent). @default undefined */
  cohortDir?: string;
  /** FA cache folder. @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Show training progress and print the two tables. @default true */
  progress?: boolean;
}

const garmentCache = new Map<string, Promise<ClutteredDigits>>();

function garmentsData(size: number, data: TransferData): Promise<ClutteredDigits> {
  const counts = { train: 3000, val: 500, test: 500, ...data.counts, ...data.garmentCounts };
  const key = JSON.stringify([size, counts, data.dataSeed ?? 0]);
  let p = garmentCache.get(key);
  if (!p) {
    p = loadClutteredGarments({ size, counts, seed: data.dataSeed ?? 0 });
    garmentCache.set(key, p);
    p.catch(() => garmentCache.delete(key));
  }
  return p;
}

/** The cohort's slices as a target: train (train + val subjects) and test subjects, truth boxes in `meta.box`. */
interface BrainTarget {
  target: TargetSet;
  /** Slices whose planted-region mask is not empty (`meta.box` set), or null without truth masks. */
  boxed: { train: Dataset; test: Dataset } | null;
  groups: string[];
  testSubjects: number;
  /** See faInputsRecord (cohort_slices.ts). */
  faInputs: ReturnType<typeof faInputsRecord>;
}

async function brainTarget(cell: TransferCell, options: TransferCellOptions): Promise<BrainTarget> {
  const data = await cohortSlices(options.cohortDir!, {
    imageSize: cell.imageSize,
    maxAcquisitions: 1,
    cacheDir: options.cacheDir,
  });
  const split = splitBySubject(data.samples.map((s) => ({ subject: s.subject, group: s.group })), {
    seed: cell.seed,
  });
  // Shuffled (seeded) so that a `limit` takes slices of every subject, not the first few subjects' slices.
  const trainIdx = shuffled([...split.train, ...split.val], cell.seed);
  const testIdx = shuffled(split.test, cell.seed + 1);
  const all = arrayDataset(data.samples);
  const target: TargetSet = {
    name: "cohort age groups",
    train: subset(all, trainIdx),
    test: subset(all, testIdx),
    numClasses: data.groups.length,
  };
  // Truth boxes: the union of a subject's planted-region masks, cut exactly like its FA slices.
  const boxes = new Map<string, [number, number, number, number] | null>();
  let anyTruth = false;
  for (const subject of data.cohort.subjects) {
    const acquisition = Object.keys(data.faPaths[subject.id] ?? {})[0];
    if (!acquisition) continue;
    const volume = await subjectTruthVolume(subject);
    if (!volume) continue;
    anyTruth = true;
    const slices = sliceVolume(volume, {
      count: data.settings.slicesPerAxis,
      size: cell.imageSize,
      interpolation: "nearest",
      subject: subject.id,
      acquisition,
    });
    for (const s of slices) {
      const b = maskBox(s.data, [s.height, s.width]);
      boxes.set(sliceKey(s.provenance), b ? [b.x0, b.y0, b.x1, b.y1] : null);
    }
  }
  const withBox = (idx: readonly number[]): Dataset => {
    const out: Sample[] = [];
    for (const i of idx) {
      const s = data.samples[i];
      const box = boxes.get(sliceKey(s.meta?.provenance as SliceProvenance));
      if (box) out.push({ ...s, meta: { ...s.meta, box } });
    }
    return arrayDataset(out);
  };
  return {
    target,
    boxed: anyTruth ? { train: withBox(trainIdx), test: withBox(testIdx) } : null,
    groups: data.groups,
    testSubjects: split.subjects.test.length,
    faInputs: faInputsRecord(data),
  };
}

/** A seeded Fisher–Yates shuffle (mulberry32). */
function shuffled(values: readonly number[], seed: number): number[] {
  const out = [...values];
  let a = (seed * 0x9e3779b9 + 0x6d2b79f5) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function sliceKey(p: SliceProvenance): string {
  return `${p.subject}|${p.acquisition}|${p.axis}|${p.voxelIndex}`;
}

const TARGET_KEYS: Record<string, string> = {
  "cluttered digits": "digits",
  "cluttered garments": "garments",
  "cohort age groups": "cohort",
};

/** The `dataset` column of a row: `transfer-<target>`, so grid summaries group by target. */
function datasetOf(target: string): string {
  return `transfer-${TARGET_KEYS[target] ?? target}`;
}

function fmt(v: unknown): string {
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v);
}

function printRows(title: string, rows: Record<string, unknown>[], cols: string[]): void {
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  console.log(`\n${title}`);
  console.log(cols.map((c, j) => c.padEnd(widths[j])).join("  "));
  for (const r of cells) console.log(r.map((v, j) => v.padEnd(widths[j])).join("  "));
}

/**
 * Run one transfer cell (a {@linkcode CellRunner} body): see the module doc. `results` has one row per
 * target × feature source (`target`, `features`, `layer`, `test_accuracy`, ...; its `dataset` column is
 * `transfer-<digits|garments|cohort>` and `pooling` is "fc" for the FC baseline, so the grid's accuracy
 * summary lists each target and head apart); `localization` one row per
 * target with boxes (`target`, `method` = "cam" (the network's own) or "cam-svm" (the target SVM's weights),
 * `full_accuracy`, `cam_crop_accuracy`, `gt_crop_accuracy`, `cam_box_iou50`, `mean_iou`, `threshold`).
 *
 * @example
 * const out = await runTransferCell(cell, ctx, { cohortDir: "data/synth/quick-s0" });
 */
export async function runTransferCell(
  cell: TransferCell,
  ctx: CellContext,
  options: TransferCellOptions = {},
): Promise<CellOutput> {
  const backend = await initBackend();
  const data = cell.data;
  const wanted = new Set(data.targets ?? ["digits", "garments", "cohort"]);
  const t0 = performance.now();
  const digits = await digitsData(cell.imageSize, data);
  const targets: TargetSet[] = [];
  const boxed: { name: string; train: Dataset; test: Dataset; own: boolean }[] = [];
  if (wanted.has("digits")) {
    targets.push({ name: "cluttered digits", train: digits.train, test: digits.test, numClasses: 10 });
    boxed.push({ name: "cluttered digits", train: digits.train, test: digits.test, own: true });
  }
  const notes: string[] = [];
  if (wanted.has("garments")) {
    if (await fashionMnistDir()) {
      const garments = await garmentsData(cell.imageSize, data);
      targets.push({
        name: "cluttered garments",
        train: garments.train,
        test: garments.test,
        numClasses: garments.numClasses,
      });
      boxed.push({ name: "cluttered garments", train: garments.train, test: garments.test, own: false });
    } else notes.push("no Fashion-MNIST on this machine: garments skipped");
  }
  let brain: BrainTarget | null = null;
  if (wanted.has("cohort")) {
    if (options.cohortDir) {
      brain = await brainTarget(cell, options);
      targets.push(brain.target);
      if (brain.boxed) boxed.push({ name: brain.target.name, ...brain.boxed, own: false });
      else notes.push("the cohort has no truth masks: no Table 4 row for brains");
    } else notes.push("no cohort folder given: the age-group target skipped");
  }
  for (const n of notes) console.warn(`[transfer] ${cell.id}: ${n}`);
  ctx.recordDuration("data", (performance.now() - t0) / 1000);

  const gap = cellModel(cell, 10);
  const fc = fcHeadModel(cellModel(cell, 10), { hidden: data.hidden ?? 128, seed: cell.seed });
  const svmModels: CamModel[] = [];
  try {
    const t1 = performance.now();
    const trained = [];
    for (const [name, model] of [["gap", gap], ["fc", fc]] as const) {
      const base = cellTrainOptions(cell, ctx, {
        progress: options.progress,
        augmentOverrides: { flip: false },
      });
      const result = await train(model, { train: digits.train, val: digits.val }, {
        ...base,
        checkpointDir: `${ctx.checkpointDir}/${name}`,
        info: { run: `${cell.id} (${name})` },
      });
      const test = await evaluate(model, digits.test);
      trained.push({ name, result, test });
    }
    ctx.recordDuration("train", (performance.now() - t1) / 1000);
    const [gapRun, fcRun] = trained;

    const t2 = performance.now();
    const sources: FeatureSource[] = [
      { name: `${gap.config.name} GAP`, model: gap },
      { name: `${fc.config.name} fc1`, model: fc, layer: "fc1" },
    ];
    const table5: SvmTransferRow[] = await svmTransfer(sources, targets, {
      svm: { cost: data.svmCost ?? 1, standardize: true },
      limit: data.limit,
    });
    ctx.recordDuration("svm_transfer", (performance.now() - t2) / 1000);
    const label = backendLabel(backend);
    const results = table5.map((r, i) => ({
      dataset: datasetOf(r.target),
      pooling: i % sources.length === 0 ? cell.pooling : "fc",
      target: r.target,
      features: r.features,
      head: i % sources.length === 0 ? "gap" : "fc",
      layer: r.layer,
      num_features: r.numFeatures,
      num_classes: r.svm.numClasses,
      n_train: r.nTrain,
      n_test: r.nTest,
      train_accuracy: r.trainAccuracy,
      test_accuracy: r.testAccuracy,
      source_test_accuracy: (i % sources.length === 0 ? gapRun : fcRun).test.accuracy,
      image_size: cell.imageSize,
      width_multiplier: cell.widthMultiplier,
      backend: label,
    }));

    const t3 = performance.now();
    const localization: Record<string, unknown>[] = [];
    for (const b of boxed) {
      let model: CamModel = gap;
      if (!b.own) {
        const row = table5.find((r) => r.target === b.name && r.features === sources[0].name)!;
        model = withClassifier(gap, row.svm.weights, row.svm.bias);
        svmModels.push(model);
      }
      const res = await cropAccuracy(model, b.test, {
        threshold: cell.cam.threshold,
        svmTrain: b.train,
        trainLimit: data.cropTrainLimit,
        limit: data.cropLimit,
        camOptions: { normalize: cell.cam.normalize, relu: cell.cam.relu },
      });
      localization.push({
        dataset: datasetOf(b.name),
        target: b.name,
        method: b.own ? "cam" : "cam-svm",
        classifier: res.classifier,
        relu: cell.cam.relu ?? false,
        normalize: cell.cam.normalize,
        images: res.count,
        full_accuracy: res.fullAccuracy,
        cam_crop_accuracy: res.camCropAccuracy,
        gt_crop_accuracy: res.gtCropAccuracy,
        cam_box_iou50: res.camBoxIou50,
        mean_iou: res.meanIou,
        threshold: res.threshold,
        margin: res.margin,
      });
    }
    ctx.recordDuration("crop_accuracy", (performance.now() - t3) / 1000);

    if (options.progress ?? true) {
      printRows(`Table 5 analogue (${cell.id}): linear SVMs on deep features`, results, [
        "target",
        "features",
        "n_train",
        "n_test",
        "train_accuracy",
        "test_accuracy",
      ]);
      printRows(`Table 4 analogue (${cell.id}): classifying the CAM crop (SVMs per view)`, localization, [
        "target",
        "method",
        "images",
        "full_accuracy",
        "cam_crop_accuracy",
        "gt_crop_accuracy",
        "cam_box_iou50",
        "mean_iou",
      ]);
    }
    const metrics = trained.flatMap((t) => t.result.history.map((m) => ({ ...m, head: t.name })));
    return {
      metrics,
      results,
      localization,
      backend: label,
      extra: {
        notes,
        source_training: trained.map((t) => ({
          head: t.name,
          epochs_run: t.result.epochs,
          stop_reason: t.result.stopReason,
          test_accuracy: t.test.accuracy,
        })),
        cohort: brain
          ? { groups: brain.groups, test_subjects: brain.testSubjects, fa_inputs: brain.faInputs }
          : null,
      },
    };
  } finally {
    for (const m of svmModels) m.dispose();
    gap.dispose();
    fc.dispose();
  }
}
