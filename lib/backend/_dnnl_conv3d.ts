/**
 * Conv3D kernels for the wasm backend on oneDNN ({@link Dnnl}): `Conv3D`, `Conv3DBackpropInputV2` and
 * `Conv3DBackpropFilterV2` (NDHWC activations, DHWIO filters), any stride, padding and dilation, run on the
 * tensors in the wasm heap:
 * y[n, a, p, q, o] = Σ_{k, i, j, c} x[n, a·sd + k·dd − front, p·sh + i·dh − top, q·sw + j·dw − left, c] ·
 * w[k, i, j, c, o].
 *
 * @module
 */
import type { Dnnl } from "../native/mod.ts";
import { type Conv3DAttrs, conv3dProblem, dnnlPadsOk } from "./_geometry3d.ts";
import {
  type HeapBackend,
  heapPointer as at,
  type Info,
  type KernelArgs,
  nativeOutput,
} from "./_kernel_util.ts";

/** Conv3D forward on oneDNN, or null when it does not apply (NCDHW, not float32, empty). */
export function dnnlConv3D(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, filter } = args.inputs as { x: Info; filter: Info };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32" || filter.dtype !== "float32") return null;
  const p = conv3dProblem(x.shape, filter.shape, args.attrs as unknown as Conv3DAttrs);
  if (p == null || !dnnlPadsOk(p) || p.n * p.od * p.oh * p.ow * p.o === 0 || p.c === 0) return null;
  return nativeOutput(
    backend,
    [p.n, p.od, p.oh, p.ow, p.o],
    (y) =>
      dnnl.convForward(p, { x: at(backend, x), w: at(backend, filter), b: null, y: at(backend, y) }, false),
  );
}

/** Conv3DBackpropInputV2: dx from dy and the filter, on oneDNN, or null when it does not apply. */
export function dnnlConv3DBackpropInput(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as Conv3DAttrs & { inputShape: number[] };
  if (dy.dtype !== "float32" || filter.dtype !== "float32") return null;
  const p = conv3dProblem(attrs.inputShape, filter.shape, attrs);
  if (p == null || !dnnlPadsOk(p) || p.n * p.d * p.h * p.w * p.c === 0 || p.od * p.oh * p.ow * p.o === 0) {
    return null;
  }
  return nativeOutput(
    backend,
    [p.n, p.d, p.h, p.w, p.c],
    (dx) => dnnl.convBackwardData(p, { dy: at(backend, dy), w: at(backend, filter), dx: at(backend, dx) }),
  );
}

/** Conv3DBackpropFilterV2: dw (DHWIO) from x and dy, on oneDNN, or null when it does not apply. */
export function dnnlConv3DBackpropFilter(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as Conv3DAttrs & { filterShape: number[] };
  if (x.dtype !== "float32" || dy.dtype !== "float32") return null;
  const p = conv3dProblem(x.shape, attrs.filterShape, attrs);
  if (p == null || !dnnlPadsOk(p) || p.n * p.od * p.oh * p.ow === 0 || p.c * p.o === 0) return null;
  return nativeOutput(
    backend,
    attrs.filterShape,
    (dw) => dnnl.convBackwardWeights(p, { x: at(backend, x), dy: at(backend, dy), dw: at(backend, dw) }),
  );
}
