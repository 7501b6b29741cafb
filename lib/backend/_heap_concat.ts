/**
 * Concatenation and its gradient (`Concat`, `SplitV`) for the wasm backend as copies inside the wasm heap.
 * Along any axis, same-rank tensors are row-major matrices side by side (rows = Π dims before the axis,
 * widths = Π dims from the axis on): y[r, o_i + j] = x_i[r, j] with o_i = Σ_{k<i} w_k, and the split is its
 * inverse. Each row of each part is one `copyWithin` on a view of the whole heap (a memmove: no views made,
 * bits copied exactly). Stock wasm makes a `subarray` per row and part for `Concat` and runs `SplitV` as
 * element-by-element JavaScript `Slice`s (3-10x slower on an inception block's channel split). Single-threaded
 * on purpose: oneDNN reorders (one OpenMP region per part) lost to the stock copy on a loaded 2-core machine.
 * Other dtypes, and fewer than two non-empty parts, go to the stock kernels.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { HeapBackend, Info, KernelArgs } from "./_kernel_util.ts";

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Copies part i's rows from/to its columns of the joined matrix: y[r, o_i + j] ⇄ x_i[r, j]. */
function copyColumns(
  heap: Float32Array,
  joined: number,
  parts: number[],
  widths: number[],
  rows: number,
  split: boolean,
) {
  const total = widths.reduce((a, b) => a + b, 0);
  let col = 0;
  for (let i = 0; i < parts.length; i++) {
    const w = widths[i], part = parts[i];
    if (rows === 1 || w === total) {
      // One block: the whole part is contiguous in the joined matrix too.
      const j = joined + col;
      if (split) heap.copyWithin(part, j, j + rows * w);
      else heap.copyWithin(j, part, part + rows * w);
    } else if (split) {
      for (let r = 0, j = joined + col, p = part; r < rows; r++, j += total, p += w) {
        heap.copyWithin(p, j, j + w);
      }
    } else {
      for (let r = 0, j = joined + col, p = part; r < rows; r++, j += total, p += w) {
        heap.copyWithin(j, p, p + w);
      }
    }
    col += w;
  }
}

/** The heap (as float32) and the element offset of `info`'s data in it; call after the last allocation. */
function heapAt(backend: HeapBackend, info: Info): { heap: Float32Array; at: number } {
  const view = backend.typedArrayFromHeap(info);
  return { heap: new Float32Array(view.buffer), at: view.byteOffset / 4 };
}

/** Wraps the stock Concat kernel: float32 concatenations of two or more non-empty parts as heap copies. */
export function makeConcat(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const all = Object.values(args.inputs) as Info[];
    const xs = all.filter((t) => sizeOf(t.shape) > 0);
    const rank = all[0]?.shape.length;
    if (xs.length < 2 || all.some((t) => t.dtype !== "float32" || t.shape.length !== rank)) {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, xs[0].shape)[0];
    tf.backend_util.assertParamsConsistent(xs.map((t) => t.shape), axis);
    const outShape = tf.backend_util.computeOutShape(xs.map((t) => t.shape), axis);
    const backend = args.backend as HeapBackend;
    const out = backend.makeOutput(outShape, "float32");
    const { heap, at } = heapAt(backend, out); // after the allocation: growing the heap detaches views
    const parts = xs.map((t) => heapAt(backend, t).at);
    copyColumns(
      heap,
      at,
      parts,
      xs.map((t) => sizeOf(t.shape.slice(axis))),
      sizeOf(outShape.slice(0, axis)),
      false,
    );
    return out;
  }) as unknown as tf.KernelFunc;
}

/** Wraps the stock SplitV kernel: float32 splits as heap copies (empty parts get empty outputs). */
export function makeSplitV(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: Info };
    if (x.dtype !== "float32" || sizeOf(x.shape) === 0) {
      return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(
      x as unknown as tf.Tensor,
      args.attrs.numOrSizeSplits as number | number[],
      axis,
    );
    const backend = args.backend as HeapBackend;
    const ys = sizes.map((s) => backend.makeOutput(x.shape.map((d, i) => i === axis ? s : d), "float32"));
    const filled = ys.filter((y) => sizeOf(y.shape) > 0);
    const { heap, at } = heapAt(backend, x);
    const inner = sizeOf(x.shape.slice(axis + 1));
    copyColumns(
      heap,
      at,
      filled.map((y) => heapAt(backend, y).at),
      filled.map((y) => y.shape[axis] * inner),
      sizeOf(x.shape.slice(0, axis)),
      true,
    );
    return ys;
  }) as unknown as tf.KernelFunc;
}
