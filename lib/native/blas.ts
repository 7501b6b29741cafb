/**
 * A native single-precision GEMM through Deno's FFI: OpenBLAS (Linux, Windows) or Apple's Accelerate
 * (macOS), found at run time. Optional: when no library loads, or FFI permission is missing, {@link loadBlas}
 * returns `null` and cam-dmri runs on wasm alone.
 *
 * C = α·op(A)·op(B) + β·C, row-major, op(X) = X or Xᵀ (`cblas_sgemm`; `cblas_dgemm` in double precision).
 *
 * @module
 */

import { openNative } from "./ffi.ts";

/** Library names tried in order when {@link BlasOptions.library} is not given. */
export const BLAS_CANDIDATES: readonly string[] = [
  "libopenblas.so.0",
  "libopenblas.so",
  "libopenblasp-r0.so",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
  "/System/Library/Frameworks/Accelerate.framework/Accelerate",
  "libopenblas.dll",
];

/** Options of {@link loadBlas}. */
export interface BlasOptions {
  /**
   * Library to open (a file name or path). The `CAM_BLAS` environment variable overrides it; `CAM_BLAS=off`
   * disables the native path. @default the first of {@link BLAS_CANDIDATES} that opens
   */
  library?: string;
  /**
   * Threads for the library's own pool (OpenBLAS only); "unchanged" leaves the pool as it is (for a caller
   * that must not change the process's thread count, e.g. lib/dmri). @default navigator.hardwareConcurrency
   */
  threads?: number | "unchanged";
}

/** A matrix operand: a pointer to its first element (row-major) and its leading dimension. */
export interface BlasMatrix {
  ptr: Deno.PointerValue;
  ld: number;
}

/** A loaded native GEMM. */
export interface Blas {
  /** The library that was opened, e.g. "libopenblas.so.0". */
  readonly library: string;
  /** Its self-description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell". */
  readonly config: string;
  /** Threads of its pool (1 when the library does not say). */
  readonly threads: number;
  /**
   * C[m×n] = α·op(A)·op(B) + β·C with op(A) m×k and op(B) k×n, row-major; `transA`/`transB` read A/B
   * transposed. Synchronous.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: BlasMatrix,
    b: BlasMatrix,
    beta: number,
    c: BlasMatrix,
  ): void;
  /** {@link Blas.sgemm} on float64 matrices (`cblas_dgemm`). Synchronous. */
  dgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: BlasMatrix,
    b: BlasMatrix,
    beta: number,
    c: BlasMatrix,
  ): void;
  /** Closes the library. */
  close(): void;
}

/** Why {@link loadBlas} returned null, for reports. */
export let blasUnavailableReason = "";

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "pointer",
      "i32",
      "pointer",
      "i32",
      "f32",
      "pointer",
      "i32",
    ],
    result: "void",
  },
  cblas_dgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "pointer",
      "i32",
      "pointer",
      "i32",
      "f64",
      "pointer",
      "i32",
    ],
    result: "void",
  },
} as const;

const OPENBLAS_SYMBOLS = {
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
} as const;

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/**
 * Opens a native BLAS and returns its GEMM, or `null` (with {@link blasUnavailableReason} set) when FFI is
 * not permitted, `CAM_BLAS=off`, or no candidate library opens. OpenBLAS's pool is set to `threads`.
 *
 * @example
 * const blas = loadBlas();
 * if (blas) console.log(blas.config, blas.threads);
 */
export function loadBlas(options: BlasOptions = {}): Blas | null {
  const got = openNative("CAM_BLAS", options.library, BLAS_CANDIDATES, (library) => {
    const lib = Deno.dlopen(library, { ...SYMBOLS, ...OPENBLAS_SYMBOLS });
    // Not pinned (unlike oneDNN and libgomp): when Deno unloads OpenBLAS, its own finalizer (gotoblas_quit) first
    // joins its worker threads, so unloading is safe. Pinned, that finalizer ran at process exit instead, racing
    // the exit of other threads (heap corruption at exit in about 1 run in 10 of the transfer tests).
    const s = lib.symbols;
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    if (options.threads !== "unchanged" && s.openblas_set_num_threads) {
      s.openblas_set_num_threads(Math.max(1, Math.floor(options.threads ?? cores)));
    }
    const threads = s.openblas_get_num_threads ? s.openblas_get_num_threads() : 1;
    const cfgPtr = s.openblas_get_config ? s.openblas_get_config() : null;
    const config = cfgPtr ? new Deno.UnsafePointerView(cfgPtr).getCString() : library;
    // cblas_sgemm and cblas_dgemm take the same arguments (row-major, transposes, sizes, α, A, B, β, C).
    const rowMajor =
      (gemm: typeof s.cblas_sgemm | typeof s.cblas_dgemm): Blas["sgemm"] =>
      (transA, transB, m, n, k, alpha, a, b, beta, c) =>
        gemm(
          ROW_MAJOR,
          transA ? TRANS : NO_TRANS,
          transB ? TRANS : NO_TRANS,
          m,
          n,
          k,
          alpha,
          a.ptr,
          a.ld,
          b.ptr,
          b.ld,
          beta,
          c.ptr,
          c.ld,
        );
    const blas: Blas = {
      library,
      config,
      threads,
      sgemm: rowMajor(s.cblas_sgemm),
      dgemm: rowMajor(s.cblas_dgemm),
      close: () => lib.close(),
    };
    return blas;
  });
  blasUnavailableReason = got.ok ? "" : got.reason;
  return got.ok ? got.value : null;
}
