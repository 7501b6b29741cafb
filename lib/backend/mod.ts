/**
 * The TensorFlow.js backend for cam-dmri: one call picks, sets and reports it, and makes the wasm backend
 * able to train conv nets (composed `Conv2DBackpropFilter`, depthwise backprop kernels, a fast
 * `Conv2DBackpropInput`, a correct `MaxPoolGrad` and `ResizeBilinearGrad`, faster leading-axis `Sum` and
 * large `Transpose`s; see {@link WASM_TRAINING_KERNELS}). Every one is tested against the cpu backend.
 * Importing this module registers tfjs's gradient functions (tfjs-core's npm bundles leave them out).
 *
 * Environment: `CAM_BACKEND` (auto | tensorflow | webgpu | wasm | cpu) overrides the backend option;
 * `CAM_WASM_THREADS` overrides `threads` (the threaded wasm build; opt-in: on the shared 2-core machine
 * it measured slower than one thread).
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
  initBackend,
  resolveChoice,
} from "./init_backend.ts";
export { readData, type ReadDataOptions } from "./read_data.ts";
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "./wasm_kernels.ts";
