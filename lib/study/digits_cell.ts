/**
 * One cell of the CAM paper's Table 1/2 protocol on cluttered digits: train a GAP/GMP backbone, report top-1 /
 * top-5 classification error, then for each CAM method (CAM, Grad-CAM, Grad-CAM++, saliency as the
 * baseline) the top-1 / top-5 localization error (right class and IoU ≥ 0.5 with boxes at τ·max), the
 * paper's tight + loose heuristic, GT-known localization, MaxBoxAccV2 (IoU 0.3/0.5/0.7) and the pointing game.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { initBackend } from "../backend/mod.ts";
import type { CellContext, CellOutput } from "../experiments/runner.ts";
import { fields } from "../experiments/fields.ts";
import type { DataSpec, GridCell } from "../experiments/grid.ts";
import {
  boxFromMap,
  boxPredictions,
  classificationError,
  gtKnownAccuracy,
  localizationError,
  maxBoxAccV2,
  pointingGame,
  type Prediction,
  tightLoosePredictions,
} from "../localize/mod.ts";
import type { Box } from "../localize/mod.ts";
import { type ClutteredDigits, type DigitDataset, loadClutteredDigits } from "../synth/mod.ts";
import { evaluate, train } from "../train/mod.ts";
import { runCamMethod } from "./cam_methods.ts";
import { digitsCamFigure, majorityShare, saveCamFigure } from "./figures.ts";
import { backendLabel, cellModel, cellTrainOptions } from "./_cell_training.ts";

/** Images per split of a synthetic dataset; each absent count takes its default. */
export interface SplitCounts {
  /** @default 3000 */
  train?: number;
  /** @default 500 */
  val?: number;
  /** @default 500 */
  test?: number;
}

/** The checkers of {@linkcode SplitCounts}. */
export const SPLIT_COUNTS: DataSpec<SplitCounts> = {
  train: fields.positiveInteger,
  val: fields.positiveInteger,
  test: fields.positiveInteger,
};

/** Dataset options of a "digits" cell (`data` of the grid config). */
export interface DigitsData {
  /** Images per split. @default { train: 3000, val: 500, test: 500 } */
  counts?: SplitCounts;
  /** Test images scored for localization. @default all test images */
  locImages?: number;
  /** Seed of the dataset (fixed across model seeds). @default 0 */
  dataSeed?: number;
}

/** The checkers of {@linkcode DigitsData}. */
export const DIGITS_DATA: DataSpec<DigitsData> = {
  counts: fields.object(SPLIT_COUNTS),
  locImages: fields.positiveInteger,
  dataSeed: fields.integer,
};

/** A cell of the cluttered-digits Table 1/2 protocol. */
export type DigitsCell = GridCell<"digits", DigitsData>;

const cache = new Map<string, Promise<ClutteredDigits>>();

/** The cluttered-digits splits for a size and counts, built once per process. */
export function digitsData(size: number, data: DigitsData = {}): Promise<ClutteredDigits> {
  const counts = { train: 3000, val: 500, test: 500, ...data.counts };
  const key = JSON.stringify([size, counts, data.dataSeed ?? 0]);
  let p = cache.get(key);
  if (!p) {
    p = loadClutteredDigits({ size, counts, seed: data.dataSeed ?? 0 });
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

function toBox(b: readonly number[]): Box {
  return { x0: b[0], y0: b[1], x1: b[2], y1: b[3] };
}

function packImages(set: DigitDataset, from: number, to: number): tf.Tensor4D {
  const { height, width } = set;
  const data = new Float32Array((to - from) * height * width);
  for (let i = from; i < to; i++) data.set(set.get(i).image, (i - from) * height * width);
  return tf.tensor4d(data, [to - from, height, width, 1]);
}

/** Run one digits cell (a {@linkcode CellRunner} body). */
export async function runDigitsCell(
  cell: DigitsCell,
  ctx: CellContext,
  options: { progress?: boolean } = {},
): Promise<CellOutput> {
  const backend = await initBackend();
  const data = cell.data;
  const t0 = performance.now();
  const digits = await digitsData(cell.imageSize, data);
  ctx.recordDuration("data", (performance.now() - t0) / 1000);
  const model = cellModel(cell, digits.numClasses);
  try {
    const t1 = performance.now();
    const result = await train(
      model,
      { train: digits.train, val: digits.val },
      cellTrainOptions(cell, ctx, { progress: options.progress, augmentOverrides: { flip: false } }),
    );
    ctx.recordDuration("train", (performance.now() - t1) / 1000);
    const t2 = performance.now();
    const test = await evaluate(model, digits.test);
    ctx.recordDuration("evaluate", (performance.now() - t2) / 1000);

    const n = Math.min(data.locImages ?? digits.test.size, digits.test.size);
    const labels: number[] = [], truthBoxes: Box[][] = [];
    for (let i = 0; i < n; i++) {
      const s = digits.test.get(i);
      labels.push(s.label);
      truthBoxes.push([toBox(s.box)]);
    }
    const truth = labels.map((c, i) => ({ classIndex: c, boxes: truthBoxes[i] }));
    const size = cell.imageSize;
    const t3 = performance.now();
    const localization: Record<string, unknown>[] = [];
    const ranked: number[][] = [];
    const layers: Record<string, string> = {};
    await Deno.mkdir(`${ctx.dir}/figures`, { recursive: true });
    for (const method of cell.cam.methods) {
      const top5: Prediction[][] = [], tightLoose: Prediction[][] = [];
      const gtBoxes: (Box | null)[] = [];
      const gtMaps = new Float32Array(n * size * size);
      const chunk = 50;
      for (let from = 0; from < n; from += chunk) {
        const to = Math.min(n, from + chunk);
        const images = packImages(digits.test, from, to);
        try {
          const common = { normalize: cell.cam.normalize, relu: cell.cam.relu };
          const top = await runCamMethod(method, model, images, { ...common, topK: 5 });
          top5.push(...boxPredictions(top, { threshold: cell.cam.threshold }));
          tightLoose.push(...tightLoosePredictions(top));
          if (method === cell.cam.methods[0]) {
            const k = top.record.imageIndex;
            for (let i = 0; i < k.length; i++) (ranked[from + k[i]] ??= []).push(top.record.classIndex[i]);
          }
          layers[method] = top.record.layer;
          const known = await runCamMethod(method, model, images, {
            ...common,
            classIndex: labels.slice(from, to),
          });
          gtMaps.set(known.maps, from * size * size);
          for (let i = 0; i < to - from; i++) {
            gtBoxes.push(
              boxFromMap(known.maps.subarray(i * size * size, (i + 1) * size * size), [size, size], {
                threshold: cell.cam.threshold,
              }),
            );
          }
        } finally {
          images.dispose();
        }
      }
      const stack = { maps: gtMaps, shape: [n, size, size] as [number, number, number] };
      const v2 = maxBoxAccV2(stack, truthBoxes);
      localization.push({
        method,
        relu: cell.cam.relu ?? (method === "cam" || method === "saliency" ? false : true),
        normalize: cell.cam.normalize,
        threshold: cell.cam.threshold,
        images: n,
        top1_loc_error: localizationError(top5, truth, { topK: 1 }),
        top5_loc_error: localizationError(top5, truth, { topK: 5 }),
        top5_loc_error_tight_loose: localizationError(tightLoose, truth, { topK: 5 }),
        gt_known_loc: gtKnownAccuracy(gtBoxes, truthBoxes),
        max_box_acc_v2: v2.value,
        pointing_game: pointingGame(stack, truthBoxes.map((b) => b[0])).accuracy,
      });
      // The paper's figure: the first 8 test images, the map of the true class, truth and τ boxes, classes.
      const shown = Math.min(8, n), c = digits.numClasses;
      if (shown) {
        const map = (i: number) => ({
          data: gtMaps.subarray(i * size * size, (i + 1) * size * size),
          height: size,
          width: size,
        });
        const images = Array.from(
          { length: shown },
          (_, i) => ({ data: digits.test.get(i).image, height: size, width: size }),
        );
        await saveCamFigure(
          digitsCamFigure({
            images,
            cams: images.map((_, i) => map(i)),
            truthBoxes: truthBoxes.slice(0, shown).map((b) => b[0]),
            labels: labels.slice(0, shown),
            probabilities: images.map((_, i) => Array.from(test.probabilities.subarray(i * c, (i + 1) * c))),
            method,
            layer: layers[method] ?? "?",
            relu: cell.cam.relu ?? (method === "cam" || method === "saliency" ? false : true),
            normalize: cell.cam.normalize ?? "minmax",
            threshold: cell.cam.threshold,
          }),
          `${ctx.dir}/figures/digits_${method}`,
        );
      }
    }
    // The reference a map's box is measured against: a box over the whole image, with the same top-1 class.
    // A map whose τ box fills the image (plain CAM, ReLU off, min-max) scores about this.
    const full: Box = { x0: 0, y0: 0, x1: size - 1, y1: size - 1 };
    const wholeImage = n && ranked.length >= n
      ? localizationError(
        ranked.slice(0, n).map((cs) => cs.map((c) => ({ classIndex: c, box: full }))),
        truth,
        {
          topK: 1,
        },
      )
      : null;
    for (const row of localization) row.whole_image_loc_error = wholeImage;
    ctx.recordDuration("cam", (performance.now() - t3) / 1000);
    const last = result.history.at(-1);
    const results = [{
      n_train: digits.train.size,
      n_test: digits.test.size,
      epochs_run: result.epochs,
      stop_reason: result.stopReason,
      train_accuracy: last?.accuracy ?? null,
      val_accuracy: last?.valAccuracy ?? null,
      test_accuracy: test.accuracy,
      chance_accuracy: majorityShare(
        Array.from({ length: digits.test.size }, (_, i) => digits.test.get(i).label),
      ),
      top1_cls_error: test.top1Error,
      top5_cls_error: test.top5Error,
      top1_cls_error_loc_subset: classificationError(ranked.slice(0, n), labels, { topK: 1 }),
      image_size: cell.imageSize,
      width_multiplier: cell.widthMultiplier,
      // The CAM settings the localization rows were made with, so this row explains them too.
      cam_relu: cell.cam.relu === undefined ? "per method" : cell.cam.relu ? "on" : "off",
      cam_normalize: cell.cam.normalize,
      cam_threshold: cell.cam.threshold,
      backend: backendLabel(backend),
    }];
    return {
      metrics: result.history.map((m) => ({ ...m })),
      results,
      localization,
      backend: results[0].backend,
    };
  } finally {
    model.dispose();
  }
}
