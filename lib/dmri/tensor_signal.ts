/**
 * The forward tensor model: signals from a diffusion tensor on a gradient table.
 *
 * @module
 */

import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";

/** Options of {@linkcode tensorSignal}. */
export interface TensorSignalOptions {
  /** Signal without diffusion weighting. @default 1 */
  s0?: number;
  /** Array of length N to write into (no allocation). @default a new Float64Array */
  out?: Float64Array;
}

/**
 * Signals of a diffusion tensor on a gradient table: S_n = S0 · exp(−b_n g_nᵀ D g_n).
 *
 * @param tensor The six unique elements in dipy's lower-triangular order [Dxx, Dxy, Dyy, Dxz, Dyz, Dzz] (mm²/s).
 * @param gtab b-values and unit directions.
 * @example
 * const d = tensorFromEigen([1.7e-3, 0.3e-3, 0.3e-3], [1, 0, 0]);
 * const s = tensorSignal(d, gtab, { s0: 1000 });
 */
export function tensorSignal(
  tensor: ArrayLike<number>,
  gtab: Pick<GradientTable, "bvals" | "bvecs">,
  options: TensorSignalOptions = {},
): Float64Array {
  const { s0 = 1 } = options;
  const n = gtab.bvals.length;
  const out = options.out ?? new Float64Array(n);
  const [xx, xy, yy, xz, yz, zz] = [tensor[0], tensor[1], tensor[2], tensor[3], tensor[4], tensor[5]];
  for (let i = 0; i < n; i++) {
    const gx = gtab.bvecs[3 * i], gy = gtab.bvecs[3 * i + 1], gz = gtab.bvecs[3 * i + 2];
    const gdg = xx * gx * gx + yy * gy * gy + zz * gz * gz + 2 * (xy * gx * gy + xz * gx * gz + yz * gy * gz);
    out[i] = s0 * Math.exp(-gtab.bvals[i] * gdg);
  }
  return out;
}

/**
 * The tensor D = Σ λ_i v_i v_iᵀ with eigenvalues λ₁, λ₂, λ₃ and principal direction v₁; v₂ is taken
 * orthogonal to v₁ (given, or chosen) and v₃ = v₁ × v₂. Directions need not be unit length.
 *
 * @param evals [λ₁, λ₂, λ₃] in mm²/s.
 * @param v1 Principal direction.
 * @returns [Dxx, Dxy, Dyy, Dxz, Dyz, Dzz] (dipy's lower-triangular order).
 * @example
 * tensorFromEigen([1.7e-3, 0.3e-3, 0.3e-3], [0, 0, 1]); // prolate tensor along z
 */
export function tensorFromEigen(
  evals: ArrayLike<number>,
  v1: ArrayLike<number>,
  options: { v2?: ArrayLike<number> } = {},
): Float64Array {
  const a = unit([v1[0], v1[1], v1[2]]);
  let b: number[];
  if (options.v2) {
    const v2 = [options.v2[0], options.v2[1], options.v2[2]];
    const d = dot(v2, a);
    b = unit([v2[0] - d * a[0], v2[1] - d * a[1], v2[2] - d * a[2]]);
  } else {
    const ax = Math.abs(a[0]), ay = Math.abs(a[1]), az = Math.abs(a[2]);
    const e = ax <= ay && ax <= az ? [1, 0, 0] : ay <= az ? [0, 1, 0] : [0, 0, 1];
    b = unit(cross(a, e));
  }
  const c = cross(a, b);
  const vs = [a, b, c];
  const d = new Float64Array(6);
  for (let k = 0; k < 3; k++) {
    const [x, y, z] = vs[k];
    const l = evals[k];
    d[0] += l * x * x;
    d[1] += l * x * y;
    d[2] += l * y * y;
    d[3] += l * x * z;
    d[4] += l * y * z;
    d[5] += l * z * z;
  }
  return d;
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function unit(v: number[]): number[] {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (n === 0) throw new DmriError("tensorFromEigen", "zero-length direction");
  return [v[0] / n, v[1] / n, v[2] / n];
}
