/**
 * The tensor fit of a block of voxels as matrix products on a native DGEMM (private; shared by the in-thread
 * fit and the workers, beside the per-voxel kernel of _kernel.ts, whose results it equals to rounding).
 *
 * For the block's m fitted voxels, with L = ln max(S, minSignal) volume-major (N x m, column v the voxel's
 * log signal), X the design (N x 7), Xs = X·diag(colScale) and O the design's outer products
 * (O[k][t] = xs_ti·xs_tj, k the packed lower-triangle index of (i, j), 28 x N):
 *
 * - OLS: B = X⁺ L (7 x m);
 * - WLS (dipy): squared weights W = exp(2 X B) = 2^((2/ln 2) X B) (N x m, elementwise, by
 *   {@linkcode pow2Kernel}), then the normal equations of every voxel at once, A = O W (28 x m: voxel v's
 *   packed Xsᵀ diag(W_v) Xs) and r = Xsᵀ (W ∘ L) (7 x m); per voxel, the Cholesky solve A_v z = r_v and
 *   β = diag(colScale) z.
 *
 * The four products are DGEMMs (7 + 7 + 28 + 7 = 49 multiply-adds per sample), so per sample only the
 * logarithm (a table for 8/16-bit data), the weight and one product stay in JavaScript, and per voxel the
 * 7 x 7 solve and the 3 x 3 eigenproblem. On the HCP subject (0.96 M voxels x 96 volumes, one thread) the fit
 * took 1.0 s of CPU instead of 2.6 s for the per-voxel kernel (measured on a loaded machine). Blocks are small ({@linkcode gemmWidth} voxels): OpenBLAS runs products that small in the
 * calling thread, so workers that each fit blocks do not contend for its thread pool.
 *
 * @module
 */

import { type Blas, blasUnavailableReason, loadBlas } from "../native/mod.ts";
import {
  fillVoxel,
  type FitOutputs,
  type FitPlan,
  logTable,
  type NumericArray,
  type SampleLayout,
  wlsByPinv,
  writeVoxel,
} from "./_kernel.ts";
import { cholSolve7 } from "./_linalg.ts";
import { DmriError } from "./errors.ts";

/**
 * Voxels per block for N volumes: the largest multiple of 8 (at least 8, at most 384) with 28·N·width ≤
 * 65536·4, OpenBLAS's bound (m·n·k ≤ SMP_THRESHOLD_MIN · GEMM_MULTITHREAD_THRESHOLD) below which a product
 * runs in the calling thread: the normal equations' 28-row product stays one call that never wakes the
 * library's pool (pooled, two workers' products contend and its threads spin). 96 for N = 96. Measured
 * (one thread, HCP subject): width 96 with the 28-row product in one call 0.33 s of products, width 384
 * with it in four 7-row calls 0.44 s.
 */
export function gemmWidth(n: number): number {
  return Math.max(8, Math.min(384, Math.floor(262144 / (28 * n) / 8) * 8));
}

let shared: Blas | null | undefined;

/**
 * This thread's native BLAS (OpenBLAS or Accelerate, opened once per thread, its thread pool left as it is),
 * or null where none loads or FFI is not permitted (see lib/native loadBlas).
 */
export function fitBlas(): Blas | null {
  if (shared === undefined) shared = loadBlas({ threads: "unchanged" });
  return shared;
}

/**
 * The BLAS a fit with option `kernel` uses in this thread: null for "js"; for "auto" {@linkcode fitBlas}
 * (null where none loads); for "blas" the same, or a {@linkcode DmriError} where none loads.
 */
export function blasFor(kernel: "auto" | "blas" | "js" = "auto"): Blas | null {
  if (kernel === "js") return null;
  if (kernel !== "auto" && kernel !== "blas") {
    throw new DmriError("fitTensor", `unknown kernel '${kernel}' (use "auto", "blas" or "js")`);
  }
  const blas = fitBlas();
  if (blas === null && kernel === "blas") {
    throw new DmriError(
      "fitTensor",
      `kernel "blas": no native BLAS loaded (${blasUnavailableReason || "no library"}); use "auto" or "js"`,
    );
  }
  return blas;
}

/** Everything one thread needs to fit blocks with DGEMMs: plan-derived matrices and scratch. */
export interface GemmKernel {
  plan: FitPlan;
  blas: Blas;
  wls: boolean;
  minSignal: number;
  /** X⁺ (7 x N). */
  pinv: Float64Array;
  /** (2/ln 2)·X (N x 7): the squared weights' base-2 logarithm, log₂ w² = (2/ln 2) X β. */
  x2: Float64Array;
  /** O then Xsᵀ stacked (35 x N): rows 0..27 multiply W, rows 28..34 multiply W ∘ L. */
  design: Float64Array;
  /** Voxels per block, {@linkcode gemmWidth}(N): every product has this many columns. */
  width: number;
  /** Scratch, N x width each: log signal, squared weights, weighted logs. */
  logs: Float64Array;
  weights: Float64Array;
  weightedLogs: Float64Array;
  /** 7 x width: the OLS β of the block's voxels. */
  ols: Float64Array;
  /** 35 x width: A (28 rows) and r (7 rows). */
  normal: Float64Array;
  /** The block's fitted voxels, in order, as offsets from the first voxel (v0) of the fitVoxelsGemm call. */
  index: Int32Array;
  /** Per voxel: its log signal (N), β, OLS β, packed normal matrix, right-hand side, eigen output. */
  voxelLogs: Float64Array;
  beta: Float64Array;
  voxelOls: Float64Array;
  a: Float64Array;
  r: Float64Array;
  eig: Float64Array;
  lut: Float64Array | null;
  lutMin: number;
  /** Addresses for the DGEMMs (design: O, then its rows 28.. Xsᵀ; normal: A, then its rows 28.. r). */
  pointers: {
    pinv: Pointer;
    x2: Pointer;
    logs: Pointer;
    weights: Pointer;
    weightedLogs: Pointer;
    ols: Pointer;
    design: Pointer;
    weightedDesign: Pointer;
    normal: Pointer;
    rhs: Pointer;
  };
}

/** Build a thread's DGEMM kernel for a plan and an input type (a log table for 8/16-bit integers). */
export function makeGemmKernel(
  plan: FitPlan,
  blas: Blas,
  data: NumericArray,
  wls: boolean,
  minSignal: number,
): GemmKernel {
  const n = plan.n;
  const pinv = new Float64Array(7 * n);
  for (let t = 0; t < n; t++) for (let c = 0; c < 7; c++) pinv[c * n + t] = plan.xPinvT[t * 7 + c];
  const x2 = plan.x.map((v) => (2 / Math.LN2) * v);
  const design = new Float64Array(35 * n);
  design.set(plan.xsOuterT, 0);
  design.set(plan.xsT, 28 * n);
  const t = logTable(data, minSignal);
  const width = gemmWidth(n);
  const block = () => new Float64Array(n * width);
  const logs = block(), weights = block(), weightedLogs = block();
  const ols = new Float64Array(7 * width), normal = new Float64Array(35 * width);
  return {
    plan,
    blas,
    wls,
    minSignal,
    pinv,
    x2,
    design,
    width,
    logs,
    weights,
    weightedLogs,
    ols,
    normal,
    index: new Int32Array(width),
    voxelLogs: new Float64Array(n),
    beta: new Float64Array(7),
    voxelOls: new Float64Array(7),
    a: new Float64Array(28),
    r: new Float64Array(7),
    eig: new Float64Array(6),
    lut: t ? t.lut : null,
    lutMin: t ? t.min : 0,
    pointers: {
      pinv: at(pinv, 0),
      x2: at(x2, 0),
      logs: at(logs, 0),
      weights: at(weights, 0),
      weightedLogs: at(weightedLogs, 0),
      ols: at(ols, 0),
      design: at(design, 0),
      weightedDesign: at(design, 28 * n),
      normal: at(normal, 0),
      rhs: at(normal, 28 * width),
    },
  };
}

type Pointer = Deno.PointerValue;

/** The address of a[at..] (float64 elements). */
function at(a: Float64Array, offset: number): Pointer {
  return Deno.UnsafePointer.offset(Deno.UnsafePointer.of(a) as Deno.PointerObject, offset * 8);
}

/** C (rows x m, row-major) = A (rows x k, row-major) · B (k x m, row-major): all three dense. */
function product(blas: Blas, rows: number, m: number, k: number, a: Pointer, b: Pointer, c: Pointer): void {
  blas.dgemm(false, false, rows, m, k, 1, { ptr: a, ld: k }, { ptr: b, ld: m }, 0, { ptr: c, ld: m });
}

/** 2^(i/64 − 64) for i = 0..8191: {@linkcode pow2Kernel}'s table. */
const POW2_64 = Float64Array.from({ length: 8192 }, (_, i) => Math.pow(2, i / 64 - 64));
/** 1.5·2^52: adding and subtracting it rounds a double to an integer. */
const ROUND_SHIFT = 6755399441055744.0;
// (ln 2)^i / i!: 2^f = e^(f ln 2).
const P1 = Math.LN2, P2 = P1 * P1 / 2, P3 = P2 * P1 / 3, P4 = P3 * P1 / 4;

/**
 * 2^y to 1e-13 relative for |y| < 64 (the squared weights of any plausible signal: |log₂ S²| ≤ 30 for
 * 16-bit data), else Math.pow (NaN and ±∞ included): y = k/64 + f with k = round(64y), |f| ≤ 1/128 (f
 * exact), 2^y = T[k] · p(f), T a table of 2^(k/64) and p the degree-4 Taylor polynomial of e^(f ln 2)
 * (error < (ln2/128)⁵/120 ≈ 4e-14). One table read and four multiply-adds: the WLS weights take one per
 * sample, and with {@linkcode expKernel} they were a quarter of the DGEMM fit's time.
 */
export function pow2Kernel(y: number): number {
  if (!(y > -64 && y < 63.9)) return Math.pow(2, y);
  const kf = (y * 64 + ROUND_SHIFT) - ROUND_SHIFT;
  const f = y - kf * 0.015625;
  return POW2_64[(kf | 0) + 4096] * (1 + f * (P1 + f * (P2 + f * (P3 + f * P4))));
}

/**
 * The log signal of voxels index[0..m) (offsets from `base` in voxels) into columns 0..m of k.logs. 8/16-bit
 * integers through the log table; floats as _kernel.ts: a finite sample ≤ minSignal is floored, NaN and −∞
 * give NaN, +∞ gives +∞ (the voxel's OLS β is then not finite and the voxel NaN in every map).
 */
function gather(k: GemmKernel, data: NumericArray, layout: SampleLayout, base: number, m: number): void {
  const { logs, index, lut, lutMin, width } = k;
  const n = k.plan.n;
  const { voxelStride, volumeStride } = layout;
  const dense = voxelStride === 1 && index[m - 1] - index[0] === m - 1;
  for (let t = 0; t < n; t++) {
    const src = base + t * volumeStride, dst = t * width;
    if (lut && dense) {
      const from = src + index[0];
      for (let j = 0; j < m; j++) logs[dst + j] = lut[data[from + j] - lutMin];
    } else if (lut) {
      for (let j = 0; j < m; j++) logs[dst + j] = lut[data[src + index[j] * voxelStride] - lutMin];
    } else {
      const minSignal = k.minSignal, logMin = Math.log(minSignal);
      for (let j = 0; j < m; j++) {
        const y = data[src + index[j] * voxelStride];
        logs[dst + j] = y > minSignal ? Math.log(y) : y > -Infinity ? logMin : NaN;
      }
    }
  }
}

/**
 * Fit voxels [v0, v0 + count) (any count) and write their maps, as _kernel.ts fitBlock does (same arguments,
 * the same maps to rounding): zeros outside `mask` (mask[maskAt + v0 + v]), NaN for a voxel with a non-finite
 * sample, dipy's pinv fallback for a weighted system that is not positive definite. The voxels in the mask go
 * to the products k.width at a time, and every product has that width (the last block padded):
 * a DGEMM's column then comes out the same whichever voxels share its block, so that any split of the voxels
 * (slabs, workers, masks) gives the same maps, bit for bit.
 */
export function fitVoxelsGemm(
  k: GemmKernel,
  data: NumericArray,
  layout: SampleLayout,
  v0: number,
  count: number,
  out: FitOutputs,
  mask: Uint8Array | null,
  maskAt: number,
): void {
  const { index, width } = k;
  const base = layout.offset + v0 * layout.voxelStride;
  let m = 0;
  for (let v = 0; v < count; v++) {
    if (mask !== null && mask[maskAt + v0 + v] === 0) {
      fillVoxel(out, out.at + v0 + v, 0);
      continue;
    }
    index[m++] = v;
    if (m === width) {
      fitBlock(k, data, layout, base, m, out, v0);
      m = 0;
    }
  }
  if (m > 0) fitBlock(k, data, layout, base, m, out, v0);
}

/** Fit the m voxels k.index[0..m) (offsets from v0) as one block of products. */
function fitBlock(
  k: GemmKernel,
  data: NumericArray,
  layout: SampleLayout,
  base: number,
  m: number,
  out: FitOutputs,
  v0: number,
): void {
  const { plan, blas, wls, logs, weights, weightedLogs, ols, normal, index, beta, a, r, eig } = k;
  const n = plan.n, p = k.pointers, width = k.width;
  gather(k, data, layout, base, m);
  // Columns m.. hold an earlier block's (finite or not) values: each column's products are its own.
  product(blas, 7, width, n, p.pinv, p.logs, p.ols);
  if (wls) {
    product(blas, n, width, 7, p.x2, p.ols, p.weights);
    for (let t = 0; t < n; t++) {
      const row = t * width;
      for (let i = row, end = row + m; i < end; i++) {
        const w = pow2Kernel(weights[i]);
        weights[i] = w;
        weightedLogs[i] = w * logs[i];
      }
    }
    product(blas, 28, width, n, p.design, p.weights, p.normal);
    product(blas, 7, width, n, p.weightedDesign, p.weightedLogs, p.rhs);
  }
  const colScale = plan.colScale, voxelOls = k.voxelOls;
  for (let j = 0; j < m; j++) {
    const o = out.at + v0 + index[j];
    for (let c = 0; c < 7; c++) beta[c] = ols[c * width + j];
    // Finite logs give a finite OLS β through the finite X⁺; a non-finite one means a NaN or ±∞ sample.
    if (!Number.isFinite(beta[0] + beta[1] + beta[2] + beta[3] + beta[4] + beta[5] + beta[6])) {
      fillVoxel(out, o, NaN);
      continue;
    }
    if (wls) {
      voxelOls.set(beta);
      for (let q = 0; q < 28; q++) a[q] = normal[q * width + j];
      for (let c = 0; c < 7; c++) r[c] = normal[(28 + c) * width + j];
      let solved = cholSolve7(a, r);
      if (solved) {
        for (let c = 0; c < 7; c++) beta[c] = r[c] * colScale[c];
        solved = Number.isFinite(beta[0] + beta[1] + beta[2] + beta[3] + beta[4] + beta[5]);
      }
      if (!solved) {
        // A degenerate or overflowing weighted system: dipy's pinv of the weighted design.
        for (let t = 0; t < n; t++) k.voxelLogs[t] = logs[t * width + j];
        wlsByPinv(plan, k.voxelLogs, 0, voxelOls, beta);
      }
      for (let c = 0; c < 7; c++) if (!Number.isFinite(beta[c])) beta[c] = 0;
    }
    writeVoxel(plan, beta, eig, out, o);
  }
}
