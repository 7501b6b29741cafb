/**
 * Native libraries through Deno's FFI, all optional: each loader returns `null` (and says why) when the library
 * is missing, FFI is not permitted (`--allow-ffi`), or its environment variable turns it off.
 *
 * - {@link loadDnnl}: oneDNN 2.x (`libdnnl.so.2`, `CAM_DNNL`): 2-D and 3-D convolution and max-pooling
 *   primitives, average pooling, and LRN;
 * - {@link loadBlas}: OpenBLAS or Accelerate (`CAM_BLAS`): SGEMM;
 * - {@link libdeflateGunzip}: libdeflate (`libdeflate.so.0`, `CAM_LIBDEFLATE`): whole-stream gzip;
 * - {@link openNative} and {@link pinLibrary}: how they are opened. Libraries that run thread pools are
 *   pinned: Deno would otherwise unload them when the runtime that opened them ends, under their live threads.
 *
 * Nothing here changes process-wide state beyond the thread counts its loaders are asked for. lib/backend runs
 * the wasm backend's kernels on oneDNN and the BLAS; lib/nifti inflates with libdeflate.
 *
 * @example
 * import { loadBlas, loadDnnl } from "./lib/native/mod.ts";
 * const dnnl = loadDnnl(); // null where libdnnl2 is not installed
 * console.log(dnnl?.version, loadBlas()?.config);
 *
 * @module
 */
export { type Opened, openNative, pinLibrary } from "./ffi.ts";
export {
  type Blas,
  BLAS_CANDIDATES,
  type BlasMatrix,
  type BlasOptions,
  blasUnavailableReason,
  loadBlas,
} from "./blas.ts";
export {
  type Conv3DProblem,
  type ConvProblem,
  type Dnnl,
  DNNL_CANDIDATES,
  type DnnlOptions,
  dnnlUnavailableReason,
  loadDnnl,
  type LrnProblem,
  type Pool3DProblem,
  type PoolProblem,
  WINOGRAD_MIN_CHANNELS,
} from "./dnnl.ts";
export { LIBDEFLATE_CANDIDATES, libdeflateGunzip, libdeflateLibrary } from "./libdeflate.ts";
