/**
 * Comparisons with broadcasting for the wasm backend. Stock wasm (4.22) compares two tensors of one shape fast,
 * but where one operand broadcasts it walks a generic index path in C++, ~15x slower: `Equal` of
 * [32,16,16,32] against [32,1,1,32] takes 16 ms where the same shapes take 1 ms and `Sub` with the same
 * broadcast 0.6 ms (measured on the build machine). That is the gradient of every global max pool (tfjs-core's
 * `Max` gradient masks x with `Equal(x, max)`), so a GMP net trained at twice a GAP net's step time. Here a
 * broadcast comparison of float32 or int32 operands is one pass over the wasm heap, the broadcast operand
 * walked with zero strides: out[i] = a[i_a] ⊙ b[i_b]. Same-shape and other comparisons go to the stock kernel.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { HeapBackend, Info, KernelArgs } from "./_kernel_util.ts";

/** The comparison of each kernel this module wraps. */
export const COMPARISONS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  Equal: (a, b) => a === b,
  NotEqual: (a, b) => a !== b,
  Greater: (a, b) => a > b,
  GreaterEqual: (a, b) => a >= b,
  Less: (a, b) => a < b,
  LessEqual: (a, b) => a <= b,
};

/** Element strides of `shape` padded on the left to `rank`, 0 along the axes it broadcasts (size 1). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const rank = out.length, padded = [...new Array(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank).fill(0);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 && out[d] !== 1 ? 0 : s;
    s *= padded[d];
  }
  return strides;
}

/** Wraps the stock kernel `name` (one of {@linkcode COMPARISONS}). */
export function makeComparison(name: string, stock: tf.KernelFunc): tf.KernelFunc {
  const test = COMPARISONS[name];
  if (test == null) throw new Error(`lib/backend: ${name} is not a comparison kernel`);
  return ((args: KernelArgs) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const numeric = (a.dtype === "float32" || a.dtype === "int32") && b.dtype === a.dtype;
    if (!numeric || tf.util.arraysEqual(a.shape, b.shape)) {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as HeapBackend;
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput(shape, "bool");
    const size = tf.util.sizeFromShape(shape);
    if (size === 0) return out;
    // Views after the allocation: growth detaches them.
    const av = backend.typedArrayFromHeap(a) as ArrayLike<number>;
    const bv = backend.typedArrayFromHeap(b) as ArrayLike<number>;
    const ov = backend.typedArrayFromHeap(out) as unknown as Uint8Array;
    const rank = shape.length, as = broadcastStrides(a.shape, shape), bs = broadcastStrides(b.shape, shape);
    const inner = shape[rank - 1], ai = as[rank - 1], bi = bs[rank - 1];
    const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
    let ao = 0, bo = 0;
    for (let o = 0; o < size; o += inner) {
      for (let j = 0, x = ao, y = bo; j < inner; j++, x += ai, y += bi) {
        ov[o + j] = test(av[x], bv[y]) ? 1 : 0;
      }
      // Odometer over the outer axes.
      for (let d = rank - 2; d >= 0; d--) {
        ao += as[d], bo += bs[d];
        if (++index[d] < shape[d]) break;
        ao -= as[d] * shape[d], bo -= bs[d] * shape[d];
        index[d] = 0;
      }
    }
    return out;
  }) as unknown as tf.KernelFunc;
}
