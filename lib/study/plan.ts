/**
 * The plan of a study run, before it starts: what each cell will train (samples, steps, epochs), the seconds
 * one training step and one inference image take on this backend (measured on the cell's own model at its
 * size and batch), the estimated total, and the memory one step needs (lib/train's micro-batch plan).
 * `deno task reproduce` prints it (`--dry-run`: only it), and says the overrides of a reduced run.
 *
 * The arithmetic is {@linkcode planStudy}'s and takes the timings as given (tests pass stubs);
 * {@linkcode measureStep} measures them.
 *
 * **Reduced runs.** {@linkcode reduceGrid} applies `--epochs N` and `--max-subjects N` to a grid config: the
 * grid is renamed (`paper` → `paper.epochs2.subjects10`), so its cells get other ids (the grid name, the
 * epochs and `data.maxSubjects` are all hashed into the id), its results go to their own folder
 * `experiments/<grid>.<overrides>/`, and every manifest records the overrides in its config. Grids run without
 * overrides keep their names and ids.
 *
 * @module
 */
import { arrayDataset, type Sample, splitBySubject } from "../data/mod.ts";
import type { GridConfig } from "../experiments/grid.ts";
import {
  createModel,
  createModel3d,
  estimateStepMemory,
  formatBytes,
  listModels3d,
  MemoryError,
  type ModelOptions,
  resolveConfig,
} from "../models/mod.ts";
import { DEFAULT_GROUPS } from "../synth/mod.ts";
import { evaluate, type MicroBatchPlan, planMicroBatch, train } from "../train/mod.ts";
import { cohortSplit } from "./cohort_cell.ts";
import { selectSubjects } from "./cohort_slices.ts";
import { predictVolumes, trainVolumes, type VolumeSample } from "./_volume_training.ts";
import type { StudyCell } from "./study.ts";
import { cellPoolNorm, trainSlicesPerAcquisition } from "./volume_cell.ts";
import { COHORT_PRESETS } from "./study.ts";

/** Slices one acquisition gives: the centre 16 along each of the 3 axes (lib/study's cohort cells). */
export const SLICES_PER_ACQUISITION = 48;

/** A cohort as the plan needs it: each subject's group and usable acquisitions, in table order. */
export interface CohortShape {
  groups: string[];
  subjects: { id: string; group: string; acquisitions: number }[];
  /** The FA grid `[d, h, w]` (a 3-D cell's input). @default the simulated grid of the cell's scale */
  volume?: [number, number, number];
}

/**
 * Acquisitions per subject that lib/synth simulates at each scale, where COHORT_PRESETS does not set them
 * (lib/synth/simulate_cohort.ts's scale presets).
 */
const SIMULATED_ACQUISITIONS = { quick: 2, default: 8, paper: 8 } as const;

/** The FA grid (voxels per axis) lib/synth simulates at each scale: a 3-D cell's input. */
const SIMULATED_GRID = { quick: 24, default: 48, paper: 96 } as const;

/** The shape of the simulated cohort of a scale (reproduce's default cohort), without simulating it. */
export function simulatedCohortShape(scale: "quick" | "default" | "paper"): CohortShape {
  const preset = COHORT_PRESETS[scale];
  const groups = preset.groups ?? DEFAULT_GROUPS;
  const acquisitions = preset.acquisitions ?? SIMULATED_ACQUISITIONS[scale];
  const subjects = groups.flatMap((g) =>
    Array.from({ length: g.count }, (_, i) => ({ id: `${g.name}-${i}`, group: g.name, acquisitions }))
  );
  return { groups: groups.map((g) => g.name), subjects };
}

/** What a cell's model is, to time and size it: cells that share these share one measurement. */
export interface ModelWork {
  /** Registry name, e.g. "googlenet-gap" (the first pooling seen: GAP and GMP cost the same). */
  model: string;
  inputShape: [number, number, number];
  numClasses: number;
  widthMultiplier: number;
  batchSize: number;
  optimizer: "adam" | "sgd";
  /** A 3-D model's input volume `[d, h, w]` (one channel); absent for 2-D models. */
  volume?: [number, number, number];
  /** The grid's `modelOptions` that change the layers' sizes (absent: the architecture's own). */
  batchNorm?: boolean;
  outputStride?: number;
}

/** The key cells share a {@linkcode ModelWork} by: the family, width, input, classes, batch (not pooling). */
export function workKey(w: ModelWork): string {
  const family = w.model.replace(/-(gap|gmp)$/, "");
  const input = w.volume ? [...w.volume, 1] : w.inputShape;
  const bn = w.batchNorm === undefined ? "" : w.batchNorm ? " bn" : " no-bn";
  const stride = w.outputStride === undefined ? "" : ` os${w.outputStride}`;
  return `${family} ${
    input.join("x")
  } w${w.widthMultiplier} c${w.numClasses} b${w.batchSize} ${w.optimizer}${bn}${stride}`;
}

/** What one cell will do, in samples and passes. */
export interface CellWorkload {
  id: string;
  grid: string;
  dataset: string;
  split: "subject" | "slice";
  /** k of a k-fold cell (its fold's subjects are tested); absent for one split per cell. */
  folds?: number;
  work: ModelWork;
  epochs: number;
  /** Models trained (2 for a transfer cell: the GAP net and its fully connected twin). */
  trainings: number;
  trainSamples: number;
  valSamples: number;
  testSamples: number;
  /** Inference-pass equivalents of the CAM phase, in images (a gradient method's map counts 3). */
  camImages: number;
  /**
   * Samples of an inference pass over the training set after every epoch of every net (the 3-D study's
   * `poolNorm` statistics). @default 0
   */
  statsSamples?: number;
  /** Early stopping may end the cell before `epochs`. */
  earlyStopping: boolean;
}

/** Inference-pass equivalents of one map of each CAM method (a backward pass ≈ 2 forward passes). */
function mapCost(method: string, camChannels: number): number {
  if (method === "cam") return 1;
  if (method === "score-cam") return 1 + camChannels;
  return 3;
}

/**
 * What a cell will train and evaluate: sample counts of its split (exact: the split itself is run on the
 * cohort's subjects, groups and acquisitions), epochs, and the CAM phase in inference-image equivalents.
 * "cohort" cells need the cohort's shape.
 */
export function cellWorkload(cell: StudyCell, cohort?: CohortShape): CellWorkload {
  const camChannels = Math.max(1, Math.round(1024 * cell.widthMultiplier));
  const base = {
    id: cell.id,
    grid: cell.grid,
    dataset: cell.dataset,
    split: cell.split,
    ...(cell.folds === undefined ? {} : { folds: cell.folds }),
    epochs: cell.training.epochs,
    earlyStopping: cell.training.patience > 0,
  };
  const work = (numClasses: number): ModelWork => ({
    model: `${cell.model}-${cell.pooling}`,
    inputShape: [cell.imageSize, cell.imageSize, 1],
    numClasses,
    widthMultiplier: cell.widthMultiplier,
    batchSize: cell.training.batchSize,
    optimizer: cell.training.optimizer,
    ...(cell.modelOptions?.batchNorm === undefined ? {} : { batchNorm: cell.modelOptions.batchNorm }),
    ...(cell.modelOptions?.outputStride === undefined
      ? {}
      : { outputStride: cell.modelOptions.outputStride }),
  });
  const perMap = cell.cam.methods.reduce((s, m) => s + mapCost(m, camChannels), 0);
  switch (cell.dataset) {
    case "cohort": {
      if (!cohort) throw new Error(`cellWorkload: ${cell.id} is a cohort cell; give the cohort's shape`);
      const subjects = cell.data.maxSubjects !== undefined
        ? selectSubjects(cohort.subjects, cell.data.maxSubjects, cohort.groups)
        : cohort.subjects;
      const metas: { subject: string; group: string }[] = [];
      for (const s of subjects) {
        const n = Math.min(s.acquisitions, cell.data.maxAcquisitions ?? s.acquisitions);
        for (let k = 0; k < n * SLICES_PER_ACQUISITION; k++) metas.push({ subject: s.id, group: s.group });
      }
      // The cell's own split (a fold cell's: its fold), so the counts are the cell's.
      const split = cohortSplit(cell, metas);
      const camSubjects = Math.min(cell.data.camSubjects ?? Infinity, split.subjects.test.length);
      // The run's classes are the cohort's groups (2 for a cohort that cannot be read: the plan is moot there).
      const groups = cohort.groups.length || 2;
      return {
        ...base,
        work: work(groups),
        trainings: 1,
        trainSamples: split.train.length,
        valSamples: split.val.length,
        testSamples: split.test.length,
        camImages: camSubjects * SLICES_PER_ACQUISITION * perMap,
      };
    }
    case "digits": {
      const counts = { train: 3000, val: 500, test: 500, ...cell.data.counts };
      const loc = Math.min(cell.data.locImages ?? counts.test, counts.test);
      // Top-5 maps and the true class's map per image.
      return {
        ...base,
        work: work(10),
        trainings: 1,
        trainSamples: counts.train,
        valSamples: counts.val,
        testSamples: counts.test,
        camImages: loc * 6 * perMap,
      };
    }
    case "volume": {
      // The 3-D study's split is the cohort's by subject; each arm trains a classifier and (with regression) a
      // regressor: the 3-D arm on volumes (one per acquisition), the 2.5D arm on slices. The CAM phase adds the
      // regressor's map (cam-age) per CAM subject.
      if (!cohort) throw new Error(`cellWorkload: ${cell.id} is a volume cell; give the cohort's shape`);
      const subjects = cell.data.maxSubjects !== undefined
        ? selectSubjects(cohort.subjects, cell.data.maxSubjects, cohort.groups)
        : cohort.subjects;
      const threeD = listModels3d().includes(`${cell.model}-${cell.pooling}`);
      const per = threeD ? 1 : SLICES_PER_ACQUISITION;
      // The 2.5D arm trains on every sliceStride-th slice of each axis (all slices are tested and mapped).
      const keep = threeD ? 1 : trainSlicesPerAcquisition(cell.data.sliceStride ?? 1) / per;
      const poolNorm = cellPoolNorm(cell);
      const metas: { subject: string; group: string }[] = [];
      for (const s of subjects) {
        const n = Math.min(s.acquisitions, cell.data.maxAcquisitions ?? s.acquisitions);
        for (let k = 0; k < n * per; k++) metas.push({ subject: s.id, group: s.group });
      }
      const split = splitBySubject(metas, { seed: cell.seed });
      const camSubjects = Math.min(cell.data.camSubjects ?? Infinity, split.subjects.test.length);
      const regression = cell.data.regression ?? true;
      const grid = SIMULATED_GRID[cell.scale];
      return {
        ...base,
        epochs: threeD ? cell.data.volumeEpochs ?? cell.training.epochs : cell.training.epochs,
        work: {
          ...work(cohort.groups.length || 2),
          batchSize: threeD ? cell.data.volumeBatchSize ?? 4 : cell.training.batchSize,
          ...(threeD ? { volume: cohort.volume ?? [grid, grid, grid] } : {}),
        },
        trainings: regression ? 2 : 1,
        // The 3-D nets (and with poolNorm the 2.5D ones) train on train and validation subjects, unvalidated.
        trainSamples: Math.round(keep * (split.train.length + (threeD || poolNorm ? split.val.length : 0))),
        valSamples: threeD || poolNorm ? 0 : split.val.length,
        // poolNorm measures the pooled features over the training set after every epoch.
        statsSamples: poolNorm ? Math.round(keep * (split.train.length + split.val.length)) : 0,
        testSamples: split.test.length,
        camImages: camSubjects * per * (perMap + (regression ? mapCost("cam", camChannels) : 0)),
      };
    }
    case "transfer": {
      const counts = { train: 3000, val: 500, test: 500, ...cell.data.counts };
      return {
        ...base,
        work: work(10),
        trainings: 2,
        trainSamples: counts.train,
        valSamples: counts.val,
        testSamples: counts.test,
        camImages: counts.test * perMap,
      };
    }
  }
}

/** Seconds of one training step (a whole batch, micro-batched) and of one image's inference pass. */
export interface StepTiming {
  /** Seconds of one training step: the median of the timed steps ({@linkcode measureStep}). */
  stepSeconds: number;
  inferenceSecondsPerImage: number;
  /** Each timed step's seconds, in order, where they were measured. */
  stepTimes?: number[];
}

/** The median of a non-empty list (the mean of the middle two for an even count); NaN when empty. */
function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The memory side of a {@linkcode ModelWork}: how a step is split and what it needs. */
export interface WorkMemory {
  /** The micro-batch plan under the heap limit, or null where even a micro-batch of 1 cannot fit. */
  plan: MicroBatchPlan | null;
  /** Estimated bytes of one step of the whole batch (no micro-batches). */
  fullBatchBytes: number;
  /** Estimated bytes of an inference pass of one batch. */
  inferenceBytes: number;
  /** Why it cannot run, when it cannot. */
  error?: string;
}

/** The 3-D registry options of a {@linkcode ModelWork} with a `volume`. */
function work3dOptions(w: ModelWork) {
  return {
    inputShape: [...w.volume!, 1] as [number, number, number, number],
    numClasses: w.numClasses,
    widthMultiplier: w.widthMultiplier,
  };
}

/** The registry config of a {@linkcode ModelWork} (nothing built). */
function workOptions(w: ModelWork): ModelOptions {
  return {
    inputShape: w.inputShape,
    numClasses: w.numClasses,
    widthMultiplier: w.widthMultiplier,
    batchNorm: w.batchNorm,
    outputStride: w.outputStride,
  };
}

/**
 * The memory a {@linkcode ModelWork} needs: lib/train's micro-batch plan under `heapLimitBytes` (the
 * backend's when undefined; null: none), and the estimates of a whole-batch step and an inference pass.
 */
export function workMemory(w: ModelWork, heapLimitBytes?: number | null): WorkMemory {
  if (w.volume) {
    // A 3-D model is built (its weights are small) and sized from its layer description; the 3-D fit loop
    // does not split batches, so the whole batch must fit.
    const model = createModel3d(w.model, work3dOptions(w));
    try {
      const fullBatchBytes =
        estimateStepMemory(model, { batchSize: w.batchSize, optimizer: w.optimizer }).bytes;
      const inferenceBytes = estimateStepMemory(model, { batchSize: w.batchSize, training: false }).bytes;
      try {
        const plan = planMicroBatch(model, {
          batchSize: w.batchSize,
          microBatch: w.batchSize,
          heapLimitBytes,
          optimizer: w.optimizer,
        });
        return { plan, fullBatchBytes, inferenceBytes };
      } catch (e) {
        if (!(e instanceof MemoryError)) throw e;
        return { plan: null, fullBatchBytes, inferenceBytes, error: e.message };
      }
    } finally {
      model.dispose();
    }
  }
  const config = resolveConfig(w.model, workOptions(w));
  const fullBatchBytes = estimateStepMemory(config, { batchSize: w.batchSize, optimizer: w.optimizer }).bytes;
  const inferenceBytes = estimateStepMemory(config, { batchSize: w.batchSize, training: false }).bytes;
  try {
    const plan = planMicroBatch(config, { batchSize: w.batchSize, heapLimitBytes, optimizer: w.optimizer });
    return { plan, fullBatchBytes, inferenceBytes };
  } catch (e) {
    if (!(e instanceof MemoryError)) throw e;
    return { plan: null, fullBatchBytes, inferenceBytes, error: e.message };
  }
}

/**
 * Time a {@linkcode ModelWork} in this process on the current backend: `warmup` + `steps` real training steps
 * of the model at its size and batch (lib/train's `train()`, micro-batched as a run would be; random images),
 * the **median** of the timed steps (one step slowed by another process's burst on the cores does not set the
 * plan), then one inference pass over a batch (lib/train's `evaluate`).
 *
 * Options: `warmup` (default 1) untimed steps first; `steps` (default 3) timed steps.
 */
export async function measureStep(
  w: ModelWork,
  options: { warmup?: number; steps?: number } = {},
): Promise<StepTiming> {
  const { warmup = 1, steps = 3 } = options;
  const [h, wd, c] = w.inputShape;
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  if (w.volume) return await measureStep3d(w, warmup, steps, rand);
  const samples: Sample[] = Array.from({ length: w.batchSize * (warmup + steps) }, (_, i) => {
    const image = new Float32Array(h * wd * c);
    for (let j = 0; j < image.length; j++) image[j] = rand();
    return { image, height: h, width: wd, channels: c, label: i % w.numClasses };
  });
  const model = createModel(w.model, { ...workOptions(w), seed: 0 });
  try {
    const seconds: number[] = [];
    let t = 0;
    await train(model, { train: arrayDataset(samples) }, {
      epochs: 1,
      batchSize: w.batchSize,
      optimizer: w.optimizer,
      shuffle: false,
      augment: false,
      callbacks: [{
        onBatchBegin: () => void (t = performance.now()),
        onBatchEnd: () => void seconds.push((performance.now() - t) / 1000),
      }],
    });
    const timed = seconds.slice(warmup);
    const t0 = performance.now();
    await evaluate(model, arrayDataset(samples.slice(0, w.batchSize)));
    const inferenceSecondsPerImage = (performance.now() - t0) / 1000 / w.batchSize;
    return { stepSeconds: median(timed), inferenceSecondsPerImage, stepTimes: timed };
  } finally {
    model.dispose();
  }
}

/**
 * {@linkcode measureStep} of a 3-D model: `warmup` + `steps` epochs of one batch each of the study's 3-D fit
 * loop (no augmentation; random volumes), the median of the timed ones, then one inference batch.
 */
async function measureStep3d(
  w: ModelWork,
  warmup: number,
  steps: number,
  rand: () => number,
): Promise<StepTiming> {
  const [d, h, wd] = w.volume!;
  const samples: VolumeSample[] = Array.from({ length: w.batchSize }, (_, i) => ({
    volume: Float32Array.from({ length: d * h * wd }, rand),
    shape: [d, h, wd],
    label: i % w.numClasses,
    age: 10 + i,
    subject: `s${i}`,
    acquisition: "a",
  }));
  const model = createModel3d(w.model, { ...work3dOptions(w), seed: 0 });
  try {
    const { history } = await trainVolumes(model, samples, {
      epochs: warmup + steps,
      batchSize: w.batchSize,
      learningRate: 1e-3,
      seed: 0,
      augment: false,
    });
    const timed = history.slice(warmup).map((e) => e.seconds);
    const t0 = performance.now();
    await predictVolumes(model, samples, w.batchSize);
    return {
      stepSeconds: median(timed),
      inferenceSecondsPerImage: (performance.now() - t0) / 1000 / w.batchSize,
      stepTimes: timed,
    };
  } finally {
    model.dispose();
  }
}

/** A cell with its estimated time. */
export interface PlannedCell extends CellWorkload {
  /** ⌈trainSamples / batchSize⌉ (the last batch may be smaller). */
  stepsPerEpoch: number;
  /** stepsPerEpoch · epochs · trainings. */
  steps: number;
  /** steps · stepSeconds. */
  trainSeconds: number;
  /** ((valSamples + statsSamples) · epochs + testSamples) · trainings · inference seconds per image. */
  evalSeconds: number;
  /** camImages · inference seconds per image. */
  camSeconds: number;
  /** The sum of the three (NaN when the cell's model was not timed). */
  seconds: number;
  /** Whether the cell finished in an earlier run (it will be skipped; not in the totals). */
  finished: boolean;
}

/** One grid's share of a {@linkcode StudyPlan}. */
export interface PlannedGrid {
  name: string;
  /** Every cell of the grid. */
  cells: number;
  /** Cells finished in an earlier run. */
  finished: number;
  /** Training steps of the cells to run. */
  steps: number;
  /** Estimated seconds of the cells to run. */
  seconds: number;
}

/** What {@linkcode planStudy} returns. */
export interface StudyPlan {
  cells: PlannedCell[];
  grids: PlannedGrid[];
  /** Cells finished in an earlier run (skipped by the run; not in `steps` or `seconds`). */
  finished: number;
  /** Training steps of every cell to run. */
  steps: number;
  /** Estimated seconds of every cell to run (an upper bound where early stopping may end cells sooner). */
  seconds: number;
  /** Keys of models no timing was given for, among the cells to run (their cells' seconds are NaN). */
  untimed: string[];
  /** Cells that would run without a test sample (e.g. too few subjects), by id. */
  empty: string[];
}

/**
 * The plan's arithmetic: per cell, ⌈train/batch⌉ steps per epoch × epochs × trainings at its model's
 * measured seconds per step, plus the validation passes of every epoch, the test pass and the CAM phase at
 * its inference seconds per image; per grid and in total, the sums over the cells to run. `timings` is keyed
 * by {@linkcode workKey}.
 *
 * Options: `finished` (default none), the ids of cells finished in an earlier run: a resumed run skips them,
 * so they are counted apart and left out of the steps and seconds (their models need no timing).
 *
 * @example
 * const plan = planStudy(cells.map((c) => cellWorkload(c, shape)), new Map([[key, { stepSeconds: 2, inferenceSecondsPerImage: 0.01 }]]));
 */
export function planStudy(
  workloads: readonly CellWorkload[],
  timings: ReadonlyMap<string, StepTiming>,
  options: { finished?: ReadonlySet<string> } = {},
): StudyPlan {
  const done = options.finished ?? new Set<string>();
  const untimed = new Set<string>();
  const cells = workloads.map((w): PlannedCell => {
    const timing = timings.get(workKey(w.work));
    const finished = done.has(w.id);
    if (!timing && !finished) untimed.add(workKey(w.work));
    const stepsPerEpoch = Math.ceil(w.trainSamples / w.work.batchSize);
    const steps = stepsPerEpoch * w.epochs * w.trainings;
    const trainSeconds = steps * (timing?.stepSeconds ?? NaN);
    const perImage = timing?.inferenceSecondsPerImage ?? NaN;
    const passes = (w.valSamples + (w.statsSamples ?? 0)) * w.epochs + w.testSamples;
    const evalSeconds = passes * w.trainings * perImage;
    const camSeconds = w.camImages * perImage;
    return {
      ...w,
      stepsPerEpoch,
      steps,
      trainSeconds,
      evalSeconds,
      camSeconds,
      seconds: trainSeconds + evalSeconds + camSeconds,
      finished,
    };
  });
  const grids: PlannedGrid[] = [];
  for (const c of cells) {
    let g = grids.find((x) => x.name === c.grid);
    if (!g) grids.push(g = { name: c.grid, cells: 0, finished: 0, steps: 0, seconds: 0 });
    g.cells++;
    if (c.finished) {
      g.finished++;
      continue;
    }
    g.steps += c.steps;
    g.seconds += c.seconds;
  }
  const left = cells.filter((c) => !c.finished);
  return {
    cells,
    grids,
    finished: cells.length - left.length,
    steps: left.reduce((s, c) => s + c.steps, 0),
    seconds: left.reduce((s, c) => s + c.seconds, 0),
    untimed: [...untimed],
    empty: cells.filter((c) => c.testSamples === 0).map((c) => c.id),
  };
}

/**
 * The seconds a run has left, from its plan: the planned seconds of every cell not finished yet, scaled by
 * how the cells finished in this run compare with their plan,
 *
 *   ETA = Σ_{c left} planned(c) · (Σ_{c timed} measured(c) / Σ_{c timed} planned(c)),
 *
 * the ratio being 1 until a cell has been timed. `finished` maps a cell id to its measured seconds, or to
 * null for a cell finished earlier (skipped: neither left nor timed); cells the plan marks `finished` count as
 * skipped too. The cell now running counts as left. NaN when a cell left has no planned time (its model was
 * not timed).
 *
 * @example
 * estimateRemaining(plan, new Map([["digits-small-...", 41.2], ["cohort-small-...", null]]));
 */
export function estimateRemaining(
  plan: Pick<StudyPlan, "cells">,
  finished: ReadonlyMap<string, number | null>,
): number {
  let left = 0, planned = 0, measured = 0;
  for (const c of plan.cells) {
    if (c.finished && !finished.has(c.id)) continue;
    if (!finished.has(c.id)) {
      left += c.seconds;
      continue;
    }
    const seconds = finished.get(c.id);
    if (seconds == null || !Number.isFinite(c.seconds) || c.seconds <= 0) continue;
    planned += c.seconds;
    measured += seconds;
  }
  return left * (planned > 0 ? measured / planned : 1);
}

/** A duration for people: "42 s", "3 min 20 s", "5 h 07 min", "21 d 4 h"; "?" when unknown. */
export function formatSpan(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  }
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Bytes as "2.2 GiB" (formatBytes without its exact count). */
function bytes(n: number): string {
  return formatBytes(n).replace(/ \(.*\)$/, "");
}

/** Seconds with 2 significant digits at least ("0.012", "1.3", "41"). */
function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s >= 10 ? s.toFixed(0) : s >= 1 ? s.toFixed(1) : s.toPrecision(2);
}

/**
 * The plan as text, one `[plan]` line each: the models (micro-batches, memory, measured seconds), then each
 * grid's cells grouped by model and split (samples, steps, time), the totals, and anything that would fail.
 */
export function formatPlan(
  plan: StudyPlan,
  models: ReadonlyMap<string, { work: ModelWork; memory: WorkMemory; timing?: StepTiming }>,
  options: { heapLimitBytes?: number | null; notes?: readonly string[] } = {},
): string[] {
  const out: string[] = [];
  const limit = options.heapLimitBytes;
  out.push(
    `[plan] ${models.size} model${models.size === 1 ? "" : "s"} to train` +
      (limit ? ` (heap limit ${bytes(limit)}; micro-batches fill at most 70% of it)` : "") + ":",
  );
  for (const [key, { work, memory, timing }] of models) {
    const split = memory.plan
      ? memory.plan.sizes.length > 1
        ? `${memory.plan.sizes.length} micro-batches [${memory.plan.sizes.join(", ")}], ` +
          `${bytes(memory.plan.estimateBytes)} per step (the whole batch would need ` +
          `${bytes(memory.fullBatchBytes)})`
        : `whole batch, ${bytes(memory.fullBatchBytes)} per step`
      : Number.isNaN(memory.fullBatchBytes)
      ? `not estimated: ${memory.error}`
      : `does not fit: ${memory.error}`;
    const time = timing
      ? `${formatSeconds(timing.stepSeconds)} s/step, ${
        formatSeconds(timing.inferenceSecondsPerImage * 1000)
      } ms ` +
        "per inference image (measured)"
      : "not timed";
    out.push(`[plan]   ${key.padEnd(44)} ${split}; ${time}`);
    void work;
  }
  for (const g of plan.grids) {
    const cells = plan.cells.filter((c) => c.grid === g.name && !c.finished);
    out.push(
      `[plan] grid ${g.name}: ${g.cells} cell${g.cells === 1 ? "" : "s"}` +
        (g.finished ? `, ${g.finished} finished earlier, ${cells.length} to run` : ""),
    );
    // Cells that share model, split sizes and epochs: one line with their count.
    const groups = new Map<string, PlannedCell[]>();
    for (const c of cells) {
      const k = [
        c.work.model,
        workKey(c.work),
        c.dataset === "cohort" ? c.split : "",
        c.folds ?? "",
        c.trainSamples,
        c.valSamples,
        c.testSamples,
        c.epochs,
      ]
        .join("|");
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const list of groups.values()) {
      const c = list[0];
      out.push(
        `[plan]   ${String(list.length).padStart(3)} x ${c.work.model} ` +
          (c.work.volume ? `${c.work.volume.join("x")} voxels` : `${c.work.inputShape[0]} px`) +
          (c.work.widthMultiplier !== 1 ? ` width ${c.work.widthMultiplier}` : "") +
          (c.dataset === "cohort" ? `, ${c.split} split` : "") +
          (c.folds === undefined ? "" : `, ${c.folds}-fold cross-validation`) +
          `: ${c.trainSamples} train / ` +
          `${c.valSamples} val / ${c.testSamples} test samples → ${c.stepsPerEpoch} steps/epoch x ${c.epochs} ` +
          `epochs${c.trainings > 1 ? ` x ${c.trainings} nets` : ""} = ${c.steps} steps; ≈ ` +
          `${formatSpan(c.seconds)} per cell (train ${formatSpan(c.trainSeconds)}, evaluation ` +
          `${formatSpan(c.evalSeconds)}, CAM ${formatSpan(c.camSeconds)})`,
      );
    }
    out.push(`[plan]   grid total: ${g.steps} steps, ≈ ${formatSpan(g.seconds)}`);
  }
  const early = plan.cells.some((c) => c.earlyStopping && !c.finished);
  out.push(
    `[plan] total: ${plan.cells.length} cells` +
      (plan.finished
        ? ` (${plan.finished} finished earlier, ${plan.cells.length - plan.finished} to run)`
        : "") +
      `, ${plan.steps} training steps, ≈ ${formatSpan(plan.seconds)}` +
      (early ? " (an upper bound: early stopping may end cells sooner)" : ""),
  );
  for (const key of plan.untimed) out.push(`[plan] not timed: ${key}`);
  for (const id of plan.empty) out.push(`[plan] problem: ${id} would have no test sample`);
  for (const [key, { memory }] of models) {
    if (!memory.plan && !Number.isNaN(memory.fullBatchBytes)) {
      out.push(`[plan] problem: ${key} cannot run on this backend: ${memory.error}`);
    }
  }
  for (const note of options.notes ?? []) out.push(`[plan] ${note}`);
  return out;
}

/** Overrides of a reduced run (`deno task reproduce --epochs N --max-subjects N`). */
export interface GridOverrides {
  /** Epochs of every cell. */
  epochs?: number;
  /** Subjects of "cohort" cells, each group keeping its share. */
  maxSubjects?: number;
}

/**
 * A grid config with a reduced run's overrides applied, renamed so that its cells and results can never be
 * taken for the full grid's: `<name>.epochs<N>` when the epochs differ from the config's, `.subjects<N>` when
 * the grid has "cohort" cells (`data.maxSubjects`). The description says it too. An override that changes
 * nothing (the config's own epochs; no cohort cells) is left out and said in `notes`; with none left the
 * config is returned as it is, so its cell ids stay those of the full run.
 */
export function reduceGrid(
  config: GridConfig,
  overrides: GridOverrides,
): { config: GridConfig; applied: string[]; notes: string[] } {
  const applied: string[] = [], notes: string[] = [], suffix: string[] = [];
  let out: GridConfig = config;
  if (overrides.epochs !== undefined) {
    const epochs = config.training?.epochs ?? 10;
    if (overrides.epochs === epochs) {
      notes.push(`grid ${config.name}: --epochs ${epochs} is its own; unchanged`);
    } else {
      out = { ...out, training: { ...out.training, epochs: overrides.epochs } };
      applied.push(`epochs ${overrides.epochs} of ${epochs}`);
      suffix.push(`epochs${overrides.epochs}`);
    }
  }
  if (overrides.maxSubjects !== undefined) {
    if (!config.datasets.includes("cohort")) {
      notes.push(`grid ${config.name}: --max-subjects does not apply (no cohort cells); unchanged by it`);
    } else {
      out = { ...out, data: { ...out.data, maxSubjects: overrides.maxSubjects } };
      applied.push(`at most ${overrides.maxSubjects} subjects`);
      suffix.push(`subjects${overrides.maxSubjects}`);
    }
  }
  if (!applied.length) return { config, applied, notes };
  const name = [config.name, ...suffix].join(".");
  const description = `Reduced run of grid ${config.name} (${applied.join(", ")}); not comparable with the ` +
    `full grid. ${config.description ?? ""}`.trim();
  return { config: { ...out, name, description }, applied, notes };
}
