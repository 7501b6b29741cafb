/**
 * The TensorFlow.js backend for cam-dmri: one call picks, sets and reports it, and makes the wasm backend
 * able to train conv nets (composed `Conv2DBackpropFilter`, depthwise backprop kernels, a fast
 * `Conv2DBackpropInput`, a correct `MaxPoolGrad` and `ResizeBilinearGrad`, faster `Sum` and `Mean` over axes
 * before the last and large `Transpose`s, batch norm in training and Adam's update as one kernel each; see
 * {@link WASM_TRAINING_KERNELS}), and runs wasm's convolutions, max pooling and matrix products on native
 * oneDNN and OpenBLAS through FFI when they are installed ({@link registerNativeKernels}).
 * The 3-D kernels (Conv3D and its gradients, 3-D max and average pooling and theirs) run on oneDNN, or else on
 * correct JavaScript loops that replace stock wasm's wrong ones. Every one is tested against the cpu backend.
 * {@link fusedConv3d} runs a 3-D conv with its bias, ReLU and an optional max pool as one op with a fused
 * gradient (the 3-D zoo's layers).
 * The native libraries themselves are lib/native's; TensorFlow.js (with its gradients) comes through lib/tf.ts.
 *
 * Environment: `CAM_BACKEND` (auto | tensorflow | webgpu | wasm | cpu) overrides the backend option;
 * `CAM_WASM_THREADS` overrides `threads` (the threaded wasm build); `CAM_DNNL` and `CAM_BLAS` (off | a
 * library path) control the native oneDNN (convolutions) and BLAS (matrix products) that the wasm backend
 * runs through FFI when allowed.
 *
 * @example
 * import { initBackend, readData } from "../backend/mod.ts";
 * const info = await initBackend();               // tensorflow → webgpu → wasm → cpu; CAM_BACKEND overrides
 * console.log(info.name, info.threads, info.simd);
 * const values = await readData(tensor);          // not dataSync(): that throws on webgpu in Deno
 *
 * @module
 */
export {
  type AdapterInfo,
  BACKEND_ORDER,
  type BackendAttempt,
  type BackendChoice,
  BackendError,
  type BackendInfo,
  type BackendName,
  type BackendOptions,
  backendOrder,
  describeBackend,
  initBackend,
  type NativeInfo,
  resolveChoice,
} from "./init_backend.ts";
export { readData, type ReadDataOptions } from "./read_data.ts";
export { backendHeapLimit, WASM_HEAP_LIMIT, wasmHeapBytes } from "./heap.ts";
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "./wasm_kernels.ts";
export { fusedConv3d, type FusedConv3dOptions } from "./fused_conv3d.ts";
export {
  batchNormTraining,
  type BatchNormTrainingOptions,
  type BatchNormTrainingResult,
} from "./batch_norm.ts";
export { type FusedAdamOptions, fusedAdamUpdate } from "./adam_update.ts";
export {
  activeNative,
  isNativeWrapper,
  NATIVE_KERNELS,
  nativeKernelCounts,
  type NativeLibraries,
  type NativePath,
  registerNativeKernels,
} from "./native_kernels.ts";
