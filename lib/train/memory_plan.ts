/**
 * Micro-batches: how a training batch is split so that one step fits the backend's heap, chosen before
 * training from {@linkcode estimateStepMemory} (lib/models/memory.ts).
 *
 * @module
 */
import {
  describeModelRef,
  describeWork,
  estimateStepMemory,
  fitBatchSize,
  formatBytes,
  HEAP_USABLE,
  MemoryError,
  type MemoryErrorDetails,
  type MemoryModelRef,
  type StepMemoryOptions,
} from "../models/mod.ts";
import { backendHeapLimit } from "../backend/mod.ts";
import { TrainError } from "./errors.ts";

/** Options of {@linkcode planMicroBatch}. */
export interface MicroBatchOptions {
  /** Samples per training step (the full batch). */
  batchSize: number;
  /**
   * Samples per forward/backward pass: a number is used as given (capped at batchSize; a MemoryError when
   * its estimate is over the whole limit); "auto" takes the
   * largest whose estimate fits `HEAP_USABLE` of the heap limit (the full batch when it fits; the full
   * batch when there is no limit). @default "auto"
   */
  microBatch?: number | "auto";
  /** Heap limit in bytes; null for none. @default the backend's ({@linkcode backendHeapLimit}: wasm 4 GiB, others none) */
  heapLimitBytes?: number | null;
  /** Fraction of the limit the estimate may fill. @default 0.7 */
  usable?: number;
  /** Optimizer state the step holds. @default "adam" */
  optimizer?: StepMemoryOptions["optimizer"];
  /** How the backend computes convolution gradients. @default "native" */
  convGradients?: StepMemoryOptions["convGradients"];
}

/** How one training step runs: the batch, its micro-batches, and the estimate behind the choice. */
export interface MicroBatchPlan {
  /** Samples per step. */
  batchSize: number;
  /** The largest micro-batch. */
  microBatch: number;
  /** Sizes of a full batch's micro-batches, in order (they sum to batchSize). */
  sizes: number[];
  /** Estimated peak heap bytes of one step at `microBatch` (with the gradient accumulator when split). */
  estimateBytes: number;
  /** The heap limit planned against, or null for none. */
  limitBytes: number | null;
  /** How the micro-batch was chosen. */
  source: "auto" | "given" | "no heap limit";
}

/**
 * Sizes of the micro-batches of a batch of `n` with micro-batches of at most `m`: ⌈n/m⌉ of them, as equal as
 * possible (the first ones one larger), so that batch-norm statistics come from similar sample counts.
 *
 * @example
 * splitBatch(64, 20); // [16, 16, 16, 16]
 * splitBatch(10, 4);  // [4, 3, 3]
 */
export function splitBatch(n: number, m: number): number[] {
  const k = Math.ceil(n / m);
  const base = Math.floor(n / k), extra = n % k;
  return Array.from({ length: k }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Choose the micro-batch of a training step. With `microBatch: "auto"` and a heap limit, the largest
 * micro-batch m ≤ batchSize whose estimated step (with a gradient accumulator when m < batchSize) is at most
 * `usable · limit`; the batch is then split by {@linkcode splitBatch}. A given number is used as is, unless
 * its estimate is over the whole limit (it could not run).
 *
 * @throws {MemoryError} before anything is allocated, when not even a micro-batch of 1 fits ("auto"), or a
 * given micro-batch's estimate is over the limit.
 * @throws {TrainError} on a microBatch that is neither "auto" nor a positive integer.
 *
 * @example
 * planMicroBatch("googlenet-gap", { batchSize: 64, heapLimitBytes: WASM_HEAP_LIMIT }).sizes; // [22, 21, 21]
 */
export function planMicroBatch(model: MemoryModelRef, options: MicroBatchOptions): MicroBatchPlan {
  const { batchSize, microBatch = "auto", usable = HEAP_USABLE, optimizer, convGradients } = options;
  const limitBytes = options.heapLimitBytes === undefined ? backendHeapLimit() : options.heapLimitBytes;
  if (microBatch !== "auto" && (!Number.isInteger(microBatch) || microBatch < 1)) {
    throw new TrainError(`train: microBatch must be "auto" or a positive integer, got ${microBatch}`);
  }
  if (limitBytes !== null && !(limitBytes > 0)) {
    throw new TrainError(`train: heapLimitBytes must be a positive number or null, got ${limitBytes}`);
  }
  const estimate = (m: number) =>
    estimateStepMemory(model, { batchSize: m, optimizer, convGradients, accumulate: m < batchSize }).bytes;
  const plan = (m: number, source: MicroBatchPlan["source"]): MicroBatchPlan => {
    const sizes = splitBatch(batchSize, Math.min(m, batchSize));
    return { batchSize, microBatch: sizes[0], sizes, estimateBytes: estimate(sizes[0]), limitBytes, source };
  };
  if (microBatch !== "auto") {
    const given = plan(microBatch, "given");
    // Over the whole limit (not just its usable share) it cannot run: fail now, not in the wasm heap.
    if (limitBytes !== null && given.estimateBytes > limitBytes) {
      throw tooBig(
        model,
        batchSize,
        given.microBatch,
        given.estimateBytes,
        limitBytes,
        `microBatch ${microBatch} needs an estimated ${formatBytes(given.estimateBytes)}, over the ` +
          `limit of ${formatBytes(limitBytes)}; use microBatch "auto"`,
      );
    }
    return given;
  }
  if (limitBytes === null) return plan(batchSize, "no heap limit");
  const whole = { optimizer, convGradients, limitBytes, usable };
  if (fitBatchSize(model, { ...whole, max: batchSize }) === batchSize) return plan(batchSize, "auto");
  const m = fitBatchSize(model, { ...whole, accumulate: true, max: batchSize });
  if (m === 0) {
    const bytes = estimate(1);
    throw tooBig(
      model,
      batchSize,
      1,
      bytes,
      limitBytes,
      `even a micro-batch of 1 needs an estimated ${formatBytes(bytes)}, over ` +
        `${Math.round(usable * 100)}% of the limit of ${formatBytes(limitBytes)}; use a smaller input or ` +
        "width, or a backend without this limit",
    );
  }
  return plan(m, "auto");
}

function tooBig(
  model: MemoryModelRef,
  batchSize: number,
  microBatch: number,
  bytes: number,
  limitBytes: number,
  why: string,
): MemoryError {
  const { name, inputShape } = describeModelRef(model);
  const details: MemoryErrorDetails = {
    model: name,
    inputShape,
    work: "training step",
    batchSize,
    microBatch,
    bytes,
    limitBytes,
  };
  return new MemoryError(
    details,
    `${describeWork({ ...details, microBatch: batchSize })} does not fit the heap: ${why}`,
  );
}
