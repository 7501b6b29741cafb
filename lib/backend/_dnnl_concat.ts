/**
 * Concatenation and its gradient (`Concat`, `SplitV`) for the wasm backend on oneDNN ({@link Dnnl}): along
 * any axis, tensors of one rank are row-major matrices side by side (rows = Π dims before the axis,
 * widths = Π dims from the axis on), copied by oneDNN's threaded reorders, one per part. Stock wasm copies
 * `Concat` with one `subarray().set()` per row and part in JavaScript (~100k calls for an inception block's
 * channel concat at batch 32) and `SplitV` with one single-threaded `Slice` per part.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { ColumnsProblem, Dnnl } from "../native/mod.ts";
import { type HeapBackend, heapPointer as at, type Info, type KernelArgs } from "./_kernel_util.ts";

/** Below this many elements in all, the JavaScript/wasm copies win over the native calls' overhead. */
export const MIN_NATIVE_CONCAT = 1 << 15;

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Concat (inputs: the tensors; attrs: axis) on oneDNN, or null when it does not apply. */
export function dnnlConcat(dnnl: Dnnl, args: KernelArgs): Info | null {
  const all = Object.values(args.inputs) as Info[];
  if (!all.length || all.some((t) => t.dtype !== "float32" || t.shape.length !== all[0].shape.length)) {
    return null;
  }
  const xs = all.filter((t) => sizeOf(t.shape) > 0);
  if (xs.length < 2) return null;
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, xs[0].shape)[0];
  const outShape = tf.backend_util.computeOutShape(xs.map((t) => t.shape), axis);
  if (sizeOf(outShape) < MIN_NATIVE_CONCAT) return null;
  const p: ColumnsProblem = {
    rows: sizeOf(outShape.slice(0, axis)),
    widths: xs.map((t) => sizeOf(t.shape.slice(axis))),
  };
  const backend = args.backend as HeapBackend;
  const y = backend.makeOutput(outShape, "float32");
  // Pointers after the allocation: growing the wasm heap moves it.
  if (dnnl.concatColumns(p, { xs: xs.map((t) => at(backend, t)), y: at(backend, y) })) return y;
  backend.disposeData(y.dataId);
  return null;
}

/** SplitV (input x; attrs numOrSizeSplits, axis) on oneDNN, or null when it does not apply. */
export function dnnlSplitV(dnnl: Dnnl, args: KernelArgs): Info[] | null {
  const { x } = args.inputs as { x: Info };
  if (x.dtype !== "float32" || sizeOf(x.shape) < MIN_NATIVE_CONCAT) return null;
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    args.attrs.numOrSizeSplits as number | number[],
    axis,
  );
  // Empty parts (a concatenation's gradient for an empty input) get empty outputs and no copy.
  const filled = sizes.flatMap((s, i) => s > 0 ? [i] : []);
  if (sizes.some((s) => s < 0) || filled.length < 2) return null;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const p: ColumnsProblem = {
    rows: sizeOf(x.shape.slice(0, axis)),
    widths: filled.map((i) => sizes[i] * inner),
  };
  const backend = args.backend as HeapBackend;
  const ys = sizes.map((s) => backend.makeOutput(x.shape.map((d, i) => i === axis ? s : d), "float32"));
  if (dnnl.splitColumns(p, { x: at(backend, x), ys: filled.map((i) => at(backend, ys[i])) })) return ys;
  for (const y of ys) backend.disposeData(y.dataId);
  return null;
}
