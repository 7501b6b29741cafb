// L2-penalised logistic regression fitted by Newton's method (IRLS), for lib/study's region-FA baseline.
import { StatsError } from "../experiments/mod.ts";

/** A fitted logistic model: P(y = 1 | x) = σ(b + w·x). */
export interface LogisticModel {
  /** Weights, one per feature. */
  weights: number[];
  /** Intercept b (not penalised). */
  intercept: number;
  /** Newton iterations taken. */
  iterations: number;
}

/** The logistic function σ(z) = 1 / (1 + e^−z), without overflow for large |z|. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Minimise Σ_i [log(1 + e^{z_i}) − y_i z_i] + (λ/2)‖w‖², z_i = b + w·x_i (scikit-learn's
 * `LogisticRegression(C = 1/λ)` objective), by Newton steps on (b, w) until the largest gradient entry is
 * below `tol`. The objective is strictly convex for λ > 0, so the minimiser is unique.
 *
 * @throws {StatsError} for λ ≤ 0, mismatched rows and labels, one class only, or no convergence.
 */
export function fitLogistic(
  x: readonly number[][],
  y: readonly number[],
  options: { lambda?: number; tol?: number; maxIterations?: number } = {},
): LogisticModel {
  const { lambda = 1, tol = 1e-10, maxIterations = 100 } = options;
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw new StatsError("fitLogistic", `λ must be a positive number, got ${lambda}`);
  }
  if (!x.length || x.length !== y.length) {
    throw new StatsError("fitLogistic", `${x.length} feature rows for ${y.length} labels`);
  }
  if (!y.includes(0) || !y.includes(1)) {
    throw new StatsError("fitLogistic", "the training labels hold one class only: nothing to separate");
  }
  const d = x[0]?.length ?? 0, p = d + 1;
  const beta = new Array(p).fill(0); // [b, w...]
  let it = 0;
  for (; it < maxIterations; it++) {
    const grad = new Array(p).fill(0);
    const hess = Array.from({ length: p }, () => new Array(p).fill(0));
    for (let i = 0; i < x.length; i++) {
      const row = [1, ...x[i]];
      const mu = sigmoid(row.reduce((s, v, j) => s + v * beta[j], 0));
      const w = mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        grad[j] += (mu - y[i]) * row[j];
        for (let k = 0; k < p; k++) hess[j][k] += w * row[j] * row[k];
      }
    }
    for (let j = 1; j < p; j++) grad[j] += lambda * beta[j], hess[j][j] += lambda;
    if (Math.max(...grad.map(Math.abs)) < tol) break;
    const step = solve(hess, grad);
    for (let j = 0; j < p; j++) beta[j] -= step[j];
  }
  if (it === maxIterations || !beta.every(Number.isFinite)) {
    throw new StatsError("fitLogistic", `no convergence in ${maxIterations} Newton steps`);
  }
  return { intercept: beta[0], weights: beta.slice(1), iterations: it };
}

/** Solve A s = g by Gaussian elimination with partial pivoting (A symmetric positive definite here). */
function solve(a: number[][], g: number[]): number[] {
  const n = g.length, m = a.map((row, i) => [...row, g[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const s = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = m[r][n];
    for (let k = r + 1; k < n; k++) v -= m[r][k] * s[k];
    s[r] = v / m[r][r];
  }
  return s;
}
