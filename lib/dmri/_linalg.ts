/**
 * Small dense linear algebra for the tensor fit (private): pseudo-inverse and singular values by one-sided
 * Jacobi SVD, Cholesky solve of a packed symmetric 7 x 7 system.
 *
 * @module
 */

/**
 * One-sided Jacobi SVD (Hestenes) of a row-major m x n matrix (m ≥ n): the columns of A are rotated until
 * they are orthogonal, so A V = [u_1 … u_n] with u_j = σ_j U_j.
 *
 * @returns u (column-major m x n, the rotated columns), v (row-major n x n) and σ_j = ‖u_j‖.
 */
function jacobiSvd(
  a: ArrayLike<number>,
  m: number,
  n: number,
): { u: Float64Array; v: Float64Array; sigma: Float64Array } {
  const u = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) u[j * m + i] = a[i * n + j];
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const up = u[p * m + i], uq = u[q * m + i];
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < m; i++) {
          const up = u[p * m + i], uq = u[q * m + i];
          u[p * m + i] = c * up - s * uq;
          u[q * m + i] = s * up + c * uq;
        }
        for (let i = 0; i < n; i++) {
          const vp = v[i * n + p], vq = v[i * n + q];
          v[i * n + p] = c * vp - s * vq;
          v[i * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += u[j * m + i] * u[j * m + i];
    sigma[j] = Math.sqrt(s);
  }
  return { u, v, sigma };
}

/**
 * Moore–Penrose pseudo-inverse of a row-major m x n matrix (m ≥ n) by one-sided Jacobi SVD
 * (Hestenes), singular values below `rcond · σ_max` treated as zero, as numpy's `pinv` (rcond 1e-15).
 *
 * @returns Row-major n x m matrix A⁺ = V Σ⁺ Uᵀ.
 */
export function pinv(a: ArrayLike<number>, m: number, n: number, rcond = 1e-15): Float64Array {
  const { u, v, sigma } = jacobiSvd(a, m, n);
  let smax = 0;
  for (let j = 0; j < n; j++) smax = Math.max(smax, sigma[j]);
  const out = new Float64Array(n * m);
  for (let j = 0; j < n; j++) {
    if (!(sigma[j] > rcond * smax)) continue;
    const inv2 = 1 / (sigma[j] * sigma[j]); // u_j = σ_j·U_j, so U_j/σ_j = u_j/σ_j²
    for (let r = 0; r < n; r++) {
      const vr = v[r * n + j] * inv2;
      if (vr === 0) continue;
      for (let i = 0; i < m; i++) out[r * m + i] += vr * u[j * m + i];
    }
  }
  return out;
}

/**
 * Singular values of a row-major m x n matrix (m ≥ n), descending (same Jacobi SVD as {@linkcode pinv}).
 */
export function singularValues(a: ArrayLike<number>, m: number, n: number): Float64Array {
  return jacobiSvd(a, m, n).sigma.sort().reverse();
}

/**
 * Solve S x = b in place for a symmetric positive-definite 7 x 7 S given as its packed lower triangle
 * (row-major: S00, S10, S11, S20, S21, S22, ...), by its Cholesky factor S = L Lᵀ (L Lᵀ x = b: two triangular
 * solves). `b` is overwritten by x; `a` is left as it is.
 *
 * @returns false when S is not numerically positive definite (then `b` is unspecified).
 */
export function cholSolve7(a: Float64Array, b: Float64Array): boolean {
  // Fully unrolled (the loops' operations in the same order: the same bits as the rolled form).
  // l<i><j> = L[i][j]; a diagonal that is not > 1e-300 means S is not numerically positive definite.
  const s00 = a[0];
  if (!(s00 > 1e-300)) return false;
  const l00 = Math.sqrt(s00);
  const l10 = a[1] / l00;
  const s11 = a[2] - l10 * l10;
  if (!(s11 > 1e-300)) return false;
  const l11 = Math.sqrt(s11);
  const l20 = a[3] / l00;
  const l21 = (a[4] - l20 * l10) / l11;
  const s22 = a[5] - l20 * l20 - l21 * l21;
  if (!(s22 > 1e-300)) return false;
  const l22 = Math.sqrt(s22);
  const l30 = a[6] / l00;
  const l31 = (a[7] - l30 * l10) / l11;
  const l32 = (a[8] - l30 * l20 - l31 * l21) / l22;
  const s33 = a[9] - l30 * l30 - l31 * l31 - l32 * l32;
  if (!(s33 > 1e-300)) return false;
  const l33 = Math.sqrt(s33);
  const l40 = a[10] / l00;
  const l41 = (a[11] - l40 * l10) / l11;
  const l42 = (a[12] - l40 * l20 - l41 * l21) / l22;
  const l43 = (a[13] - l40 * l30 - l41 * l31 - l42 * l32) / l33;
  const s44 = a[14] - l40 * l40 - l41 * l41 - l42 * l42 - l43 * l43;
  if (!(s44 > 1e-300)) return false;
  const l44 = Math.sqrt(s44);
  const l50 = a[15] / l00;
  const l51 = (a[16] - l50 * l10) / l11;
  const l52 = (a[17] - l50 * l20 - l51 * l21) / l22;
  const l53 = (a[18] - l50 * l30 - l51 * l31 - l52 * l32) / l33;
  const l54 = (a[19] - l50 * l40 - l51 * l41 - l52 * l42 - l53 * l43) / l44;
  const s55 = a[20] - l50 * l50 - l51 * l51 - l52 * l52 - l53 * l53 - l54 * l54;
  if (!(s55 > 1e-300)) return false;
  const l55 = Math.sqrt(s55);
  const l60 = a[21] / l00;
  const l61 = (a[22] - l60 * l10) / l11;
  const l62 = (a[23] - l60 * l20 - l61 * l21) / l22;
  const l63 = (a[24] - l60 * l30 - l61 * l31 - l62 * l32) / l33;
  const l64 = (a[25] - l60 * l40 - l61 * l41 - l62 * l42 - l63 * l43) / l44;
  const l65 = (a[26] - l60 * l50 - l61 * l51 - l62 * l52 - l63 * l53 - l64 * l54) / l55;
  const s66 = a[27] - l60 * l60 - l61 * l61 - l62 * l62 - l63 * l63 - l64 * l64 - l65 * l65;
  if (!(s66 > 1e-300)) return false;
  const l66 = Math.sqrt(s66);
  const y0 = b[0] / l00;
  const y1 = (b[1] - l10 * y0) / l11;
  const y2 = (b[2] - l20 * y0 - l21 * y1) / l22;
  const y3 = (b[3] - l30 * y0 - l31 * y1 - l32 * y2) / l33;
  const y4 = (b[4] - l40 * y0 - l41 * y1 - l42 * y2 - l43 * y3) / l44;
  const y5 = (b[5] - l50 * y0 - l51 * y1 - l52 * y2 - l53 * y3 - l54 * y4) / l55;
  const y6 = (b[6] - l60 * y0 - l61 * y1 - l62 * y2 - l63 * y3 - l64 * y4 - l65 * y5) / l66;
  const x6 = y6 / l66;
  const x5 = (y5 - l65 * x6) / l55;
  const x4 = (y4 - l54 * x5 - l64 * x6) / l44;
  const x3 = (y3 - l43 * x4 - l53 * x5 - l63 * x6) / l33;
  const x2 = (y2 - l32 * x3 - l42 * x4 - l52 * x5 - l62 * x6) / l22;
  const x1 = (y1 - l21 * x2 - l31 * x3 - l41 * x4 - l51 * x5 - l61 * x6) / l11;
  const x0 = (y0 - l10 * x1 - l20 * x2 - l30 * x3 - l40 * x4 - l50 * x5 - l60 * x6) / l00;
  b[0] = x0;
  b[1] = x1;
  b[2] = x2;
  b[3] = x3;
  b[4] = x4;
  b[5] = x5;
  b[6] = x6;
  return true;
}
