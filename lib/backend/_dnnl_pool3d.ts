/**
 * 3-D pooling kernels for the wasm backend on oneDNN ({@link Dnnl}), NDHWC: `MaxPool3D`, `MaxPool3DGrad`,
 * `AvgPool3D` and `AvgPool3DGrad`. Max pooling's gradient goes to each window's first maximum in (depth, row,
 * column) order (padded positions never win); average pooling divides by the number of the window's positions
 * inside the input (padding excluded, as the forward pass of every tfjs backend), and its gradient is the exact
 * gradient of that forward pass: dx[i] = Σ_{windows W ∋ i} dy[W] / |W ∩ x|.
 *
 * @module
 */
import type { Dnnl, Pool3DProblem } from "../native/mod.ts";
import { dnnlPadsOk, type Pool3DAttrs, pool3dProblem } from "./_geometry3d.ts";
import {
  type HeapBackend,
  heapPointer as at,
  type Info,
  type KernelArgs,
  nativeOutput,
} from "./_kernel_util.ts";

/** oneDNN needs every window to hold at least one input position. */
const usable = (p: Pool3DProblem | null): p is Pool3DProblem =>
  p != null && dnnlPadsOk(p) && p.n * p.od * p.oh * p.ow * p.c > 0 && p.front < p.kd && p.back < p.kd &&
  p.top < p.kh &&
  p.bottom < p.kh && p.left < p.kw && p.right < p.kw;

function problem(x: Info, args: KernelArgs, ...more: (Info | undefined)[]): Pool3DProblem | null {
  if (x.dtype !== "float32" || more.some((t) => t != null && t.dtype !== "float32")) return null;
  const p = pool3dProblem(x.shape, args.attrs as unknown as Pool3DAttrs);
  return usable(p) ? p : null;
}

/** A forward kernel: y of shape [n, od, oh, ow, c] from x, filled by `run` with the heap pointers. */
function forward(
  args: KernelArgs,
  run: (p: Pool3DProblem, ptr: { x: Deno.PointerValue; y: Deno.PointerValue }) => boolean,
): Info | null {
  const { x } = args.inputs as { x: Info };
  const backend = args.backend as HeapBackend;
  const p = problem(x, args);
  if (p == null) return null;
  return nativeOutput(
    backend,
    [p.n, p.od, p.oh, p.ow, p.c],
    (y) => run(p, { x: at(backend, x), y: at(backend, y) }),
  );
}

/** A gradient kernel (inputs dy and input): dx of x's shape, filled by `run` with the heap pointers. */
function backward(
  args: KernelArgs,
  run: (
    p: Pool3DProblem,
    ptr: { x: Deno.PointerValue; dy: Deno.PointerValue; dx: Deno.PointerValue },
  ) => boolean,
): Info | null {
  const { dy, input: x } = args.inputs as { dy: Info; input: Info };
  const backend = args.backend as HeapBackend;
  const p = problem(x, args, dy);
  if (p == null) return null;
  return nativeOutput(
    backend,
    x.shape,
    (dx) => run(p, { x: at(backend, x), dy: at(backend, dy), dx: at(backend, dx) }),
  );
}

/** MaxPool3D forward on oneDNN, or null when it does not apply. */
export function dnnlMaxPool3D(dnnl: Dnnl, args: KernelArgs): Info | null {
  return forward(args, (p, ptr) => dnnl.maxPoolForward(p, ptr));
}

/** MaxPool3DGrad (inputs dy, input, output) on oneDNN, or null when it does not apply. */
export function dnnlMaxPool3DGrad(dnnl: Dnnl, args: KernelArgs): Info | null {
  return backward(args, (p, ptr) => dnnl.maxPoolBackward(p, ptr));
}

/** AvgPool3D forward on oneDNN (padding excluded from the mean), or null when it does not apply. */
export function dnnlAvgPool3D(dnnl: Dnnl, args: KernelArgs): Info | null {
  return forward(args, (p, ptr) => dnnl.avgPoolForward(p, ptr));
}

/** AvgPool3DGrad (inputs dy, input) on oneDNN, or null when it does not apply. */
export function dnnlAvgPool3DGrad(dnnl: Dnnl, args: KernelArgs): Info | null {
  return backward(args, (p, { dy, dx }) => dnnl.avgPoolBackward(p, { dy, dx }));
}
