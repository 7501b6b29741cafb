/**
 * Closed-form eigen-decomposition of a symmetric 3 x 3 matrix (private).
 *
 * @module
 */

const TWO_PI_3 = (2 * Math.PI) / 3;

/**
 * Eigenvalues (descending) and the principal eigenvector of the symmetric tensor
 * D = [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]].
 *
 * Eigenvalues by the trigonometric solution of the characteristic cubic (Smith, 1961):
 * q = tr(D)/3, p = √(‖D − qI‖²_F / 6), r = det((D − qI)/p)/2, φ = acos(r)/3,
 * λ₁ = q + 2p cos φ, λ₃ = q + 2p cos(φ + 2π/3), λ₂ = 3q − λ₁ − λ₃.
 * The eigenvector of λ₁ is the largest cross product of two rows of D − λ₁I; when λ₁ is (nearly) double
 * any unit vector orthogonal to the remaining eigenvector is returned.
 *
 * @param out Receives [λ₁, λ₂, λ₃, v₁x, v₁y, v₁z] at `at`.
 */
export function eigSym3(
  xx: number,
  xy: number,
  yy: number,
  xz: number,
  yz: number,
  zz: number,
  out: Float64Array,
  at = 0,
): void {
  const q = (xx + yy + zz) / 3;
  const off = xy * xy + xz * xz + yz * yz;
  const axx = xx - q, ayy = yy - q, azz = zz - q;
  const p2 = axx * axx + ayy * ayy + azz * azz + 2 * off;
  let l1: number, l2: number, l3: number;
  if (p2 === 0) {
    out[at] = out[at + 1] = out[at + 2] = q;
    out[at + 3] = 1;
    out[at + 4] = 0;
    out[at + 5] = 0;
    return;
  }
  if (off === 0) {
    // Diagonal: exact, with a coordinate axis as v₁.
    const big = xx >= yy && xx >= zz ? 0 : yy >= zz ? 1 : 2;
    const a = big === 0 ? yy : xx, b = big === 2 ? yy : zz;
    out[at] = big === 0 ? xx : big === 1 ? yy : zz;
    out[at + 1] = a >= b ? a : b;
    out[at + 2] = a >= b ? b : a;
    out[at + 3] = big === 0 ? 1 : 0;
    out[at + 4] = big === 1 ? 1 : 0;
    out[at + 5] = big === 2 ? 1 : 0;
    return;
  }
  const p = Math.sqrt(p2 / 6);
  const ip = 1 / p;
  const bxx = axx * ip, byy = ayy * ip, bzz = azz * ip, bxy = xy * ip, bxz = xz * ip, byz = yz * ip;
  let r = 0.5 *
    (bxx * (byy * bzz - byz * byz) - bxy * (bxy * bzz - byz * bxz) + bxz * (bxy * byz - byy * bxz));
  if (r > 1) r = 1;
  else if (r < -1) r = -1;
  const phi = Math.acos(r) / 3;
  l1 = q + 2 * p * Math.cos(phi);
  l3 = q + 2 * p * Math.cos(phi + TWO_PI_3);
  l2 = 3 * q - l1 - l3;
  let tmp: number;
  if (l2 > l1) {
    tmp = l1;
    l1 = l2;
    l2 = tmp;
  }
  if (l3 > l2) {
    tmp = l2;
    l2 = l3;
    l3 = tmp;
  }
  out[at] = l1;
  out[at + 1] = l2;
  out[at + 2] = l3;

  // Rows of M = D − λ₁I; v₁ spans the null space, i.e. is orthogonal to every row.
  const r0x = xx - l1, r0y = xy, r0z = xz;
  const r1x = xy, r1y = yy - l1, r1z = yz;
  const r2x = xz, r2y = yz, r2z = zz - l1;
  const c0x = r0y * r1z - r0z * r1y, c0y = r0z * r1x - r0x * r1z, c0z = r0x * r1y - r0y * r1x;
  const c1x = r0y * r2z - r0z * r2y, c1y = r0z * r2x - r0x * r2z, c1z = r0x * r2y - r0y * r2x;
  const c2x = r1y * r2z - r1z * r2y, c2y = r1z * r2x - r1x * r2z, c2z = r1x * r2y - r1y * r2x;
  const n0 = c0x * c0x + c0y * c0y + c0z * c0z;
  const n1 = c1x * c1x + c1y * c1y + c1z * c1z;
  const n2 = c2x * c2x + c2y * c2y + c2z * c2z;
  let vx = c0x, vy = c0y, vz = c0z, nn = n0;
  if (n1 > nn) {
    vx = c1x;
    vy = c1y;
    vz = c1z;
    nn = n1;
  }
  if (n2 > nn) {
    vx = c2x;
    vy = c2y;
    vz = c2z;
    nn = n2;
  }
  // Relative to the scale of M: the cross product is O((λ₁−λ₂)(λ₁−λ₃)), tiny when λ₁ ≈ λ₂.
  const gap = (l1 - l2) * (l1 - l3);
  const scale = (l1 - l3) * (l1 - l3);
  if (nn > 0 && gap > 1e-10 * scale) {
    const inv = 1 / Math.sqrt(nn);
    out[at + 3] = vx * inv;
    out[at + 4] = vy * inv;
    out[at + 5] = vz * inv;
    return;
  }
  // λ₁ is double: M ≈ (λ₃ − λ₁) v₃v₃ᵀ. Take its largest row as v₃ and any unit vector orthogonal to it.
  const m0 = r0x * r0x + r0y * r0y + r0z * r0z;
  const m1 = r1x * r1x + r1y * r1y + r1z * r1z;
  const m2 = r2x * r2x + r2y * r2y + r2z * r2z;
  let wx: number, wy: number, wz: number;
  if (m0 >= m1 && m0 >= m2) [wx, wy, wz] = [r0x, r0y, r0z];
  else if (m1 >= m2) [wx, wy, wz] = [r1x, r1y, r1z];
  else [wx, wy, wz] = [r2x, r2y, r2z];
  // Cross with the axis least aligned with w.
  const ax = Math.abs(wx), ay = Math.abs(wy), az = Math.abs(wz);
  if (ax <= ay && ax <= az) [vx, vy, vz] = [0, wz, -wy];
  else if (ay <= az) [vx, vy, vz] = [-wz, 0, wx];
  else [vx, vy, vz] = [wy, -wx, 0];
  nn = vx * vx + vy * vy + vz * vz;
  if (nn === 0) [vx, vy, vz, nn] = [1, 0, 0, 1];
  const inv = 1 / Math.sqrt(nn);
  out[at + 3] = vx * inv;
  out[at + 4] = vy * inv;
  out[at + 5] = vz * inv;
}
