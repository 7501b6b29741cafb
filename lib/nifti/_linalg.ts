/**
 * Small dense 3x3 / 4x4 linear algebra for affines (row-major number[][]).
 *
 * @module
 */

/** 3x3 determinant. */
export function det3(m: number[][]): number {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/** 3x3 inverse, or undefined when singular. */
export function inv3(m: number[][]): number[][] | undefined {
  const d = det3(m);
  if (d === 0 || !Number.isFinite(d)) return undefined;
  const [[a, b, c], [e, f, g], [h, i, j]] = m;
  return [
    [(f * j - g * i) / d, (c * i - b * j) / d, (b * g - c * f) / d],
    [(g * h - e * j) / d, (a * j - c * h) / d, (c * e - a * g) / d],
    [(e * i - f * h) / d, (b * h - a * i) / d, (a * f - b * e) / d],
  ];
}

/** Matrix product of small matrices. */
export function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

/** Transpose. */
export function transpose(a: number[][]): number[][] {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/**
 * Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations.
 * Returns eigenvalues and eigenvectors as the columns of `vectors`.
 */
export function symEig3(s: number[][]): { values: number[]; vectors: number[][] } {
  const a = s.map((r) => r.slice());
  const v = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
    if (off <= 1e-30 * (a[0][0] ** 2 + a[1][1] ** 2 + a[2][2] ** 2) || off === 0) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      if (a[p][q] === 0) continue;
      const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const sn = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p], akq = a[k][q];
        a[k][p] = c * akp - sn * akq;
        a[k][q] = sn * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k], aqk = a[q][k];
        a[p][k] = c * apk - sn * aqk;
        a[q][k] = sn * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p], vkq = v[k][q];
        v[k][p] = c * vkp - sn * vkq;
        v[k][q] = sn * vkp + c * vkq;
      }
    }
  }
  return { values: [a[0][0], a[1][1], a[2][2]], vectors: v };
}

/**
 * Closest orthogonal matrix to M (polar decomposition U·Vᵀ of M = U·S·Vᵀ), keeping only singular
 * values above `tol` (default: max(S)·3·eps, as numpy's rank rule) — nibabel's io_orientation step.
 */
export function polarOrthogonal(m: number[][], tol?: number): number[][] {
  const { values, vectors } = symEig3(matmul(transpose(m), m));
  const sing = values.map((x) => Math.sqrt(Math.max(x, 0)));
  const limit = tol ?? Math.max(...sing) * 3 * Number.EPSILON;
  const out = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let k = 0; k < 3; k++) {
    if (!(sing[k] > limit)) continue;
    const vk = [vectors[0][k], vectors[1][k], vectors[2][k]];
    // u_k = M v_k / s_k
    const uk = m.map((row) => (row[0] * vk[0] + row[1] * vk[1] + row[2] * vk[2]) / sing[k]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i][j] += uk[i] * vk[j];
  }
  return out;
}
