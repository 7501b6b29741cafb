/**
 * The backend's heap: its ceiling (4 GiB on wasm; none known elsewhere) and, on wasm, its size as it stands:
 * the memory only grows, so its size is the high-water mark of everything the process has allocated there
 * (tensors, kernel scratch, fragmentation, growth steps).
 *
 * @module
 */
import * as tf from "../tf.ts";

/**
 * The wasm heap's ceiling: tfjs-backend-wasm 4.22's emscripten glue makes its memory with
 * `maximum: 4294967296` bytes and grows it up to `getHeapMax()` = 4 GiB − 64 KiB.
 */
export const WASM_HEAP_LIMIT = 4294901760;

/**
 * The heap ceiling of the active TensorFlow.js backend in bytes: {@link WASM_HEAP_LIMIT} on wasm, null on
 * the others (tensorflow, webgpu and cpu allocate outside any fixed heap; their limit is the machine's).
 */
export function backendHeapLimit(): number | null {
  return tf.getBackend() === "wasm" ? WASM_HEAP_LIMIT : null;
}

/**
 * Bytes of the wasm backend's heap (`Module.HEAPU8.buffer.byteLength` of tfjs-backend-wasm's emscripten
 * module): the high-water mark of the process's wasm allocations, up to 4 GiB. null when the active backend
 * is not wasm. Compare with {@link WASM_HEAP_LIMIT} and lib/models' `estimateStepMemory`.
 *
 * @example
 * const before = wasmHeapBytes();
 * await train(model, data, { epochs: 1 });
 * console.log(`heap grew from ${before} to ${wasmHeapBytes()} bytes`);
 */
export function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== "wasm") return null;
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.buffer.byteLength ?? null;
}
