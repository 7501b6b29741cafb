/**
 * Whether a gradient table can support a diffusion tensor fit, and why not.
 *
 * @module
 */

import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";
import { singularValues } from "./_linalg.ts";

/** The largest b-value accepted by default, s/mm² (see {@linkcode ValidateGradientTableOptions.maxBvalue}). */
export const MAX_BVALUE = 1e5;

/** The largest condition number of the normalised design accepted by default (see {@linkcode validateGradientTable}). */
export const MAX_DESIGN_CONDITION = 1e3;

/** Two diffusion directions whose axes are closer than this angle (degrees) count as one. */
export const SAME_AXIS_DEGREES = 1;

/** Options of {@linkcode validateGradientTable}. */
export interface ValidateGradientTableOptions {
  /**
   * The largest plausible b-value, s/mm². Clinical and HCP-style scanners reach about 1e4, ex-vivo and
   * preclinical protocols a few 1e4; 1e5 leaves room for those and still catches b-values written in s/m²
   * (×1e6) or garbage such as 1e300. @default 1e5
   */
  maxBvalue?: number;
  /**
   * Tolerance on |‖g‖ − 1| for a b-vector with b > 0 (dipy's `atol`). A b0 volume's vector may also be
   * zero. @default the table's own `atol`, else 0.01
   */
  atol?: number;
  /**
   * The largest condition number σ_max/σ_min accepted for the normalised 7-column design (see
   * {@linkcode validateGradientTable}). Usable schemes measure 6–20; exactly coplanar or collinear
   * directions, and single-shell tables without a b0, measure ≥ 1e15. @default 1e3
   */
  maxConditionNumber?: number;
}

/** What {@linkcode validateGradientTable} measured on a table it accepted. */
export interface GradientTableCheck {
  /** Volumes with b > b0Threshold. */
  diffusionVolumes: number;
  /** Volumes with b ≤ b0Threshold. */
  b0Volumes: number;
  /** Distinct diffusion directions, up to sign (axes closer than {@linkcode SAME_AXIS_DEGREES} count once). */
  directions: number;
  /** Condition number σ_max/σ_min of the normalised 7-column design. */
  conditionNumber: number;
}

/**
 * Check that a gradient table can support a diffusion tensor fit (ln S_n = ln S0 − b_n g_nᵀ D g_n, seven
 * unknowns: D's six entries and ln S0) and throw a {@linkcode DmriError} naming the table's source and the
 * reason when it cannot. Called by {@linkcode fitTensor} and {@linkcode fitTensorParallel} before any voxel
 * is fitted. In order:
 *
 * 1. The arrays agree with `count` (bvals N, bvecs 3N, b0Mask N) and b0Mask is b ≤ b0Threshold.
 * 2. Every b-value is finite, ≥ 0 and ≤ `maxBvalue` (default 1e5 s/mm²).
 * 3. Every b-vector entry is finite; a vector with b > 0 is unit within `atol` (default 0.01, dipy's),
 *    except that a b0 volume's vector may be zero.
 * 4. At least one volume is diffusion-weighted (b > b0Threshold), and there are at least 7 volumes.
 * 5. At least 6 distinct diffusion directions up to sign (g and −g are one measurement; axes closer than
 *    1° count once).
 * 6. The design has full rank 7, measured as the condition number κ = σ_max/σ_min ≤ `maxConditionNumber`
 *    (default 1e3) of X̃ with rows [b/b_max·(gx², gy², gz², √2 gx gy, √2 gx gz, √2 gy gz), 1]. With the √2
 *    the tensor part is an isometry of symmetric matrices, so κ does not depend on how the scheme is
 *    rotated nor on the unit of b. κ ≈ 6–20 for usable schemes (6 directions + b0: 6.2; HCP-like
 *    multi-shell: 7–19); directions within 3° of a plane give κ > 1e3, exactly coplanar or collinear
 *    directions κ ≥ 1e15.
 *
 * A b0 volume is not required as such: the fit estimates ln S0 as its seventh unknown. Without a b0,
 * ln S0 and the mean diffusivity separate only through different b-values, so a table with no b0 and a
 * single shell is rank deficient (refused by check 6 with that reason), while two shells without a b0 fit
 * fine (κ ≈ 8 for b = 1000 and 2000). The brain mask ({@linkcode brainMask}) does need a b0.
 *
 * @param table The gradient table, e.g. from {@linkcode loadGradients}.
 * @param options Limits; see {@linkcode ValidateGradientTableOptions}.
 * @returns What was measured, when the table is accepted.
 * @example
 * const gtab = await loadGradients("dwi.bval", "dwi.bvec");
 * const { directions, conditionNumber } = validateGradientTable(gtab); // throws DmriError if unusable
 */
export function validateGradientTable(
  table: GradientTable,
  options: ValidateGradientTableOptions = {},
): GradientTableCheck {
  const { maxBvalue = MAX_BVALUE, atol = table.atol ?? 0.01, maxConditionNumber = MAX_DESIGN_CONDITION } =
    options;
  const { bvals, bvecs, b0Mask, count: n, b0Threshold, source } = table;
  function fail(reason: string): never {
    throw new DmriError(source, reason);
  }

  // 1. Shapes.
  if (bvals.length !== n || bvecs.length !== 3 * n || b0Mask.length !== n) {
    fail(
      `count ${n} but ${bvals.length} b-values, ${bvecs.length / 3} b-vectors and ${b0Mask.length} b0 flags`,
    );
  }
  if (!(b0Threshold >= 0) || !Number.isFinite(b0Threshold)) {
    fail(`b0Threshold must be finite and ≥ 0, got ${b0Threshold}`);
  }

  // 2, 3. Values.
  let diffusionVolumes = 0, maxB = 0;
  for (let i = 0; i < n; i++) {
    const b = bvals[i];
    if (!Number.isFinite(b)) fail(`b-value ${i} is ${b}`);
    if (b < 0) fail(`b-value ${i} is negative (${b})`);
    if (b > maxBvalue) {
      fail(`b-value ${i} is ${b} s/mm², above the physical bound ${maxBvalue} (option maxBvalue)`);
    }
    const dw = b > b0Threshold;
    if ((b0Mask[i] === 1) === dw) {
      fail(`b0Mask[${i}] is ${b0Mask[i]} but b = ${b} (b0Threshold ${b0Threshold})`);
    }
    const gx = bvecs[3 * i], gy = bvecs[3 * i + 1], gz = bvecs[3 * i + 2];
    if (!Number.isFinite(gx + gy + gz)) fail(`b-vector ${i} (${gx}, ${gy}, ${gz}) is not finite`);
    const norm = Math.hypot(gx, gy, gz);
    if (b > 0 && Math.abs(norm - 1) > atol && !(norm === 0 && !dw)) {
      fail(`b-vector ${i} has norm ${norm.toPrecision(4)}, not 1 within ${atol} (b = ${b})`);
    }
    if (dw) diffusionVolumes++;
    if (b > maxB) maxB = b;
  }
  const b0Volumes = n - diffusionVolumes;

  // 4. Counts.
  if (diffusionVolumes === 0) {
    fail(`no diffusion-weighted volume: all ${n} b-values are ≤ b0Threshold ${b0Threshold}`);
  }
  if (n < 7) fail(`a tensor fit needs at least 7 volumes, got ${n}`);

  // 5. Distinct axes (greedy: each direction joins the first kept axis within SAME_AXIS_DEGREES).
  const cosSame = Math.cos((SAME_AXIS_DEGREES * Math.PI) / 180);
  const axes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(bvals[i] > b0Threshold)) continue;
    const gx = bvecs[3 * i], gy = bvecs[3 * i + 1], gz = bvecs[3 * i + 2];
    const norm = Math.hypot(gx, gy, gz);
    let seen = false;
    for (let k = 0; k < axes.length && !seen; k += 3) {
      seen = Math.abs(gx * axes[k] + gy * axes[k + 1] + gz * axes[k + 2]) / norm >= cosSame;
    }
    if (!seen) axes.push(gx / norm, gy / norm, gz / norm);
  }
  const directions = axes.length / 3;
  if (directions < 6) {
    fail(
      `only ${directions} distinct diffusion direction${directions === 1 ? "" : "s"} (up to sign, ` +
        `${SAME_AXIS_DEGREES}° apart) in ${diffusionVolumes} diffusion-weighted volumes; a tensor needs ` +
        `at least 6 non-collinear ones`,
    );
  }

  // 6. Rank of the normalised design.
  const design = normalisedDesign(table, maxB, 7);
  const conditionNumber = condition(design, n, 7);
  if (!(conditionNumber <= maxConditionNumber)) {
    const kappa = conditionNumber.toPrecision(3);
    // Is the tensor part alone determined? Then ln S0 is what the table cannot separate.
    const tensorOnly = condition(normalisedDesign(table, maxB, 6), n, 6);
    if (tensorOnly <= maxConditionNumber) {
      let minB = Infinity;
      for (let i = 0; i < n; i++) if (bvals[i] > 0) minB = Math.min(minB, bvals[i]);
      const shells = minB === maxB ? `a single b-value (${maxB})` : `b-values only from ${minB} to ${maxB}`;
      fail(
        `the design is rank deficient (condition number ${kappa} > ${maxConditionNumber}): ` +
          `${b0Volumes === 0 ? "no b0 volume" : `${b0Volumes} b0 volumes with b > 0`} and ${shells}, so ` +
          `ln S0 and the mean diffusivity cannot be separated; add a b0 volume (b = 0) or a second shell`,
      );
    }
    fail(
      `the design is rank deficient (condition number ${kappa} > ${maxConditionNumber}): the diffusion ` +
        `directions do not determine the tensor (coplanar or nearly collinear directions?)`,
    );
  }
  return { diffusionVolumes, b0Volumes, directions, conditionNumber };
}

/** Rows [b/maxB·(gx², gy², gz², √2 gx gy, √2 gx gz, √2 gy gz), 1], the first `columns` of them, N x columns. */
function normalisedDesign(table: GradientTable, maxB: number, columns: 6 | 7): Float64Array {
  const { bvals, bvecs, count: n } = table;
  const x = new Float64Array(n * columns);
  for (let i = 0; i < n; i++) {
    const s = bvals[i] / maxB, gx = bvecs[3 * i], gy = bvecs[3 * i + 1], gz = bvecs[3 * i + 2];
    const row = [gx * gx, gy * gy, gz * gz, Math.SQRT2 * gx * gy, Math.SQRT2 * gx * gz, Math.SQRT2 * gy * gz];
    for (let c = 0; c < 6; c++) x[i * columns + c] = s * row[c];
    if (columns === 7) x[i * 7 + 6] = 1;
  }
  return x;
}

/** σ_max/σ_min of a row-major m x n matrix (Infinity when rank deficient). */
function condition(a: Float64Array, m: number, n: number): number {
  const sigma = singularValues(a, m, n);
  return sigma[n - 1] > 0 ? sigma[0] / sigma[n - 1] : Infinity;
}
