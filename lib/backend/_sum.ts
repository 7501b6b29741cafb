/**
 * Sum over leading axes for the wasm backend. Stock wasm reduces only innermost axes, so summing an NHWC
 * gradient over (n, h, w) — every bias gradient — first transposes the whole tensor (~70 ms for
 * 32×64×64×32); a GEMV with the tensor as the weight operand is no better (XNNPACK packs it each call).
 * Here such sums are one pass over the wasm heap with float64 accumulators (as the cpu backend sums):
 * s[c] = Σ_r x[r, c]. Other reductions go to the stock kernel.
 *
 * @module
 */
import type * as tf from "../tf.ts";
import { type HeapBackend, type Info, type KernelArgs } from "./_kernel_util.ts";

/** Wraps the stock Sum kernel. */
export function makeSum(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))]
      .sort();
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== "float32" || !leading) return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as HeapBackend;
    const rest = x.shape.slice(axes.length);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const cols = rest.reduce((a, b) => a * b, 1);
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, "float32");
    const xv = backend.typedArrayFromHeap(x); // after the allocation: growth detaches views
    const acc = new Float64Array(cols);
    for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < cols; j++, o++) acc[j] += xv[o];
    backend.typedArrayFromHeap(out).set(acc);
    return out;
  }) as unknown as tf.KernelFunc;
}
