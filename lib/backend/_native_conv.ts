/**
 * Stride-1 convolutions (any kernel size, padding and dilation) and matrix products for the wasm backend,
 * computed by a native GEMM ({@link Blas}) straight on the wasm heap.
 *
 * The convolution is a sum of shifted GEMMs ("shift and accumulate"): with x padded to the grid
 * xP[n, Hp, Wp, c] and seen as a matrix of rows q = (n·Hp + r)·Wp + s,
 *
 *   G[q, o] = Σ_{i, j} xP[q + i·dh·Wp + j·dw, :] · w[i, j, :, o]      (one GEMM per tap, β = 1 after the first)
 *
 * holds y[n, p, t, o] at row q(n, p, t) for p < OH, t < OW; the other rows of the grid are cropped away.
 * Every GEMM is one large product (rows = n·Hp·Wp − offset), no im2col copy is made, and the input and
 * filter gradients have the same form (see each kernel).
 *
 * @module
 */
import type { Blas, BlasMatrix } from "../native/mod.ts";
import type { ConvProblem } from "../native/mod.ts";
import { convProblem } from "./_geometry.ts";
import {
  type ConvAttrs,
  type HeapBackend,
  heapPointer,
  type Info,
  type KernelArgs,
  padOrCrop,
  reshape,
  run,
  scoped,
  type WasmLike,
} from "./_kernel_util.ts";

/** Smallest channel count (c for forward, o for input gradients) sent to the native GEMM. */
export const NATIVE_MIN_CHANNELS = 8;

/** A matrix on the wasm heap: `info`'s data from element `at`, leading dimension `ld`. Call after allocating. */
function mat(backend: HeapBackend, info: Info, ld: number, at = 0): BlasMatrix {
  const base = heapPointer(backend, info);
  return { ptr: at === 0 ? base : Deno.UnsafePointer.offset(base!, at * 4), ld };
}

/** The geometry when the shifted-GEMM path applies (NHWC, stride 1), else null. */
function geometry(xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvProblem | null {
  const p = convProblem(xShape, filterShape, attrs);
  return p != null && p.sh === 1 && p.sw === 1 ? p : null;
}

/**
 * Σ-of-shifted-GEMMs on a padded grid: `src` [n, Hp, Wp, k] (already padded), `filter` [kh, kw, ·, ·] taps
 * read as k×m matrices (`transB`: stored m×k), written into a new grid [n, Hp, Wp, m] (rows past the
 * last valid output are left undefined). `tapOf(i, j)` maps the grid offset (i, j) to a filter tap.
 */
function shiftedGemm(
  backend: HeapBackend,
  blas: Blas,
  src: Info,
  filter: Info,
  m: number,
  geo: {
    kh: number;
    kw: number;
    dh: number;
    dw: number;
    transB: boolean;
    tapOf: (i: number, j: number) => number;
  },
): Info {
  const [n, hp, wp, k] = src.shape;
  const grid = backend.makeOutput([n, hp, wp, m], "float32");
  const maxOff = (geo.kh - 1) * geo.dh * wp + (geo.kw - 1) * geo.dw;
  const rows = n * hp * wp - maxOff;
  const out = mat(backend, grid, m);
  for (let i = 0; i < geo.kh; i++) {
    for (let j = 0; j < geo.kw; j++) {
      const off = i * geo.dh * wp + j * geo.dw;
      const tap = geo.tapOf(i, j);
      blas.sgemm(
        false,
        geo.transB,
        rows,
        m,
        k,
        1,
        mat(backend, src, k, off * k),
        mat(backend, filter, geo.transB ? k : m, tap * k * m),
        i === 0 && j === 0 ? 0 : 1,
        out,
      );
    }
  }
  return grid;
}

/**
 * Crops the grid [n, Hp, Wp, m] to [n, oh, ow, m] (top-left corner) by row copies on the heap (wasm's
 * `Slice` loops element by element: ~20x slower here).
 */
function cropGrid(backend: HeapBackend, grid: Info, oh: number, ow: number): Info {
  const [n, hp, wp, m] = grid.shape;
  if (oh === hp && ow === wp) return reshape(backend, grid, grid.shape);
  const out = backend.makeOutput([n, oh, ow, m], "float32");
  const src = backend.typedArrayFromHeap(grid), dst = backend.typedArrayFromHeap(out);
  const row = ow * m;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const at = (b * hp + y) * wp * m;
      dst.set(src.subarray(at, at + row), (b * oh + y) * row);
    }
  }
  return out;
}

/**
 * Forward conv y = x ⊛ w (NHWC, stride 1) by shifted GEMMs, or `null` when the native path does not apply
 * (strides > 1, NCHW, fewer than {@link NATIVE_MIN_CHANNELS} input channels, or an empty grid).
 */
export function nativeConv2D(blas: Blas, args: KernelArgs): Info | null {
  const { x, filter } = args.inputs as { x: Info; filter: Info };
  const backend = args.backend as HeapBackend;
  if (x.dtype !== "float32" || x.shape[3] < NATIVE_MIN_CHANNELS) return null;
  const p = geometry(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
  if (p == null) return null;
  const { kh, kw, o, dh, dw, oh, ow, top, bottom, left, right } = p;
  return scoped(backend, (use) => {
    const xP = use(padOrCrop(backend, x, [[0, 0], [top, bottom], [left, right], [0, 0]]));
    const grid = use(shiftedGemm(backend, blas, xP, filter, o, {
      kh,
      kw,
      dh,
      dw,
      transB: false,
      tapOf: (i, j) => i * kw + j,
    }));
    return cropGrid(backend, grid, oh, ow);
  });
}

/**
 * dX[n, y, x, c] = Σ_{i, j, o} dy[n, y + pt − i·dh, x + pl − j·dw, o] · w[i, j, c, o] (stride 1): shifted
 * GEMMs over dy padded by ((kh − 1)·dh − pt) on top and ((kw − 1)·dw − pl) on the left, with the taps
 * reversed and each w[i, j] read transposed (o×c). `null` when the native path does not apply.
 */
export function nativeConv2DBackpropInput(blas: Blas, args: KernelArgs): Info | null {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  if (dy.dtype !== "float32" || dy.shape[3] < NATIVE_MIN_CHANNELS) return null;
  const p = geometry(attrs.inputShape, filter.shape, attrs);
  if (p == null) return null;
  const { h: inH, w: inW, c, kh, kw, dh, dw, oh, ow } = p;
  const top = (kh - 1) * dh - p.top, left = (kw - 1) * dw - p.left;
  const bottom = inH + (kh - 1) * dh - oh - top, right = inW + (kw - 1) * dw - ow - left;
  return scoped(backend, (use) => {
    const dyP = use(padOrCrop(backend, dy, [[0, 0], [top, bottom], [left, right], [0, 0]]));
    const grid = use(shiftedGemm(backend, blas, dyP, filter, c, {
      kh,
      kw,
      dh,
      dw,
      transB: true,
      tapOf: (i, j) => (kh - 1 - i) * kw + (kw - 1 - j),
    }));
    return cropGrid(backend, grid, inH, inW);
  });
}

/**
 * dW[i, j, c, o] = Σ_q xP[q + i·dh·Wp + j·dw, c] · dyG[q, o] (stride 1), one GEMM (Aᵀ·B) per tap, where
 * xP is x on the padded grid and dyG is dy placed on the same grid (zeros elsewhere). `null` when the
 * native path does not apply (here: fewer than {@link NATIVE_MIN_CHANNELS} output channels).
 */
export function nativeConv2DBackpropFilter(blas: Blas, args: KernelArgs): Info | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (x.dtype !== "float32" || dy.shape[3] < NATIVE_MIN_CHANNELS) return null;
  const p = geometry(x.shape, attrs.filterShape, attrs);
  if (p == null) return null;
  const { kh, kw, c, o, dh, dw, oh, ow, top, left } = p;
  // The grid exactly covers the outputs' receptive fields: Hp = oh + (kh − 1)·dh.
  const hp = oh + (kh - 1) * dh, wp = ow + (kw - 1) * dw;
  const bottom = hp - x.shape[1] - top, right = wp - x.shape[2] - left;
  return scoped(backend, (use) => {
    const xP = use(padOrCrop(backend, x, [[0, 0], [top, bottom], [left, right], [0, 0]]));
    const dyG = use(padOrCrop(backend, dy, [[0, 0], [0, hp - oh], [0, wp - ow], [0, 0]]));
    const n = x.shape[0];
    const rows = n * hp * wp - ((kh - 1) * dh * wp + (kw - 1) * dw);
    const out = backend.makeOutput([kh, kw, c, o], "float32");
    const g = mat(backend, dyG, o);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = i * dh * wp + j * dw;
        blas.sgemm(
          true,
          false,
          c,
          o,
          rows,
          1,
          mat(backend, xP, c, off * c),
          g,
          0,
          mat(backend, out, o, (i * kw + j) * c * o),
        );
      }
    }
    return out;
  });
}

/**
 * C = op(A)·op(B) for float32 `BatchMatMul` (batch dims equal, or one side's batch of 1 broadcast), one
 * GEMM per batch entry. `null` otherwise.
 */
export function nativeBatchMatMul(blas: Blas, args: KernelArgs): Info | null {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as HeapBackend;
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null;
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const size = (s: number[]) => s.reduce((p, v) => p * v, 1);
  const na = size(batchA), nb = size(batchB);
  let outBatch: number[];
  if (na === nb && batchA.join() === batchB.join()) outBatch = batchA;
  else if (nb === 1) outBatch = batchA;
  else if (na === 1) outBatch = batchB;
  else return null;
  const batches = Math.max(na, nb);
  // Tiny products cost more in the FFI call than in wasm.
  if (m * n * k < 4096) return null;
  const out = backend.makeOutput([...outBatch, m, n], "float32");
  if (m === 0 || n === 0) return out;
  const lda = transposeA ? m : k, ldb = transposeB ? k : n;
  for (let t = 0; t < batches; t++) {
    blas.sgemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      1,
      mat(backend, a, lda, na === 1 ? 0 : t * m * k),
      mat(backend, b, ldb, nb === 1 ? 0 : t * k * n),
      0,
      mat(backend, out, n, t * m * n),
    );
  }
  return out;
}

/**
 * Applies a fused op's bias (broadcast over the last axis) and activation (linear, relu, relu6, elu,
 * sigmoid, leakyrelu, prelu) with wasm kernels; consumes `y`.
 */
export function biasActivation(
  backend: WasmLike,
  y: Info,
  bias: Info | undefined,
  activation: string | undefined,
  extra: { preluActivationWeights?: Info; leakyreluAlpha?: number },
): Info {
  return scoped(backend, (use) => {
    let cur = use(y);
    if (bias != null) cur = use(run(backend, "Add", { a: cur, b: bias }));
    switch (activation ?? "linear") {
      case "linear":
        return reshape(backend, cur, cur.shape);
      case "relu":
        return run(backend, "Relu", { x: cur });
      case "relu6":
        return run(backend, "Relu6", { x: cur });
      case "elu":
        return run(backend, "Elu", { x: cur });
      case "sigmoid":
        return run(backend, "Sigmoid", { x: cur });
      case "leakyrelu":
        return run(backend, "LeakyRelu", { x: cur }, { alpha: extra.leakyreluAlpha ?? 0.2 });
      case "prelu":
        return run(backend, "Prelu", { x: cur, alpha: extra.preluActivationWeights! });
      default:
        throw new Error(`lib/backend: unknown fused activation ${activation}`);
    }
  });
}
