/**
 * Local response normalization kernels for the wasm backend on oneDNN ({@link Dnnl}): `LRN` and `LRNGrad`
 * (NHWC, across channels), in TensorFlow's terms
 * y[n, h, w, c] = x[n, h, w, c] / (bias + alpha · Σ_{|c'−c| ≤ depthRadius} x[n, h, w, c']²)^beta,
 * dx[k] = Σ_{c: |c−k| ≤ r} dy[c] · (δ_{kc} · N_c^{−beta} − 2·alpha·beta · x[k] · y[c] / N_c), N_c the denominator's base.
 * lib/native converts alpha (oneDNN divides its alpha by the window size 2·depthRadius + 1).
 * Checked against the cpu backend's `LRN` and `LRNGrad`.
 *
 * @module
 */
import type { Dnnl, LrnProblem } from "../native/mod.ts";
import {
  type HeapBackend,
  heapPointer as at,
  type Info,
  type KernelArgs,
  nativeOutput,
} from "./_kernel_util.ts";

type LrnAttrs = { depthRadius: number; bias: number; alpha: number; beta: number };

/**
 * The problem for an NHWC float32 tensor, or null when oneDNN is not to take it: empty, not 4-D, odd attrs,
 * or depthRadius 0 (a window of one channel: oneDNN 2.6's jit backward segfaults on local_size 1).
 */
function lrnProblem(x: Info, attrs: LrnAttrs): LrnProblem | null {
  if (x.dtype !== "float32" || x.shape.length !== 4) return null;
  const [n, h, w, c] = x.shape;
  const { depthRadius: radius, bias, alpha, beta } = attrs;
  if (n * h * w * c === 0 || !Number.isInteger(radius) || radius < 1) return null;
  if (![bias, alpha, beta].every(Number.isFinite)) return null;
  return { n, h, w, c, radius, bias, alpha, beta };
}

/** LRN forward on oneDNN, or null when it does not apply. */
export function dnnlLrn(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x } = args.inputs as { x: Info };
  const backend = args.backend as HeapBackend;
  const p = lrnProblem(x, args.attrs as unknown as LrnAttrs);
  if (p == null) return null;
  return nativeOutput(backend, x.shape, (y) => dnnl.lrnForward(p, { x: at(backend, x), y: at(backend, y) }));
}

/** LRNGrad (inputs x, y, dy) on oneDNN from x and dy (y is not needed), or null when it does not apply. */
export function dnnlLrnGrad(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const backend = args.backend as HeapBackend;
  if (dy.dtype !== "float32") return null;
  const p = lrnProblem(x, args.attrs as unknown as LrnAttrs);
  if (p == null) return null;
  return nativeOutput(
    backend,
    x.shape,
    (dx) => dnnl.lrnBackward(p, { x: at(backend, x), dy: at(backend, dy), dx: at(backend, dx) }),
  );
}
