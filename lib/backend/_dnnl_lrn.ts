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

/**
 * Below this many elements the wasm kernel runs: a oneDNN call costs a fixed ~20 ms when other work keeps both
 * cores busy (its OpenMP threads wait to be scheduled; measured at load average 11: 23 ms for 4.6k elements
 * against 0.1 ms on wasm), which wasm's ~50 ns per element repays only from a few hundred thousand elements.
 * GoogLeNet's LRNs at 224 px hold 6–19 M elements at batch 32; those of the 1/16-width study nets far fewer.
 */
export const MIN_NATIVE_LRN = 1 << 18;

type LrnAttrs = { depthRadius: number; bias: number; alpha: number; beta: number };

/**
 * The problem for an NHWC float32 tensor, or null when oneDNN is not to take it: empty, not 4-D, odd attrs,
 * depthRadius 0 (a window of one channel: oneDNN 2.6's jit backward segfaults on local_size 1), or fewer than
 * {@link MIN_NATIVE_LRN} elements.
 */
function lrnProblem(x: Info, attrs: LrnAttrs): LrnProblem | null {
  if (x.dtype !== "float32" || x.shape.length !== 4) return null;
  const [n, h, w, c] = x.shape;
  const { depthRadius: radius, bias, alpha, beta } = attrs;
  if (n * h * w * c < MIN_NATIVE_LRN || !Number.isInteger(radius) || radius < 1) return null;
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

/**
 * Whether oneDNN 2.6's LRN backward is right for the problem: its jit kernel (NHWC) returns wrong gradients
 * (errors of order 1) when C > 16 is not a multiple of 16 and depthRadius > 2. Checked case by case against the
 * cpu backend: C ∈ {3..15} up to r 30, multiples of 16 up to r 30, any C at r ≤ 2.
 */
function backwardSupported(p: LrnProblem): boolean {
  return p.radius <= 2 || p.c % 16 === 0 || p.c < 16;
}

/** LRNGrad (inputs x, y, dy) on oneDNN from x and dy (y is not needed), or null when it does not apply. */
export function dnnlLrnGrad(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const backend = args.backend as HeapBackend;
  if (dy.dtype !== "float32") return null;
  const p = lrnProblem(x, args.attrs as unknown as LrnAttrs);
  if (p == null || !backwardSupported(p)) return null;
  return nativeOutput(
    backend,
    x.shape,
    (dx) => dnnl.lrnBackward(p, { x: at(backend, x), dy: at(backend, dy), dx: at(backend, dx) }),
  );
}
