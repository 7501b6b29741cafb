/**
 * Training kernels for the TensorFlow.js wasm backend. Stock wasm (4.22) lacks `Conv2DBackpropFilter` and the
 * depthwise backprop kernels, has a slow scalar `Conv2DBackpropInput`, a wrong `MaxPoolGrad` (running max
 * from +FLT_MIN, last tie wins), a `ResizeBilinearGrad` that ignores `halfPixelCenters`, and a `Conv2D` that
 * sizes numeric padding differently from the cpu backend for non-square filters, and its `Sum` transposes
 * the whole tensor to reduce leading axes (bias gradients), as its `Mean` does for a global average pool; its
 * `Transpose` is slow on large 2-D/3-D permutations. This module registers composed replacements built from
 * wasm's own fast kernels (XNNPACK convs, matMul, transposes).
 *
 * Stock comparisons (`Equal`, `Greater`, ...) with a broadcast operand walk a slow generic path (the gradient of
 * every global max pool): ours are one pass over the heap (lib/backend/_compare.ts).
 *
 * Stock `Concat` and `SplitV` copy in JavaScript a row (or an element) at a time; ours are memmoves inside the
 * heap (lib/backend/_heap_concat.ts). Stock `Identity` copies the buffer, and the gradient tape clones (runs
 * Identity on) every tensor it saves; ours shares it (lib/backend/_identity.ts).
 *
 * Batch norm in training is one kernel forward and one backward (lib/backend/_batch_norm.ts) where the stock
 * composition runs some 95 small kernels per layer. An Adam update of one variable is one pass
 * (lib/backend/_adam.ts) where the composition runs about twelve kernels over it.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { conv2DBackpropFilter, conv2DBackpropInput, makeConv2D } from "./_conv2d_grads.ts";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./_depthwise_grads.ts";
import { maxPoolGrad } from "./_max_pool_grad.ts";
import { resizeBilinearGrad } from "./_resize_bilinear_grad.ts";
import { makeMean, makeSum } from "./_sum.ts";
import { makeTranspose } from "./_transpose.ts";
import { makeConcat, makeSplitV } from "./_heap_concat.ts";
import { makeIdentity } from "./_identity.ts";
import { COMPARISONS, makeComparison } from "./_compare.ts";
import { isNativeWrapper } from "./native_kernels.ts";
import { WASM_3D_KERNELS } from "./_js_kernels3d.ts";
import { WASM_FUSED_3D_KERNELS } from "./_fused3d.ts";
import { WASM_BATCH_NORM_KERNELS } from "./_batch_norm.ts";
import { adamUpdate } from "./_adam.ts";

/** Kernels this module registers for `wasm`, and whether each is new there or replaces the stock one. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, "added" | "replaced" | "wrapped">> = {
  Conv2D: "wrapped",
  Conv2DBackpropFilter: "added",
  Conv2DBackpropInput: "replaced",
  DepthwiseConv2dNativeBackpropFilter: "added",
  DepthwiseConv2dNativeBackpropInput: "added",
  MaxPoolGrad: "replaced",
  ResizeBilinearGrad: "replaced",
  Sum: "wrapped",
  Mean: "wrapped",
  Transpose: "wrapped",
  // Stock 3-D kernels that compute wrong (Conv3DBackpropInputV2, MaxPool3D) or are untested: see _js_kernels3d.ts.
  ...Object.fromEntries(Object.keys(WASM_3D_KERNELS).map((k) => [k, "replaced" as const])),
  // Fused 3-D conv + bias + ReLU and its gradient kernels (lib/backend/fused_conv3d.ts): new on wasm.
  ...Object.fromEntries(Object.keys(WASM_FUSED_3D_KERNELS).map((k) => [k, "added" as const])),
  Concat: "wrapped",
  SplitV: "wrapped",
  // Shares the input's buffer (incRef) where stock wasm copies it: the tape clones every saved tensor.
  Identity: "wrapped",
  // Broadcast comparisons in one pass over the heap (the global max pool's gradient).
  ...Object.fromEntries(Object.keys(COMPARISONS).map((k) => [k, "wrapped" as const])),
  // Batch norm in training, forward and gradient, one kernel each (lib/backend/batch_norm.ts): new on wasm.
  ...Object.fromEntries(Object.keys(WASM_BATCH_NORM_KERNELS).map((k) => [k, "added" as const])),
  // One Adam update of one variable in one pass (lib/train's optimizer): new on wasm.
  AdamUpdate: "added",
};

type Maker = (stock: tf.KernelFunc | undefined) => tf.KernelFunc;
const cast = (f: unknown) => f as tf.KernelFunc;

const MAKERS: Record<string, Maker> = {
  Conv2D: (stock) => {
    if (stock == null) throw new Error("lib/backend: the wasm backend has no Conv2D kernel to wrap");
    return makeConv2D(stock);
  },
  Conv2DBackpropFilter: () => cast(conv2DBackpropFilter),
  Conv2DBackpropInput: () => cast(conv2DBackpropInput),
  DepthwiseConv2dNativeBackpropFilter: () => cast(depthwiseBackpropFilter),
  DepthwiseConv2dNativeBackpropInput: () => cast(depthwiseBackpropInput),
  MaxPoolGrad: () => cast(maxPoolGrad),
  ResizeBilinearGrad: () => cast(resizeBilinearGrad),
  Sum: (stock) => {
    if (stock == null) throw new Error("lib/backend: the wasm backend has no Sum kernel to wrap");
    return makeSum(stock);
  },
  Mean: (stock) => {
    if (stock == null) throw new Error("lib/backend: the wasm backend has no Mean kernel to wrap");
    return makeMean(stock);
  },
  Transpose: (stock) => {
    if (stock == null) throw new Error("lib/backend: the wasm backend has no Transpose kernel to wrap");
    return makeTranspose(stock);
  },
  ...Object.fromEntries(Object.entries(WASM_3D_KERNELS).map(([k, f]) => [k, () => cast(f)])),
  ...Object.fromEntries(Object.entries(WASM_FUSED_3D_KERNELS).map(([k, f]) => [k, () => cast(f)])),
  Concat: (stock) => {
    if (stock == null) throw new Error("lib/backend: the wasm backend has no Concat kernel to wrap");
    return makeConcat(stock);
  },
  SplitV: (stock) => {
    if (stock == null) throw new Error("lib/backend: the wasm backend has no SplitV kernel to wrap");
    return makeSplitV(stock);
  },
  Identity: (stock) => makeIdentity(stock),
  ...Object.fromEntries(
    Object.keys(COMPARISONS).map((k) => [k, (stock: tf.KernelFunc | undefined) => {
      if (stock == null) throw new Error(`lib/backend: the wasm backend has no ${k} kernel to wrap`);
      return makeComparison(k, stock);
    }]),
  ),
  ...Object.fromEntries(Object.entries(WASM_BATCH_NORM_KERNELS).map(([k, f]) => [k, () => cast(f)])),
  AdamUpdate: () => cast(adamUpdate),
};

/** Kernel functions registered by this module, per backend name, so that registration is idempotent. */
const registered = new Map<string, Set<tf.KernelFunc>>();

/**
 * Registers the composed training kernels for the backend named `backendName` (a wasm backend; default
 * "wasm"), replacing stock ones as listed in {@link WASM_TRAINING_KERNELS}. Idempotent.
 *
 * @returns the names of the kernels now provided by this module.
 */
export function registerWasmTrainingKernels(backendName = "wasm"): string[] {
  const ours = registered.get(backendName) ?? new Set<tf.KernelFunc>();
  registered.set(backendName, ours);
  for (const [name, make] of Object.entries(MAKERS)) {
    const existing = tf.getKernel(name, backendName);
    // Ours already, or a native wrapper registered over ours (its fallback): leave it.
    if (existing != null && (ours.has(existing.kernelFunc) || isNativeWrapper(existing.kernelFunc))) continue;
    const kernelFunc = make(existing?.kernelFunc);
    if (existing != null) tf.unregisterKernel(name, backendName);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc });
    ours.add(kernelFunc);
  }
  return Object.keys(MAKERS);
}
