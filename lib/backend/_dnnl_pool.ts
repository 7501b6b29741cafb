/**
 * Max pooling kernels for the wasm backend on oneDNN ({@link Dnnl}): `MaxPool` and `MaxPoolGrad` (NHWC).
 * The gradient follows the cpu backend's rule (each window's dy goes to its first maximum in row-major
 * order; padded positions never win), checked on inputs full of ties.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dnnl, PoolProblem } from "./dnnl.ts";
import type { Info, WasmLike } from "./_kernel_util.ts";
import type { HeapBackend } from "./_native_conv.ts";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: WasmLike; attrs: tf.NamedAttrMap };
type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/** The pooling problem in oneDNN's terms (bottom/right padding from tfjs's declared output size). */
export function poolProblem(xShape: number[], attrs: PoolAttrs): PoolProblem {
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, c] = xShape;
  const {
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const { top, left } = info.padInfo;
  return {
    n,
    h,
    w,
    c,
    oh,
    ow,
    kh,
    kw,
    sh,
    sw,
    top,
    left,
    bottom: (oh - 1) * sh + kh - h - top,
    right: (ow - 1) * sw + kw - w - left,
  };
}

const at = (backend: HeapBackend, info: Info) => Deno.UnsafePointer.of(backend.typedArrayFromHeap(info));
const usable = (p: PoolProblem) =>
  p.n * p.oh * p.ow * p.c > 0 && p.top < p.kh && p.left < p.kw && p.bottom < p.kh && p.right < p.kw;

/** MaxPool forward on oneDNN, or null when it does not apply. */
export function dnnlMaxPool(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x } = args.inputs as { x: Info };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32") return null;
  const p = poolProblem(x.shape, args.attrs as unknown as PoolAttrs);
  if (!usable(p)) return null;
  const y = backend.makeOutput([p.n, p.oh, p.ow, p.c], "float32");
  if (!dnnl.maxPoolForward(p, { x: at(backend, x), y: at(backend, y) })) {
    backend.disposeData(y.dataId);
    return null;
  }
  return y;
}

/** MaxPoolGrad (inputs dy, input, output) on oneDNN, or null when it does not apply. */
export function dnnlMaxPoolGrad(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { dy, input: x } = args.inputs as { dy: Info; input: Info };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32" || dy.dtype !== "float32") return null;
  const p = poolProblem(x.shape, args.attrs as unknown as PoolAttrs);
  if (!usable(p)) return null;
  const dx = backend.makeOutput(x.shape, "float32");
  if (!dnnl.maxPoolBackward(p, { x: at(backend, x), dy: at(backend, dy), dx: at(backend, dx) })) {
    backend.disposeData(dx.dataId);
    return null;
  }
  return dx;
}
