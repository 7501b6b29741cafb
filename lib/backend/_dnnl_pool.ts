/**
 * Max pooling kernels for the wasm backend on oneDNN ({@link Dnnl}): `MaxPool` and `MaxPoolGrad` (NHWC).
 * The gradient follows the cpu backend's rule (each window's dy goes to its first maximum in row-major
 * order; padded positions never win), checked on inputs full of ties.
 *
 * @module
 */
import type { Dnnl, PoolProblem } from "../native/mod.ts";
import { type PoolAttrs, poolProblem } from "./_geometry.ts";
import {
  type HeapBackend,
  heapPointer as at,
  type Info,
  type KernelArgs,
  nativeOutput,
} from "./_kernel_util.ts";

const usable = (p: PoolProblem) =>
  p.n * p.oh * p.ow * p.c > 0 && p.top < p.kh && p.left < p.kw && p.bottom < p.kh && p.right < p.kw;

/** MaxPool forward on oneDNN, or null when it does not apply. */
export function dnnlMaxPool(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x } = args.inputs as { x: Info };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32") return null;
  const p = poolProblem(x.shape, args.attrs as unknown as PoolAttrs);
  if (!usable(p)) return null;
  return nativeOutput(
    backend,
    [p.n, p.oh, p.ow, p.c],
    (y) => dnnl.maxPoolForward(p, { x: at(backend, x), y: at(backend, y) }),
  );
}

/** MaxPoolGrad (inputs dy, input, output) on oneDNN, or null when it does not apply. */
export function dnnlMaxPoolGrad(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { dy, input: x } = args.inputs as { dy: Info; input: Info };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32" || dy.dtype !== "float32") return null;
  const p = poolProblem(x.shape, args.attrs as unknown as PoolAttrs);
  if (!usable(p)) return null;
  return nativeOutput(
    backend,
    x.shape,
    (dx) => dnnl.maxPoolBackward(p, { x: at(backend, x), dy: at(backend, dy), dx: at(backend, dx) }),
  );
}
