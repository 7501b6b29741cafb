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
 * (row-major: S00, S10, S11, S20, S21, S22, ...). `a` is overwritten by the Cholesky factor, `b` by x.
 *
 * @returns false when S is not numerically positive definite (then `b` is unspecified).
 */
export function cholSolve7(a: Float64Array, b: Float64Array): boolean {
  // Packed index of (i, j), j ≤ i: i(i+1)/2 + j.
  for (let i = 0; i < 7; i++) {
    const ii = (i * (i + 1)) >> 1;
    for (let j = 0; j <= i; j++) {
      const jj = (j * (j + 1)) >> 1;
      let s = a[ii + j];
      for (let k = 0; k < j; k++) s -= a[ii + k] * a[jj + k];
      if (i === j) {
        if (!(s > 1e-300)) return false;
        a[ii + i] = Math.sqrt(s);
      } else {
        a[ii + j] = s / a[jj + j];
      }
    }
  }
  for (let i = 0; i < 7; i++) {
    const ii = (i * (i + 1)) >> 1;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[ii + k] * b[k];
    b[i] = s / a[ii + i];
  }
  for (let i = 6; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < 7; k++) s -= a[((k * (k + 1)) >> 1) + i] * b[k];
    b[i] = s / a[((i * (i + 1)) >> 1) + i];
  }
  return true;
}
