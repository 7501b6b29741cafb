/**
 * Conv2D kernels for the wasm backend on oneDNN ({@link Dnnl}): forward (bias and ReLU fused), input
 * gradient and filter gradient, any stride, padding and dilation, run on the tensors in the wasm heap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ConvProblem, Dnnl } from "./dnnl.ts";
import type { Info, WasmLike } from "./_kernel_util.ts";
import { biasActivation, type HeapBackend } from "./_native_conv.ts";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: WasmLike; attrs: tf.NamedAttrMap };
type ConvAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/**
 * The problem in oneDNN's terms (tfjs's geometry: the declared output size decides the bottom/right
 * padding, as the cpu backend sizes it), or null for NCHW.
 */
export function convProblem(xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvProblem | null {
  if (attrs.dataFormat != null && attrs.dataFormat !== "NHWC") return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, c] = xShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: eh, effectiveFilterWidth: ew } = info;
  const { top, left } = info.padInfo;
  return {
    n,
    h,
    w,
    c,
    o: filterShape[3],
    kh: filterShape[0],
    kw: filterShape[1],
    oh,
    ow,
    sh,
    sw,
    dh,
    dw,
    top,
    left,
    bottom: (oh - 1) * sh + eh - h - top,
    right: (ow - 1) * sw + ew - w - left,
  };
}

const at = (backend: HeapBackend, info: Info) => Deno.UnsafePointer.of(backend.typedArrayFromHeap(info));

/** Conv2D, or FusedConv2D when `fused` (bias and ReLU inside oneDNN; other activations after, on wasm). */
export function dnnlConv2D(dnnl: Dnnl, args: KernelArgs, fused = false): Info | null {
  const { x, filter, bias, preluActivationWeights } = args.inputs as {
    x: Info;
    filter: Info;
    bias?: Info;
    preluActivationWeights?: Info;
  };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32" || filter.dtype !== "float32") return null;
  const p = convProblem(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
  if (p == null || p.n * p.oh * p.ow * p.o === 0) return null;
  const { activation, leakyreluAlpha } = args.attrs as unknown as {
    activation?: string;
    leakyreluAlpha?: number;
  };
  const act = fused ? activation ?? "linear" : "linear";
  const nativeBias = fused && bias != null && bias.dtype === "float32" &&
    tf.util.sizeFromShape(bias.shape) === p.o;
  const relu = act === "relu";
  const y = backend.makeOutput([p.n, p.oh, p.ow, p.o], "float32");
  const ok = dnnl.convForward(p, {
    x: at(backend, x),
    w: at(backend, filter),
    b: nativeBias ? at(backend, bias!) : null,
    y: at(backend, y),
  }, relu);
  if (!ok) {
    backend.disposeData(y.dataId);
    return null;
  }
  if (!fused || ((nativeBias || bias == null) && (relu || act === "linear"))) return y;
  return biasActivation(backend, y, nativeBias ? undefined : bias, relu ? "linear" : act, {
    preluActivationWeights,
    leakyreluAlpha,
  });
}

/** Conv2DBackpropInput: dx from dy and the filter. */
export function dnnlConv2DBackpropInput(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  if (dy.dtype !== "float32") return null;
  const p = convProblem(attrs.inputShape, filter.shape, attrs);
  if (p == null || p.n * p.h * p.w * p.c === 0) return null;
  const dx = backend.makeOutput([p.n, p.h, p.w, p.c], "float32");
  if (!dnnl.convBackwardData(p, { dy: at(backend, dy), w: at(backend, filter), dx: at(backend, dx) })) {
    backend.disposeData(dx.dataId);
    return null;
  }
  return dx;
}

/** Conv2DBackpropFilter: dw (HWIO) from x and dy. */
export function dnnlConv2DBackpropFilter(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (x.dtype !== "float32") return null;
  const p = convProblem(x.shape, attrs.filterShape, attrs);
  if (p == null) return null;
  const dw = backend.makeOutput(attrs.filterShape, "float32");
  if (!dnnl.convBackwardWeights(p, { x: at(backend, x), dy: at(backend, dy), dw: at(backend, dw) })) {
    backend.disposeData(dw.dataId);
    return null;
  }
  return dw;
}
