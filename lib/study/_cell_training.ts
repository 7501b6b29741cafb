// The training options every study cell derives from its grid cell, and the cell's model and backend label.
import { type BackendInfo, describeBackend } from "../backend/mod.ts";
import { type AugmentOptions, SEED_AUGMENTATION } from "../data/mod.ts";
import type { CellContext } from "../experiments/runner.ts";
import type { AnyGridCell } from "../experiments/grid.ts";
import { createModel } from "../models/mod.ts";
import type { TrainOptions } from "../train/mod.ts";

/**
 * The seed's augmentation with shifts of up to a quarter of the image (pad-and-crop by ⌊size/4⌋ pixels, where
 * the seed pads 4): the grid's augmentation "seed-shift". Aligned brains put each region at the same pixels in
 * every slice, so a net whose receptive field spans the slice can compute a region's evidence at any fixed
 * cell of its CAM layer; large random shifts make such position-bound evidence unreliable.
 */
export function shiftAugmentation(imageSize: number): AugmentOptions {
  return { ...SEED_AUGMENTATION, crop: { mode: "pad", padding: Math.floor(imageSize / 4) } };
}

/**
 * Train options of a cell: its training settings, the seed's augmentation when the cell asks for it ("seed",
 * or "seed-shift": {@linkcode shiftAugmentation}; with `augmentOverrides` applied), early stopping on validation loss when `patience` > 0, one checkpoint kept in
 * the cell's folder and resume from it.
 */
export function cellTrainOptions(
  cell: AnyGridCell,
  ctx: CellContext,
  options: { progress?: boolean; augmentOverrides?: Partial<AugmentOptions> } = {},
): TrainOptions {
  return {
    epochs: cell.training.epochs,
    batchSize: cell.training.batchSize,
    learningRate: cell.training.learningRate,
    schedule: { kind: cell.training.schedule },
    warmupEpochs: cell.training.warmupEpochs,
    optimizer: cell.training.optimizer,
    augment: cell.augmentation === "seed"
      ? { ...SEED_AUGMENTATION, ...options.augmentOverrides }
      : cell.augmentation === "seed-shift"
      ? { ...shiftAugmentation(cell.imageSize), ...options.augmentOverrides }
      : false,
    earlyStopping: cell.training.patience > 0
      ? { monitor: "valLoss", patience: cell.training.patience }
      : false,
    checkpointDir: ctx.checkpointDir,
    keepCheckpoints: 1,
    resume: true,
    seed: cell.seed,
    progress: options.progress ?? true,
    info: { run: cell.id },
  };
}

/** The cell's backbone: `<model>-<pooling>` from the zoo, 1 input channel, with the grid's `modelOptions`. */
export function cellModel(cell: AnyGridCell, numClasses: number): ReturnType<typeof createModel> {
  return createModel(`${cell.model}-${cell.pooling}`, {
    inputShape: [cell.imageSize, cell.imageSize, 1],
    numClasses,
    widthMultiplier: cell.widthMultiplier,
    seed: cell.seed,
    ...cell.modelOptions,
  });
}

/** "wasm (1 thread)", with the native libraries when in use ({@link describeBackend}). */
export function backendLabel(backend: BackendInfo): string {
  return describeBackend(backend);
}
