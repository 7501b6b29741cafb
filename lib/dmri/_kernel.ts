/**
 * The per-voxel tensor fit over a block of voxels (private; shared by the in-thread fit and the workers).
 *
 * Model (dipy's `design_matrix`): ln S_n = X_n · β with X_n = −[b gx², 2b gx gy, b gy², 2b gx gz, 2b gy gz,
 * b gz², 1] and β = [Dxx, Dxy, Dyy, Dxz, Dyz, Dzz, −ln S0].
 *
 * @module
 */

import { cholSolve7, pinv } from "./_linalg.ts";
import { eigSym3 } from "./_eigen.ts";

/** Everything about the fit that depends only on the gradient table (computed once). */
export interface FitPlan {
  /** Number of volumes N. */
  n: number;
  /** Design matrix X, row-major N x 7. */
  x: Float64Array;
  /** Pseudo-inverse X⁺ (the OLS estimator β = X⁺ ln S), transposed: row-major N x 7. */
  xPinvT: Float64Array;
  /** Column-scaled design X·diag(colScale), transposed: 7 x N (better conditioned normal equations). */
  xsT: Float64Array;
  /** The 28 products xs_i·xs_j (j ≤ i, packed lower triangle) per row, transposed: 28 x N. */
  xsOuterT: Float64Array;
  /** colScale_c = 1/‖X_{·c}‖. */
  colScale: Float64Array;
  /** dipy's eigenvalue floor: 1e-6 / max |X|. */
  minDiffusivity: number;
}

/** Plain data (structured-clonable) describing the gradient table for {@linkcode makePlan}. */
export interface PlanInput {
  bvals: Float64Array;
  bvecs: Float64Array;
}

/** Precompute the design matrix, its pseudo-inverse and the WLS helpers. */
export function makePlan(g: PlanInput): FitPlan {
  const n = g.bvals.length;
  const x = new Float64Array(n * 7);
  let maxB = 1;
  for (let i = 0; i < n; i++) {
    const b = g.bvals[i], gx = g.bvecs[3 * i], gy = g.bvecs[3 * i + 1], gz = g.bvecs[3 * i + 2];
    const row = [b * gx * gx, 2 * b * gx * gy, b * gy * gy, 2 * b * gx * gz, 2 * b * gy * gz, b * gz * gz, 1];
    for (let c = 0; c < 7; c++) {
      x[i * 7 + c] = -row[c];
      if (row[c] > maxB) maxB = row[c];
    }
  }
  const xPinv = pinv(x, n, 7);
  const xPinvT = new Float64Array(n * 7);
  for (let c = 0; c < 7; c++) for (let i = 0; i < n; i++) xPinvT[i * 7 + c] = xPinv[c * n + i];
  const colScale = new Float64Array(7);
  for (let c = 0; c < 7; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * 7 + c] * x[i * 7 + c];
    colScale[c] = s > 0 ? 1 / Math.sqrt(s) : 1;
  }
  const xsT = new Float64Array(7 * n);
  const xsOuterT = new Float64Array(28 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 7; c++) xsT[c * n + i] = x[i * 7 + c] * colScale[c];
    let k = 0;
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c <= r; c++) xsOuterT[n * k++ + i] = xsT[r * n + i] * xsT[c * n + i];
    }
  }
  return { n, x, xPinvT, xsT, xsOuterT, colScale, minDiffusivity: 1e-6 / maxB };
}

/** Where the samples of a block of voxels are: sample n of voxel v is data[offset + v·voxelStride + n·volumeStride]. */
export interface SampleLayout {
  offset: number;
  voxelStride: number;
  volumeStride: number;
}

/** Output arrays; voxel v of the block goes to index `at + v` (component c of evals / v1 at `at + v + c·componentStride`). */
export interface FitOutputs {
  fa: Float32Array;
  md: Float32Array;
  ad: Float32Array;
  rd: Float32Array;
  evals: Float32Array;
  v1: Float32Array;
  at: number;
  componentStride: number;
}

/** Numeric arrays the kernel reads (BigInt arrays are converted by the caller). */
export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** Scratch buffers reused across blocks (no allocation per voxel). */
export interface Scratch {
  logs: Float64Array;
  beta: Float64Array;
  ols: Float64Array;
  normal: Float64Array;
  rhs: Float64Array;
  eig: Float64Array;
  weights: Float64Array;
  weightedLogs: Float64Array;
  /** WLS over a block: squared weights (BLOCK x N), their products with the logs, and the OLS β (BLOCK x 7). */
  blockWeights: Float64Array;
  blockWeightedLogs: Float64Array;
  blockOls: Float64Array;
  /** Per voxel of the block: 0 outside the mask, 1 to fit, 2 non-finite. */
  blockState: Uint8Array;
  /** The normal equations (28) and right-hand sides (7) of the block's voxels (BLOCK x 35). */
  blockNormal: Float64Array;
  /** The block's fitted voxels, in order. */
  blockIndex: Int32Array;
  lut: Float64Array | null;
  lutMin: number;
}

/** 2^(j/64), j = 0..63: the table of {@linkcode expKernel}. */
const EXP_TABLE = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, j / 64));
/** 2^e for e = −1100..1099 (index e + 1100). */
const POW2 = Float64Array.from({ length: 2200 }, (_, i) => Math.pow(2, i - 1100));
const EXP_INV = 64 / Math.LN2;
/** 1.5·2^52: adding and subtracting it rounds a double to an integer. */
const ROUND_SHIFT = 6755399441055744.0;
// fdlibm's split of ln 2 (the high part's low bits are zero, so k·hi is exact), divided by 64.
const LN2_64_HI = 6.93147180369123816490e-01 / 64, LN2_64_LO = 1.90821492927058770002e-10 / 64;

/**
 * e^x to about 1e-15 relative (Math.exp's own accuracy class) at about half its cost in V8: x = (64k + j)·ln2/64
 * + r with |r| ≤ ln2/128, e^x = 2^k · 2^(j/64) · p(r), p the degree-5 Taylor polynomial (error < r⁶/720 ≈ 4e-17).
 * |x| ≥ 700, NaN and ±∞ go to Math.exp. The WLS weights take one per sample (96 per HCP voxel): a third of
 * the fit's time with Math.exp.
 */
export function expKernel(x: number): number {
  if (!(x > -700 && x < 700)) return Math.exp(x);
  const kf = (x * EXP_INV + ROUND_SHIFT) - ROUND_SHIFT;
  const r = (x - kf * LN2_64_HI) - kf * LN2_64_LO;
  const k = kf | 0;
  const j = k & 63;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return POW2[((k - j) >> 6) + 1100] * EXP_TABLE[j] * p;
}

/** Voxels per block: the log-signal block (BLOCK x N doubles) stays in cache. */
export const BLOCK = 256;

/**
 * A table of ln(max(s, minSignal)) for every value of an 8- or 16-bit integer type (a lookup instead of a
 * logarithm per sample), or null for other types.
 */
export function logTable(data: NumericArray, minSignal: number): { lut: Float64Array; min: number } | null {
  let min: number, size: number;
  if (data instanceof Uint8Array) [min, size] = [0, 256];
  else if (data instanceof Int8Array) [min, size] = [-128, 256];
  else if (data instanceof Uint16Array) [min, size] = [0, 65536];
  else if (data instanceof Int16Array) [min, size] = [-32768, 65536];
  else return null;
  const lut = new Float64Array(size);
  for (let i = 0; i < size; i++) lut[i] = Math.log(Math.max(i + min, minSignal));
  return { lut, min };
}

/** Allocate the scratch buffers of one thread for a plan and an input type. */
export function makeScratch(plan: FitPlan, data: NumericArray, minSignal: number): Scratch {
  const t = logTable(data, minSignal);
  return {
    logs: new Float64Array(BLOCK * plan.n),
    beta: new Float64Array(7),
    ols: new Float64Array(7),
    normal: new Float64Array(28),
    rhs: new Float64Array(7),
    eig: new Float64Array(6),
    weights: new Float64Array(plan.n),
    weightedLogs: new Float64Array(plan.n),
    blockWeights: new Float64Array(BLOCK * plan.n),
    blockWeightedLogs: new Float64Array(BLOCK * plan.n),
    blockOls: new Float64Array(BLOCK * 7),
    blockState: new Uint8Array(BLOCK),
    blockNormal: new Float64Array(BLOCK * 35),
    blockIndex: new Int32Array(BLOCK),
    lut: t ? t.lut : null,
    lutMin: t ? t.min : 0,
  };
}

/** Copy the log signal of voxels [v0, v0 + count) into scratch.logs, voxel-major (count x N). */
function gatherLogs(
  data: NumericArray,
  layout: SampleLayout,
  v0: number,
  count: number,
  n: number,
  minSignal: number,
  s: Scratch,
): void {
  const logs = s.logs;
  const { voxelStride, volumeStride } = layout;
  const base = layout.offset + v0 * voxelStride;
  if (s.lut) {
    const lut = s.lut, lutMin = s.lutMin;
    for (let t = 0; t < n; t++) {
      let src = base + t * volumeStride;
      for (let v = 0; v < count; v++, src += voxelStride) logs[v * n + t] = lut[data[src] - lutMin];
    }
  } else {
    // Floats: a finite sample ≤ minSignal is floored (dipy), but NaN and −∞ give NaN and +∞ gives +∞, so
    // that the voxel is marked non-finite instead of fitted as if the sample were tiny.
    const logMin = Math.log(minSignal);
    for (let t = 0; t < n; t++) {
      let src = base + t * volumeStride;
      for (let v = 0; v < count; v++, src += voxelStride) {
        const y = data[src];
        logs[v * n + t] = y > minSignal ? Math.log(y) : y > -Infinity ? logMin : NaN;
      }
    }
  }
}

/**
 * Fit voxels [v0, v0 + count) of the block described by `layout` (count ≤ BLOCK) and write the maps.
 * `mask`, when given, is indexed like the voxels (mask[maskAt + v]); voxels outside it get zeros. A voxel
 * with a NaN or ±∞ sample gets NaN in every map.
 */
export function fitBlock(
  plan: FitPlan,
  wls: boolean,
  data: NumericArray,
  layout: SampleLayout,
  v0: number,
  count: number,
  minSignal: number,
  out: FitOutputs,
  s: Scratch,
  mask: Uint8Array | null,
  maskAt: number,
): void {
  const n = plan.n;
  gatherLogs(data, layout, v0, count, n, minSignal, s);
  const { logs, beta, ols, normal, rhs, eig, blockWeights, blockWeightedLogs, blockOls, blockState } = s;
  const { xPinvT, x, colScale } = plan;
  // Pass 1, per voxel: OLS β = X⁺ ln S (the seven rows of X⁺ in one pass over the voxel's log signal) and,
  // for WLS, dipy's squared weights w_n² = exp(2 X_n·β_OLS) (the predicted signal, squared).
  let fitted = 0;
  for (let v = 0; v < count; v++) {
    if (mask !== null && mask[maskAt + v0 + v] === 0) {
      blockState[v] = 0;
      continue;
    }
    const lo = v * n;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0;
    for (let t = 0, p = 0; t < n; t++, p += 7) {
      const y = logs[lo + t];
      a0 += xPinvT[p] * y;
      a1 += xPinvT[p + 1] * y;
      a2 += xPinvT[p + 2] * y;
      a3 += xPinvT[p + 3] * y;
      a4 += xPinvT[p + 4] * y;
      a5 += xPinvT[p + 5] * y;
      a6 += xPinvT[p + 6] * y;
    }
    // Finite logs (|ln S| ≤ 710) give a finite β through the finite X⁺; a non-finite β means a NaN or ±∞
    // sample, and the voxel is NaN in every map rather than a plausible wrong number.
    if (!Number.isFinite(a0 + a1 + a2 + a3 + a4 + a5 + a6)) {
      blockState[v] = 2;
      continue;
    }
    blockState[v] = 1;
    fitted++;
    const bo = v * 7;
    blockOls[bo] = a0;
    blockOls[bo + 1] = a1;
    blockOls[bo + 2] = a2;
    blockOls[bo + 3] = a3;
    blockOls[bo + 4] = a4;
    blockOls[bo + 5] = a5;
    blockOls[bo + 6] = a6;
    if (wls) {
      for (let t = 0; t < n; t++) {
        const xo = t * 7;
        const pred = x[xo] * a0 + x[xo + 1] * a1 + x[xo + 2] * a2 + x[xo + 3] * a3 + x[xo + 4] * a4 +
          x[xo + 5] * a5 + x[xo + 6] * a6;
        const w2 = expKernel(2 * pred);
        blockWeights[lo + t] = w2;
        blockWeightedLogs[lo + t] = w2 * logs[lo + t];
      }
    }
  }
  // Pass 2, WLS: every fitted voxel's normal equations as a block product (see normalEquations).
  if (wls && fitted > 0) normalEquations(plan, count, s);
  // Pass 3, per voxel: solve, eigen-decompose, write the maps.
  const blockNormal = s.blockNormal;
  for (let v = 0; v < count; v++) {
    const o = out.at + v0 + v;
    const state = blockState[v];
    if (state !== 1) {
      fillVoxel(out, o, state === 0 ? 0 : NaN);
      continue;
    }
    const lo = v * n, bo = v * 7;
    for (let c = 0; c < 7; c++) beta[c] = blockOls[bo + c];
    if (wls) {
      // Minimise Σ w_n² (X_n·β − ln S_n)²: normal equations in the column-scaled design,
      // (Xsᵀ W² Xs) z = Xsᵀ W² ln S, β = diag(colScale) z.
      ols.set(beta);
      const no = v * 35;
      for (let k = 0; k < 28; k++) normal[k] = blockNormal[no + k];
      for (let c = 0; c < 7; c++) rhs[c] = blockNormal[no + 28 + c];
      if (cholSolve7(normal, rhs)) {
        for (let c = 0; c < 7; c++) beta[c] = rhs[c] * colScale[c];
      } else {
        wlsByPinv(plan, logs, lo, ols, beta);
      }
    }
    if (!Number.isFinite(beta[0] + beta[1] + beta[2] + beta[3] + beta[4] + beta[5])) {
      if (wls) wlsByPinv(plan, logs, lo, ols, beta); // e.g. overflowing weights
      for (let c = 0; c < 7; c++) if (!Number.isFinite(beta[c])) beta[c] = 0;
    }
    writeVoxel(plan, beta, eig, out, o);
  }
}

/**
 * The WLS normal equations of the block's fitted voxels (state 1): for voxel v, the 28 entries
 * Σ_t w²_vt · xs_ti xs_tj (packed lower triangle) and the 7 right-hand sides Σ_t w²_vt ln S_vt · xs_tc, into
 * blockNormal[35v ..]. A product of the block's weights (voxels x N) with the design's outer products
 * (N x 28) computed four voxels by two entries at a time, so that each weight and each design value
 * loaded serves several sums (the sums over t run in the same order as one voxel at a time: same values).
 */
function normalEquations(plan: FitPlan, count: number, s: Scratch): void {
  const n = plan.n, outer = plan.xsOuterT, xsT = plan.xsT;
  const w = s.blockWeights, wl = s.blockWeightedLogs, out = s.blockNormal, state = s.blockState;
  const idx = s.blockIndex;
  let m = 0;
  for (let v = 0; v < count; v++) if (state[v] === 1) idx[m++] = v;
  let q = 0;
  for (; q + 4 <= m; q += 4) {
    const va = idx[q], vb = idx[q + 1], vc = idx[q + 2], vd = idx[q + 3];
    const la = va * n, lb = vb * n, lc = vc * n, ld = vd * n;
    const oa = va * 35, ob = vb * 35, oc = vc * 35, od = vd * 35;
    for (let k = 0; k < 28; k += 2) {
      const p0 = k * n, p1 = p0 + n;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
      for (let t = 0; t < n; t++) {
        const e0 = outer[p0 + t], e1 = outer[p1 + t];
        const wa = w[la + t], wb = w[lb + t], wc = w[lc + t], wd = w[ld + t];
        a0 += wa * e0;
        a1 += wa * e1;
        b0 += wb * e0;
        b1 += wb * e1;
        c0 += wc * e0;
        c1 += wc * e1;
        d0 += wd * e0;
        d1 += wd * e1;
      }
      out[oa + k] = a0;
      out[oa + k + 1] = a1;
      out[ob + k] = b0;
      out[ob + k + 1] = b1;
      out[oc + k] = c0;
      out[oc + k + 1] = c1;
      out[od + k] = d0;
      out[od + k + 1] = d1;
    }
    for (let c = 0; c < 7; c++) {
      const p0 = c * n;
      let a = 0, b = 0, cc = 0, d = 0;
      for (let t = 0; t < n; t++) {
        const e = xsT[p0 + t];
        a += wl[la + t] * e;
        b += wl[lb + t] * e;
        cc += wl[lc + t] * e;
        d += wl[ld + t] * e;
      }
      out[oa + 28 + c] = a;
      out[ob + 28 + c] = b;
      out[oc + 28 + c] = cc;
      out[od + 28 + c] = d;
    }
  }
  for (; q < m; q++) {
    const v = idx[q], lo = v * n, o = v * 35;
    for (let k = 0; k < 28; k++) {
      const p0 = k * n;
      let acc = 0;
      for (let t = 0; t < n; t++) acc += w[lo + t] * outer[p0 + t];
      out[o + k] = acc;
    }
    for (let c = 0; c < 7; c++) {
      const p0 = c * n;
      let acc = 0;
      for (let t = 0; t < n; t++) acc += wl[lo + t] * xsT[p0 + t];
      out[o + 28 + c] = acc;
    }
  }
}

/**
 * Write the maps of output voxel o from its tensor β (first six entries: Dxx, Dxy, Dyy, Dxz, Dyz, Dzz):
 * eigenvalues λ₁ ≥ λ₂ ≥ λ₃ floored at plan.minDiffusivity (NaN → the floor), FA = √(½ Σ(λi − λj)² / Σλi²)
 * clipped to [0, 1] (dipy's clip(nan_to_num(·))), MD = mean λ, AD = λ₁, RD = (λ₂ + λ₃)/2, V1. `eig`: 6 scratch.
 */
export function writeVoxel(
  plan: FitPlan,
  beta: Float64Array,
  eig: Float64Array,
  out: FitOutputs,
  o: number,
): void {
  const minDiffusivity = plan.minDiffusivity, cs = out.componentStride;
  eigSym3(beta[0], beta[1], beta[2], beta[3], beta[4], beta[5], eig, 0);
  let l1 = eig[0], l2 = eig[1], l3 = eig[2];
  if (!(l1 >= minDiffusivity)) l1 = minDiffusivity; // also maps NaN to the floor
  if (!(l2 >= minDiffusivity)) l2 = minDiffusivity;
  if (!(l3 >= minDiffusivity)) l3 = minDiffusivity;
  const d12 = l1 - l2, d23 = l2 - l3, d31 = l3 - l1;
  let fa = Math.sqrt((0.5 * (d12 * d12 + d23 * d23 + d31 * d31)) / (l1 * l1 + l2 * l2 + l3 * l3));
  if (!(fa >= 0)) fa = 0;
  else if (fa > 1) fa = 1;
  out.fa[o] = fa;
  out.md[o] = (l1 + l2 + l3) / 3;
  out.ad[o] = l1;
  out.rd[o] = (l2 + l3) / 2;
  out.evals[o] = l1;
  out.evals[o + cs] = l2;
  out.evals[o + 2 * cs] = l3;
  out.v1[o] = eig[3];
  out.v1[o + cs] = eig[4];
  out.v1[o + 2 * cs] = eig[5];
}

/** Write `value` to every map of output voxel o. */
export function fillVoxel(out: FitOutputs, o: number, value: number): void {
  const cs = out.componentStride;
  out.fa[o] = value;
  out.md[o] = value;
  out.ad[o] = value;
  out.rd[o] = value;
  for (let c = 0; c < 3; c++) {
    out.evals[o + c * cs] = value;
    out.v1[o + c * cs] = value;
  }
}

/**
 * Fallback WLS for a degenerate weighted system: β = pinv(diag(w)·X) · (w ⊙ ln S), exactly as dipy
 * (w = exp(X·β_OLS), 1 where that is not finite); the log signal is logs[lo .. lo + N).
 */
export function wlsByPinv(
  plan: FitPlan,
  logs: Float64Array,
  lo: number,
  ols: Float64Array,
  beta: Float64Array,
): void {
  const { n, x } = plan;
  const xw = new Float64Array(n * 7);
  const wy = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let pred = 0;
    for (let c = 0; c < 7; c++) pred += x[t * 7 + c] * ols[c];
    const w = Number.isFinite(pred) ? Math.exp(pred) : 1;
    for (let c = 0; c < 7; c++) xw[t * 7 + c] = w * x[t * 7 + c];
    wy[t] = w * logs[lo + t];
  }
  const p = pinv(xw, n, 7);
  for (let c = 0; c < 7; c++) {
    let acc = 0;
    for (let t = 0; t < n; t++) acc += p[c * n + t] * wy[t];
    beta[c] = Number.isFinite(acc) ? acc : 0;
  }
}
