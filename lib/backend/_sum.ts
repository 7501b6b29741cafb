/**
 * Sum and mean over a block of axes before the last, for the wasm backend. Stock wasm reduces only innermost
 * axes, so summing an NHWC gradient over (n, h, w) — every bias gradient — first transposes the whole tensor
 * (~70 ms for 32×64×64×32), and so does a global average pool's mean over (h, w); a GEMV with the tensor as
 * the weight operand is no better (XNNPACK packs it each call). Here such reductions are one pass over the wasm
 * heap with float64 accumulators (as the cpu backend sums): with the shape read as [outer, m, inner] around
 * the reduced block, s[o, j] = Σ_m x[o, m, j], and the mean s[o, j]/M. Other reductions go to the stock
 * kernel.
 *
 * @module
 */
import type * as tf from "../tf.ts";
import { type HeapBackend, type Info, type KernelArgs } from "./_kernel_util.ts";

/** Sum (or, with `mean`, mean) over contiguous axes before the last; null where the stock kernel should run. */
function blockReduce(args: KernelArgs, mean: boolean): Info | null {
  const { x } = args.inputs as { x: Info };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))]
    .sort((a, b) => a - b);
  const first = axes[0], last = axes[axes.length - 1];
  const block = axes.length > 0 && last < rank - 1 && axes.every((a, i) => a === first + i);
  if (x.dtype !== "float32" || !block) return null;
  const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const outer = prod(x.shape.slice(0, first)), m = prod(x.shape.slice(first, last + 1));
  const inner = prod(x.shape.slice(last + 1));
  const backend = args.backend as HeapBackend;
  const outShape = keepDims
    ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
    : x.shape.filter((_, i) => i < first || i > last);
  const out = backend.makeOutput(outShape, "float32");
  const xv = backend.typedArrayFromHeap(x); // after the allocation: growth detaches views
  const ov = backend.typedArrayFromHeap(out);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let r = 0, at = o * m * inner; r < m; r++) for (let j = 0; j < inner; j++, at++) acc[j] += xv[at];
    // The mean as the cpu backend's: the float32 sum divided by the count.
    for (let j = 0; j < inner; j++) ov[o * inner + j] = mean ? Math.fround(acc[j]) / m : acc[j];
  }
  return out;
}

/** Wraps the stock Sum kernel. */
export function makeSum(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) =>
    blockReduce(args, false) ??
      stock(args as unknown as Parameters<tf.KernelFunc>[0])) as unknown as tf.KernelFunc;
}

/** Wraps the stock Mean kernel. */
export function makeMean(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) =>
    blockReduce(args, true) ??
      stock(args as unknown as Parameters<tf.KernelFunc>[0])) as unknown as tf.KernelFunc;
}
