/**
 * Conv2D kernels for the wasm backend on oneDNN ({@link Dnnl}): forward (bias and ReLU fused), input
 * gradient and filter gradient, any stride, padding and dilation, run on the tensors in the wasm heap. The
 * filter's data id is the weights key (tfjs never changes a tensor's values in place: a variable's `assign`
 * gives it a new data id), so a layer run again with the same weights — every batch of an inference pass,
 * the micro-batches of one training step — skips oneDNN's reorder of the weights.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { Dnnl } from "../native/mod.ts";
import { convProblem } from "./_geometry.ts";
import {
  type ConvAttrs,
  type HeapBackend,
  heapPointer as at,
  type Info,
  type KernelArgs,
  nativeOutput,
} from "./_kernel_util.ts";
import { biasActivation } from "./_native_conv.ts";

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
  // ReLU goes inside oneDNN only when the bias does too (relu(conv) + b ≠ relu(conv + b)).
  const fuseRelu = act === "relu" && (bias == null || nativeBias);
  const y = nativeOutput(backend, [p.n, p.oh, p.ow, p.o], (y) =>
    dnnl.convForward(p, {
      x: at(backend, x),
      w: at(backend, filter),
      b: nativeBias ? at(backend, bias!) : null,
      y: at(backend, y),
      weightsKey: filter.dataId,
    }, fuseRelu));
  if (y == null || !fused) return y;
  const restBias = nativeBias ? undefined : bias, restAct = fuseRelu ? "linear" : act;
  if (restBias == null && restAct === "linear") return y;
  return biasActivation(backend, y, restBias, restAct, { preluActivationWeights, leakyreluAlpha });
}

/** Conv2DBackpropInput: dx from dy and the filter. */
export function dnnlConv2DBackpropInput(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  if (dy.dtype !== "float32") return null;
  const p = convProblem(attrs.inputShape, filter.shape, attrs);
  if (p == null || p.n * p.h * p.w * p.c === 0) return null;
  return nativeOutput(
    backend,
    [p.n, p.h, p.w, p.c],
    (dx) =>
      dnnl.convBackwardData(p, {
        dy: at(backend, dy),
        w: at(backend, filter),
        dx: at(backend, dx),
        weightsKey: filter.dataId,
      }),
  );
}

/** Conv2DBackpropFilter: dw (HWIO) from x and dy. */
export function dnnlConv2DBackpropFilter(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (x.dtype !== "float32") return null;
  const p = convProblem(x.shape, attrs.filterShape, attrs);
  if (p == null) return null;
  return nativeOutput(
    backend,
    attrs.filterShape,
    (dw) => dnnl.convBackwardWeights(p, { x: at(backend, x), dy: at(backend, dy), dw: at(backend, dw) }),
  );
}
