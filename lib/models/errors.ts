/**
 * Typed errors of the model zoo.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * Something about a model, its input or its saved files is wrong. The message starts with what it is
 * about (a model name such as `alexnet-gap`, or a file path) and then says what is wrong, e.g.
 * `alexnet-gap: input 32x32 is too small (minimum 35x35)`.
 */
export class ModelError extends CamDmriError {
  /**
   * @param subject The model name or file the problem is about.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(readonly subject: string, reason: string) {
    super(subject, reason);
    this.name = "ModelError";
  }
}

/** What a {@link MemoryError} is about. */
export interface MemoryErrorDetails {
  /** Model name. */
  model: string;
  /** Input per sample: `[height, width, channels]` (or `[depth, height, width, channels]`). */
  inputShape: readonly number[];
  /** "training step", "inference" or "gradient pass" (the gradient CAM methods). */
  work: string;
  /** The batch asked for. */
  batchSize: number;
  /** The (micro-)batch that was estimated or running. */
  microBatch: number;
  /** Estimated bytes of one step at `microBatch`. */
  bytes: number;
  /** The heap limit in bytes (0 when none was set). */
  limitBytes: number;
}

/** Bytes as "1.5 GiB (1,610,612,736 bytes)". */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let i = 0, v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const exact = `${Math.round(bytes).toLocaleString("en-US")} bytes`;
  return i === 0 ? exact : `${v.toFixed(1)} ${units[i]} (${exact})`;
}

/**
 * A model's training step or inference pass does not fit the backend's heap: estimated before anything is
 * allocated (even one sample is over the limit), or the wasm heap actually ran out (`cause` holds the
 * wasm `RuntimeError`). The message names the model, the input size, the batch, the estimated bytes and the
 * limit, then says what state things are in and what to do, e.g. `vgg16-gap: a training step at input
 * 224x224x3 with batch 64 does not fit the heap: even a micro-batch of 1 needs an estimated 793.3 MiB
 * (831,818,688 bytes), over 70% of the limit of 100.0 MiB (104,857,600 bytes); use a smaller input or width,
 * or a backend without this limit`.
 */
export class MemoryError extends CamDmriError {
  /** Model, input size, batch, estimate and limit. */
  readonly details: MemoryErrorDetails;

  /**
   * @param details What ran out, and how much it needed.
   * @param reason What happened, in words a user can act on (without the model name, which leads).
   */
  constructor(details: MemoryErrorDetails, reason: string, options?: ErrorOptions) {
    super(details.model, reason, options);
    this.name = "MemoryError";
    this.details = details;
  }
}

/** "a training step at input 224x224x3 with batch 64" (and the micro-batch when it differs). */
export function describeWork(d: MemoryErrorDetails): string {
  const micro = d.microBatch !== d.batchSize ? ` (micro-batch ${d.microBatch})` : "";
  return `${d.work === "inference" ? "inference" : `a ${d.work}`} at input ${
    d.inputShape.join("x")
  } with batch ${d.batchSize}${micro}`;
}
