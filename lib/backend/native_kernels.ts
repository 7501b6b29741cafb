/**
 * Native kernels for the wasm backend, run through Deno's FFI on the tensors in the wasm heap:
 * `Conv2D`, `FusedConv2D`, `Conv2DBackpropInput` and `Conv2DBackpropFilter` on oneDNN ({@link loadDnnl}:
 * any stride, padding, dilation) or else, for stride 1, as shifted GEMMs on a BLAS ({@link loadBlas});
 * `BatchMatMul` and `_FusedMatMul` on the BLAS; `MaxPool` and `MaxPoolGrad` on oneDNN; the 3-D kernels
 * `Conv3D`, `Conv3DBackpropInputV2`, `Conv3DBackpropFilterV2`, `MaxPool3D`, `MaxPool3DGrad`, `AvgPool3D` and
 * `AvgPool3DGrad` (NDHWC) on oneDNN. The kernels registered before (wasm's own, or ours from
 * {@link registerWasmTrainingKernels}) remain the fallback for every case not covered (NCHW, no library,
 * tiny products). Optional: without either library the wasm kernels run unchanged.
 *
 * `LRN` and `LRNGrad` (across channels) run on oneDNN too, from 2^18 elements (lib/backend/_dnnl_lrn.ts).
 *
 * The kernels of the fused 3-D conv (+ bias, ReLU, max pool) and its gradient (`FusedConv3D`,
 * `FusedConv3DMaxPool`, `Conv3DBackpropFilterBias`, `ReluBackprop`, `MaxPool3DGradWorkspace`;
 * lib/backend/fused_conv3d.ts, _fused3d.ts) run on oneDNN too.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { Blas } from "../native/mod.ts";
import type { Dnnl } from "../native/mod.ts";
import { dnnlConv2D, dnnlConv2DBackpropFilter, dnnlConv2DBackpropInput } from "./_dnnl_conv.ts";
import { dnnlMaxPool, dnnlMaxPoolGrad } from "./_dnnl_pool.ts";
import { dnnlLrn, dnnlLrnGrad } from "./_dnnl_lrn.ts";
import { dnnlConv3D, dnnlConv3DBackpropFilter, dnnlConv3DBackpropInput } from "./_dnnl_conv3d.ts";
import { dnnlAvgPool3D, dnnlAvgPool3DGrad, dnnlMaxPool3D, dnnlMaxPool3DGrad } from "./_dnnl_pool3d.ts";
import {
  dnnlConv3DBackpropFilterBias,
  dnnlFusedConv3D,
  dnnlFusedConv3DMaxPool,
  dnnlMaxPool3DGradWorkspace,
  dnnlReluBackprop,
} from "./_fused3d.ts";
import {
  biasActivation,
  nativeBatchMatMul,
  nativeConv2D,
  nativeConv2DBackpropFilter,
  nativeConv2DBackpropInput,
} from "./_native_conv.ts";
import type { Info, KernelArgs } from "./_kernel_util.ts";

/** Kernels {@link registerNativeKernels} wraps. */
export const NATIVE_KERNELS: readonly string[] = [
  "Conv2D",
  "FusedConv2D",
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
  "BatchMatMul",
  "_FusedMatMul",
  "MaxPool",
  "MaxPoolGrad",
  "LRN",
  "LRNGrad",
  // 3-D (NDHWC) on oneDNN; without it, the wasm kernels of registerWasmTrainingKernels (see _js_kernels3d.ts).
  "Conv3D",
  "Conv3DBackpropInputV2",
  "Conv3DBackpropFilterV2",
  "MaxPool3D",
  "MaxPool3DGrad",
  "AvgPool3D",
  "AvgPool3DGrad",
  // The fused 3-D conv + bias + ReLU of lib/backend/fused_conv3d.ts and its gradient kernels (see _fused3d.ts).
  "FusedConv3D",
  "Conv3DBackpropFilterBias",
  "ReluBackprop",
  "FusedConv3DMaxPool",
  "MaxPool3DGradWorkspace",
];

/** The native libraries the kernels may use; either may be missing. */
export interface NativeLibraries {
  blas?: Blas | null;
  dnnl?: Dnnl | null;
}

/** Which path ran a kernel call. */
export type NativePath = "dnnl" | "blas" | "fallback";

type Native = (libs: NativeLibraries, args: KernelArgs) => { out: Info; path: NativePath } | null;

/** The libraries the registered kernels use now. */
let active: NativeLibraries = {};
/** Calls per kernel and path since the last {@link nativeKernelCounts} reset. */
const counts: Record<string, Record<NativePath, number>> = {};

function withBlasEpilogue(f: (blas: Blas, args: KernelArgs) => Info | null) {
  return (blas: Blas, args: KernelArgs): Info | null => {
    const { bias, preluActivationWeights } = args.inputs as { bias?: Info; preluActivationWeights?: Info };
    const { activation, leakyreluAlpha } = args.attrs as unknown as {
      activation?: string;
      leakyreluAlpha?: number;
    };
    const y = f(blas, args);
    if (y == null) return null;
    return biasActivation(args.backend, y, bias, activation, { preluActivationWeights, leakyreluAlpha });
  };
}

/** dnnl first (when given), then the BLAS form (when given). */
function chain(
  dnnl: ((d: Dnnl, args: KernelArgs) => Info | null) | null,
  blas: ((b: Blas, args: KernelArgs) => Info | null) | null,
): Native {
  return (libs, args) => {
    if (dnnl && libs.dnnl) {
      const out = dnnl(libs.dnnl, args);
      if (out != null) return { out, path: "dnnl" };
    }
    if (blas && libs.blas) {
      const out = blas(libs.blas, args);
      if (out != null) return { out, path: "blas" };
    }
    return null;
  };
}

const NATIVE: Record<string, Native> = {
  Conv2D: chain(dnnlConv2D, nativeConv2D),
  FusedConv2D: chain((d, a) => dnnlConv2D(d, a, true), withBlasEpilogue(nativeConv2D)),
  Conv2DBackpropInput: chain(dnnlConv2DBackpropInput, nativeConv2DBackpropInput),
  Conv2DBackpropFilter: chain(dnnlConv2DBackpropFilter, nativeConv2DBackpropFilter),
  BatchMatMul: chain(null, nativeBatchMatMul),
  _FusedMatMul: chain(null, withBlasEpilogue(nativeBatchMatMul)),
  MaxPool: chain(dnnlMaxPool, null),
  MaxPoolGrad: chain(dnnlMaxPoolGrad, null),
  LRN: chain(dnnlLrn, null),
  LRNGrad: chain(dnnlLrnGrad, null),
  Conv3D: chain(dnnlConv3D, null),
  Conv3DBackpropInputV2: chain(dnnlConv3DBackpropInput, null),
  Conv3DBackpropFilterV2: chain(dnnlConv3DBackpropFilter, null),
  MaxPool3D: chain(dnnlMaxPool3D, null),
  MaxPool3DGrad: chain(dnnlMaxPool3DGrad, null),
  AvgPool3D: chain(dnnlAvgPool3D, null),
  AvgPool3DGrad: chain(dnnlAvgPool3DGrad, null),
  FusedConv3D: chain(dnnlFusedConv3D, null),
  // Two outputs [dw, db]: the wrapper hands them on as they are.
  Conv3DBackpropFilterBias: chain(
    dnnlConv3DBackpropFilterBias as unknown as (d: Dnnl, a: KernelArgs) => Info | null,
    null,
  ),
  ReluBackprop: chain(dnnlReluBackprop, null),
  FusedConv3DMaxPool: chain(
    dnnlFusedConv3DMaxPool as unknown as (d: Dnnl, a: KernelArgs) => Info | null,
    null,
  ),
  MaxPool3DGradWorkspace: chain(dnnlMaxPool3DGradWorkspace, null),
};

const registered = new Map<string, Set<tf.KernelFunc>>();

/**
 * Makes the kernels of {@link NATIVE_KERNELS} on backend `backendName` (default "wasm") use `libs` where
 * they can, falling back to the kernels registered before. Call again with other libraries, or `null` to
 * turn the native path off; the wrappers are registered once.
 *
 * @returns the kernel names now wrapped.
 */
export function registerNativeKernels(libs: NativeLibraries | null, backendName = "wasm"): string[] {
  active = libs ?? {};
  const ours = registered.get(backendName) ?? new Set<tf.KernelFunc>();
  registered.set(backendName, ours);
  for (const name of NATIVE_KERNELS) {
    const existing = tf.getKernel(name, backendName);
    if (existing == null || ours.has(existing.kernelFunc)) continue;
    const fallback = existing.kernelFunc;
    const native = NATIVE[name];
    const kernelFunc = ((args: KernelArgs) => {
      const tally = counts[name] ??= { dnnl: 0, blas: 0, fallback: 0 };
      const got = native(active, args);
      if (got != null) {
        tally[got.path]++;
        return got.out;
      }
      tally.fallback++;
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]);
    }) as unknown as tf.KernelFunc;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc });
    ours.add(kernelFunc);
  }
  return [...NATIVE_KERNELS];
}

/** Whether `fn` is one of the wrappers {@link registerNativeKernels} registered (on any backend). */
export function isNativeWrapper(fn: tf.KernelFunc): boolean {
  for (const set of registered.values()) if (set.has(fn)) return true;
  return false;
}

/** The native libraries the kernels use now. */
export function activeNative(): NativeLibraries {
  return { ...active };
}

/**
 * How many calls of each wrapped kernel ran on oneDNN, on the BLAS, or fell back, since the last reset.
 *
 * @example
 * nativeKernelCounts({ reset: true }); model.predict(x); console.log(nativeKernelCounts());
 */
export function nativeKernelCounts(
  options: { reset?: boolean } = {},
): Record<string, Record<NativePath, number>> {
  const copy = structuredClone(counts);
  if (options.reset) { for (const k of Object.keys(counts)) delete counts[k]; }
  return copy;
}
