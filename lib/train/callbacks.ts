/**
 * Callbacks of {@linkcode train}: the loop itself only steps through batches and epochs; checkpoints, early
 * stopping, progress, aborting and the caller's `onEpoch` are callbacks run in list order at fixed points, as
 * tfjs-layers' `CallbackList` does. {@linkcode train} builds the built-in ones from its options; pass more
 * through `TrainOptions.callbacks` (they run after the built-ins).
 *
 * Order at the end of an epoch: progress (the bar's last line), early stopping (may stop, snapshots the best
 * weights), checkpoint (written with the state early stopping left), then `onEpoch`, then yours.
 *
 * @module
 */
import type { Dataset, Rng } from "../data/mod.ts";
import type { CamModel } from "../models/model.ts";
import { assignVariables, readVariables } from "./_variables.ts";
import {
  type Checkpoint,
  checkpointName,
  type EpochMetrics,
  listCheckpoints,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";
import { TrainError } from "./errors.ts";
import type { NamedArray, Optimizer } from "./optimizer.ts";
import { Progress, type ProgressOptions } from "./progress.ts";

/** Why training ended. */
export type StopReason = "completed" | "early-stopping" | "aborted";

/** What callbacks see and may change: the run's state, shared by the loop and every callback. */
export interface TrainContext {
  readonly model: CamModel;
  readonly data: { train: Dataset; val?: Dataset };
  /** Epochs to reach (a resumed run continues up to this). */
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Validation batches per epoch (0 without validation data). */
  readonly valBatches: number;
  /** Metrics of every finished epoch, including a resumed checkpoint's. */
  readonly history: EpochMetrics[];
  readonly optimizer: Optimizer;
  /** The master generator (its state goes into checkpoints). */
  readonly rng: Rng;
  /**
   * Set by {@link TrainContext.stop}; the loop ends at the next check (between batches, or after the epoch).
   * "completed" when the last epoch is done (as `onTrainEnd` sees it).
   */
  stopReason: StopReason | null;
  /** Ask the loop to stop: "aborted" discards the epoch in progress, "early-stopping" ends after this epoch. */
  stop(reason: Exclude<StopReason, "completed">): void;
  /** Best epoch of the monitored metric (set by early stopping), else null. */
  bestEpoch: number | null;
  /** Path of the newest checkpoint written in this run, if any. */
  checkpoint?: string;
}

/** What the loop reports after each training batch. */
export interface BatchEnd {
  epoch: number;
  /** Batch index in the epoch. */
  index: number;
  /** Mean loss and accuracy of the epoch so far. */
  loss: number;
  accuracy: number;
}

/** Hooks into {@linkcode train}; every one is optional. */
export interface TrainCallback {
  /** Before the first epoch (after a resume restored the model and history). */
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  /** Before epoch `epoch` (1-based). */
  onEpochBegin?(epoch: number, ctx: TrainContext): void | Promise<void>;
  /** Before each training batch; synchronous (it runs on the hot path). */
  onBatchBegin?(epoch: number, ctx: TrainContext): void;
  /** After each training batch; synchronous. */
  onBatchEnd?(batch: BatchEnd, ctx: TrainContext): void;
  /** After each validation batch; synchronous. */
  onValidationBatchEnd?(epoch: number, ctx: TrainContext): void;
  /** After an epoch's metrics are in `ctx.history` (not called for an aborted epoch). */
  onEpochEnd?(metrics: EpochMetrics, ctx: TrainContext): void | Promise<void>;
  /** After the last epoch, also after an abort or early stop (not after an error). */
  onTrainEnd?(ctx: TrainContext): void | Promise<void>;
}

/** Stops training between batches once `signal` is aborted; the epoch in progress is discarded. */
export function abortOn(signal: AbortSignal): TrainCallback {
  const check = (_epoch: number, ctx: TrainContext) => {
    if (signal.aborted) ctx.stop("aborted");
  };
  return { onEpochBegin: check, onBatchBegin: check };
}

/** One progress bar per epoch (training and validation batches), its last line the epoch's metrics. */
export function progressBar(options: ProgressOptions = {}): TrainCallback {
  let bar: Progress | null = null;
  return {
    onEpochBegin(epoch, ctx) {
      bar = new Progress(ctx.stepsPerEpoch + ctx.valBatches, {
        ...options,
        label: `epoch ${epoch}/${ctx.epochs}`,
      });
    },
    onBatchEnd(b) {
      bar?.tick(1, `loss ${b.loss.toFixed(4)} acc ${b.accuracy.toFixed(3)}`);
    },
    onValidationBatchEnd() {
      bar?.tick(1);
    },
    onEpochEnd(m) {
      bar?.finish(
        `loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(3)}` +
          (m.valLoss !== undefined
            ? ` val_loss ${m.valLoss.toFixed(4)} val_acc ${m.valAccuracy!.toFixed(3)}`
            : ""),
      );
      bar = null;
    },
  };
}

/** Early stopping on a validation metric. */
export interface EarlyStoppingOptions {
  /** Metric to watch. @default "valLoss" */
  monitor?: "valLoss" | "valAccuracy";
  /** Epochs without improvement before stopping. @default 5 */
  patience?: number;
  /** Smallest change that counts as improvement. @default 0 */
  minDelta?: number;
  /** At the end, put back the weights of the best epoch. @default false */
  restoreBest?: boolean;
}

interface StoppingState {
  best: number;
  bestEpoch: number | null;
  wait: number;
}

/**
 * The early-stopping state after `history`: best value, its epoch, and epochs waited since. An epoch improves
 * when `valLoss < best − minDelta` (or `valAccuracy > best + minDelta`). Recomputed from the history, so a
 * resumed run needs no state of its own.
 */
export function stoppingState(
  history: readonly EpochMetrics[],
  options: EarlyStoppingOptions,
): StoppingState {
  const { monitor = "valLoss", minDelta = 0 } = options;
  const lower = monitor === "valLoss";
  const state: StoppingState = { best: lower ? Infinity : -Infinity, bestEpoch: null, wait: 0 };
  for (const m of history) {
    const value = m[monitor];
    if (value === undefined) throw new TrainError(`earlyStopping: epoch ${m.epoch} has no ${monitor}`);
    if (lower ? value < state.best - minDelta : value > state.best + minDelta) {
      state.best = value;
      state.bestEpoch = m.epoch;
      state.wait = 0;
    } else {
      state.wait++;
    }
  }
  return state;
}

/**
 * Stops after `patience` epochs without improvement; with `restoreBest`, puts back the best epoch's weights at
 * the end (from memory, or from its checkpoint in `checkpointDir`).
 */
export function earlyStopping(options: EarlyStoppingOptions, checkpointDir?: string): TrainCallback {
  const patience = options.patience ?? 5;
  let best: Record<string, NamedArray> | null = null;
  const update = (ctx: TrainContext) => {
    const state = stoppingState(ctx.history, options);
    ctx.bestEpoch = state.bestEpoch;
    if (state.wait >= patience) ctx.stop("early-stopping");
  };
  return {
    onTrainBegin: update,
    async onEpochEnd(metrics, ctx) {
      update(ctx);
      if (options.restoreBest && ctx.bestEpoch === metrics.epoch) {
        best = await readVariables(ctx.model.trainable);
      }
    },
    async onTrainEnd(ctx) {
      const bestEpoch = ctx.bestEpoch;
      if (!options.restoreBest || bestEpoch === null || bestEpoch === ctx.history.length) return;
      if (!best && checkpointDir) {
        best = (await readCheckpoint(`${checkpointDir}/${checkpointName(bestEpoch)}`)).weights;
      }
      if (!best) {
        throw new TrainError(
          `train: restoreBest: weights of epoch ${bestEpoch} are neither in memory nor checkpointed`,
        );
      }
      assignVariables(`best epoch ${bestEpoch}`, ctx.model.trainable, best);
    },
  };
}

/** Options of {@link checkpoints}. */
export interface CheckpointsOptions {
  /** Keep only the newest this many (plus the best epoch's). @default all */
  keep?: number;
  /** JSON-able record stored in every checkpoint's `info`. @default {} */
  info?: Record<string, unknown>;
}

/**
 * Writes one checkpoint per epoch to `dir` (weights, model state, optimizer state, RNG state, history, info),
 * atomically, and prunes old ones to `keep`.
 */
export function checkpoints(dir: string, options: CheckpointsOptions = {}): TrainCallback {
  return {
    async onEpochEnd(metrics, ctx) {
      const checkpoint: Checkpoint = {
        epoch: metrics.epoch,
        rngState: ctx.rng.getState(),
        history: ctx.history,
        weights: await readVariables(ctx.model.trainable),
        state: await readVariables(ctx.model.state),
        optimizer: await ctx.optimizer.getWeights(),
        info: options.info ?? {},
      };
      ctx.checkpoint = await writeCheckpoint(dir, checkpoint);
      if (options.keep !== undefined) await pruneCheckpoints(dir, options.keep, ctx.bestEpoch);
    },
  };
}

/** Remove all but the newest `keep` checkpoints (and the best epoch's). */
async function pruneCheckpoints(dir: string, keep: number, bestEpoch: number | null): Promise<void> {
  const epochs = await listCheckpoints(dir);
  for (const e of epochs.slice(0, Math.max(0, epochs.length - keep))) {
    if (e !== bestEpoch) await Deno.remove(`${dir}/${checkpointName(e)}`).catch(() => {});
  }
}
