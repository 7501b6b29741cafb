/**
 * Batching by the heap: a method's images run in chunks whose estimated pass fits the backend's heap
 * (lib/models' `estimateStepMemory`), and the chunks' results are joined. Private: shared by every method.
 * Images never interact in inference mode (batch norm uses its moving statistics), so the joined maps equal
 * those of one pass over all the images.
 */
import * as tf from "../tf.ts";
import { backendHeapLimit } from "../backend/mod.ts";
import {
  describeWork,
  estimateStepMemory,
  formatBytes,
  isHeapExhaustion,
  MemoryError,
  type MemoryErrorDetails,
  passSize,
} from "../models/mod.ts";
import type { Explainable } from "../models/explainable.ts";
import { checkSelection } from "./_targets.ts";
import type { CamRecord, CamResult, ClassSelector, MapOptions } from "./types.ts";

/** What a method's pass holds: a forward pass only, or a forward and a backward pass (gradient methods). */
export type PassKind = "inference" | "gradients";

/** The heap limit of a call: the option, else the backend's (null: none). */
export function heapLimitOf(options: { heapLimitBytes?: number | null }): number | null {
  return options.heapLimitBytes === undefined ? backendHeapLimit() : options.heapLimitBytes;
}

function estimateOptions(kind: PassKind, inputShape: readonly number[]) {
  return kind === "inference"
    ? { training: false, inputShape }
    : { training: true, optimizer: "none" as const, inputShape };
}

/**
 * The largest number of images (each expanded to `perImage` rows, e.g. top-k) up to `max` whose pass fits
 * 70% of `limit` ({@link passSize}).
 *
 * @throws {MemoryError} when not even one image fits.
 */
export function imagesPerPass(
  method: string,
  model: Explainable,
  kind: PassKind,
  inputShape: readonly number[],
  max: number,
  limit: number,
  perImage = 1,
): number {
  return passSize(model, {
    ...estimateOptions(kind, inputShape),
    limitBytes: limit,
    max,
    perItem: perImage,
    where: method,
    work: kind === "inference" ? "inference" : "gradient pass",
  });
}

function details(
  model: Explainable,
  kind: PassKind,
  inputShape: readonly number[],
  batchSize: number,
  microBatch: number,
  limit: number | null,
): MemoryErrorDetails {
  return {
    model: String(model.config.name),
    inputShape,
    work: kind === "inference" ? "inference" : "gradient pass",
    batchSize,
    microBatch,
    bytes: estimateStepMemory(model, { ...estimateOptions(kind, inputShape), batchSize: microBatch }).bytes,
    limitBytes: limit ?? 0,
  };
}

/** A wasm heap exhaustion inside `work` as a MemoryError naming the method, model and batch. */
export async function guardHeap<R>(
  method: string,
  model: Explainable,
  kind: PassKind,
  inputShape: readonly number[],
  batchSize: number,
  limit: number | null,
  work: () => Promise<R>,
): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (!isHeapExhaustion(error)) throw error;
    const d = details(model, kind, inputShape, batchSize, batchSize, limit);
    throw new MemoryError(
      d,
      `the wasm heap ran out (${(error as Error).name}: ${(error as Error).message}) in ` +
        `${describeWork(d)} (${method}); estimated ${formatBytes(d.bytes)}` +
        (limit !== null ? `, limit ${formatBytes(limit)}` : "") +
        "; the model is unchanged, but the wasm backend may be unusable now: restart the process and pass " +
        "fewer images (or a smaller heapLimitBytes)",
      { cause: error },
    );
  }
}

/**
 * Run `run` on all of `images` when their pass fits the heap, else on consecutive chunks that do, and join
 * the results: maps, weights and scores in order, the record's image indices offset to the whole batch.
 */
export async function inChunks<T extends tf.Tensor, R extends CamResult<readonly number[]>>(
  method: string,
  model: Explainable,
  images: T,
  options: MapOptions,
  kind: PassKind,
  run: (images: T, options: MapOptions) => Promise<R>,
): Promise<R> {
  const limit = heapLimitOf(options);
  const n = images.shape[0];
  const inputShape = images.shape.slice(1);
  const perImage = options.topK ?? 1;
  const chunk = limit === null || images.rank < 2
    ? n
    : imagesPerPass(method, model, kind, inputShape, n, limit, perImage);
  if (chunk >= n) {
    return guardHeap(method, model, kind, inputShape, n * perImage, limit, () => run(images, options));
  }
  const numClasses = Number(model.config.numClasses ?? Infinity);
  checkSelection(method, options.classIndex ?? "top1", options.topK, n, numClasses);
  const parts: { start: number; result: R }[] = [];
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const part = tf.slice(images, start, size) as T;
    try {
      const classIndex = chunkSelector(options.classIndex, start, size);
      const result = await guardHeap(
        method,
        model,
        kind,
        inputShape,
        size * perImage,
        limit,
        () => run(part, { ...options, classIndex }),
      );
      parts.push({ start, result });
    } finally {
      part.dispose();
    }
  }
  return join(parts, images.shape);
}

function chunkSelector(
  selector: ClassSelector | undefined,
  start: number,
  size: number,
): ClassSelector | undefined {
  return Array.isArray(selector) ? selector.slice(start, start + size) : selector;
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

function join<R extends CamResult<readonly number[]>>(
  parts: { start: number; result: R }[],
  inputShape: readonly number[],
): R {
  const results = parts.map((p) => p.result);
  const first = results[0];
  const record: CamRecord = Object.freeze({
    ...first.record,
    classIndex: Object.freeze(results.flatMap((r) => [...r.record.classIndex])),
    imageIndex: Object.freeze(parts.flatMap((p) => p.result.record.imageIndex.map((i) => i + p.start))),
    inputShape: Object.freeze([...inputShape]),
  });
  const count = results.reduce((s, r) => s + r.shape[0], 0);
  return Object.freeze({
    maps: concat(results.map((r) => r.maps)),
    shape: Object.freeze([count, ...first.shape.slice(1)]),
    weights: first.weights ? concat(results.map((r) => r.weights!)) : undefined,
    scores: concat(results.map((r) => r.scores)),
    record,
  }) as unknown as R;
}
