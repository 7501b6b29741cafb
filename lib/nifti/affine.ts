/**
 * Voxel-to-world affines: nibabel's choice among sform, qform and the pixdim fall-back; quaternions;
 * voxel ↔ world mapping; orientation codes.
 *
 * An affine is 4 rows of 4 numbers, [x, y, z, 1]ᵀ = A · [i, j, k, 1]ᵀ (RAS+ millimetres).
 *
 * @module
 */

import { NiftiError } from "./errors.ts";
import type { NiftiHeader } from "./header.ts";
import { det3, inv3, polarOrthogonal } from "./_linalg.ts";

/** The 4x4 identity. */
export function identityAffine(): number[][] {
  return [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
}

/**
 * nibabel's fall-back affine (shape_zoom_affine with x flipped): diagonal (−p₁, p₂, p₃) with the
 * centre voxel (n−1)/2 at the origin: t = −diag · (n − 1)/2. Shapes and zooms pad with 1 to 3-D.
 */
export function baseAffine(shape: number[], zooms: number[]): number[][] {
  const n = [0, 1, 2].map((i) => shape[i] ?? 1);
  const z = [0, 1, 2].map((i) => zooms[i] ?? 1);
  z[0] = -z[0];
  const a = identityAffine();
  for (let i = 0; i < 3; i++) {
    a[i][i] = z[i];
    a[i][3] = -((n[i] - 1) / 2) * z[i] + 0; // + 0 turns -0 into 0
  }
  return a;
}

/**
 * The qform affine (NIfTI-1 method 2): R(a, b, c, d) · diag(p₁, p₂, qfac·p₃) plus the qoffsets,
 * with a = √(1 − b² − c² − d²) (0 when slightly negative, as nibabel's fillpositive).
 *
 * @throws {NiftiError} when b² + c² + d² exceeds 1 by more than 3 eps of the header's float type.
 */
export function qformAffine(header: NiftiHeader, file = "<header>"): number[][] {
  const b = header.quaternB, c = header.quaternC, d = header.quaternD;
  let w2 = 1 - (b * b + c * c + d * d);
  const eps = header.version === 1 ? 1.1920928955078125e-7 : Number.EPSILON;
  if (w2 < 0) {
    if (w2 < -3 * eps) throw new NiftiError(file, `invalid qform quaternion (b²+c²+d² = ${1 - w2} > 1)`);
    w2 = 0;
  }
  const a = Math.sqrt(w2);
  const r = quaternionMatrix(a, b, c, d);
  const qfac = header.pixdim[0] === -1 ? -1 : 1;
  const vox = [Math.abs(header.pixdim[1]), Math.abs(header.pixdim[2]), Math.abs(header.pixdim[3]) * qfac];
  const out = identityAffine();
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i][j] = r[i][j] * vox[j];
  out[0][3] = header.qoffsetX;
  out[1][3] = header.qoffsetY;
  out[2][3] = header.qoffsetZ;
  return out;
}

/** The sform affine: the rows srow_x, srow_y, srow_z and [0, 0, 0, 1]. */
export function sformAffine(header: NiftiHeader): number[][] {
  return [header.srowX.slice(0, 4), header.srowY.slice(0, 4), header.srowZ.slice(0, 4), [0, 0, 0, 1]];
}

/**
 * The affine nibabel's `get_best_affine` picks: the sform if sform_code ≠ 0, else the qform if
 * qform_code ≠ 0, else {@link baseAffine} of dims and pixdims. Expects a header after nibabel's fixes
 * (codes outside 0..5 set to 0, qfac ±1, spatial pixdims positive) as `readNifti` makes them.
 *
 * @throws {NiftiError} when the chosen affine has a non-finite entry or the qform quaternion is invalid.
 */
export function headerAffine(header: NiftiHeader, file = "<header>"): number[][] {
  let affine: number[][];
  let which: string;
  if (header.sformCode !== 0) [affine, which] = [sformAffine(header), "sform"];
  else if (header.qformCode !== 0) [affine, which] = [qformAffine(header, file), "qform"];
  else {
    const nd = header.dim[0];
    [affine, which] = [baseAffine(header.dim.slice(1, nd + 1), header.pixdim.slice(1, nd + 1)), "pixdim"];
  }
  if (!affine.every((row) => row.every(Number.isFinite))) {
    throw new NiftiError(file, `${which} affine has non-finite entries`);
  }
  return affine;
}

/** Rotation matrix of the unit quaternion (a, b, c, d) = w + xi + yj + zk. */
export function quaternionMatrix(a: number, b: number, c: number, d: number): number[][] {
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
}

/** The qform parameters that represent an affine (nibabel's `set_qform`). */
export interface QformParams {
  /** Quaternion b, c, d (a ≥ 0 implied). */
  quaternB: number;
  /** Quaternion c. */
  quaternC: number;
  /** Quaternion d. */
  quaternD: number;
  /** Translation = the affine's last column. */
  qoffset: [number, number, number];
  /** pixdim[0]: −1 when the affine flips handedness, else 1. */
  qfac: 1 | -1;
  /** Voxel sizes: the norms of the affine's first three columns. */
  zooms: [number, number, number];
  /** False when the affine has shears (or a zero column) the qform cannot hold. */
  exact: boolean;
}

/**
 * Qform parameters of an affine, as nibabel's `set_qform(strip_shears=True)`: zooms are the column
 * norms; R = columns / zooms, last column negated (qfac = −1) when det R < 0; the closest rotation
 * (polar decomposition) goes to a unit quaternion with a ≥ 0.
 */
export function affineToQform(affine: number[][]): QformParams {
  const rzs = [0, 1, 2].map((i) => affine[i].slice(0, 3));
  const zooms = [0, 1, 2].map((j) => Math.hypot(rzs[0][j], rzs[1][j], rzs[2][j])) as [number, number, number];
  const r = rzs.map((row) => row.map((v, j) => zooms[j] === 0 ? 0 : v / zooms[j]));
  let qfac: 1 | -1 = 1;
  if (!(det3(r) > 0)) {
    qfac = -1;
    for (let i = 0; i < 3; i++) r[i][2] = -r[i][2];
  }
  const pr = polarOrthogonal(r);
  let exact = zooms.every((z) => z > 0);
  for (let i = 0; i < 3 && exact; i++) {
    for (let j = 0; j < 3; j++) if (Math.abs(pr[i][j] - r[i][j]) > 1e-6) exact = false;
  }
  const q = rotationToQuaternion(pr);
  return {
    quaternB: q[1],
    quaternC: q[2],
    quaternD: q[3],
    qoffset: [affine[0][3], affine[1][3], affine[2][3]],
    qfac,
    zooms,
    exact,
  };
}

/** Unit quaternion [a, b, c, d] (a ≥ 0) of a proper rotation matrix (Shepperd's method). */
export function rotationToQuaternion(r: number[][]): [number, number, number, number] {
  const t = r[0][0] + r[1][1] + r[2][2];
  let q: [number, number, number, number];
  if (t > 0) {
    const s = 2 * Math.sqrt(1 + t);
    q = [s / 4, (r[2][1] - r[1][2]) / s, (r[0][2] - r[2][0]) / s, (r[1][0] - r[0][1]) / s];
  } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
    const s = 2 * Math.sqrt(Math.max(1 + r[0][0] - r[1][1] - r[2][2], 0));
    q = [(r[2][1] - r[1][2]) / s, s / 4, (r[0][1] + r[1][0]) / s, (r[0][2] + r[2][0]) / s];
  } else if (r[1][1] > r[2][2]) {
    const s = 2 * Math.sqrt(Math.max(1 + r[1][1] - r[0][0] - r[2][2], 0));
    q = [(r[0][2] - r[2][0]) / s, (r[0][1] + r[1][0]) / s, s / 4, (r[1][2] + r[2][1]) / s];
  } else {
    const s = 2 * Math.sqrt(Math.max(1 + r[2][2] - r[0][0] - r[1][1], 0));
    q = [(r[1][0] - r[0][1]) / s, (r[0][2] + r[2][0]) / s, (r[1][2] + r[2][1]) / s, s / 4];
  }
  const norm = Math.hypot(...q) || 1;
  const sign = q[0] < 0 ? -1 : 1;
  return q.map((v) => (sign * v) / norm) as [number, number, number, number];
}

/**
 * World coordinates of a voxel: [x, y, z] = A[:3, :3] · [i, j, k] + A[:3, 3].
 * Extra voxel coordinates beyond 3 (time, ...) are ignored; missing ones count as 0.
 */
export function voxelToWorld(affine: number[][], ijk: ArrayLike<number>): [number, number, number] {
  const v = [ijk[0] ?? 0, ijk[1] ?? 0, ijk[2] ?? 0];
  return [0, 1, 2].map((r) =>
    affine[r][0] * v[0] + affine[r][1] * v[1] + affine[r][2] * v[2] + affine[r][3]
  ) as [number, number, number];
}

/**
 * Voxel coordinates (fractional) of a world point: [i, j, k] = A[:3, :3]⁻¹ · ([x, y, z] − A[:3, 3]).
 *
 * @throws {NiftiError} when the affine's 3x3 part is singular.
 */
export function worldToVoxel(affine: number[][], xyz: ArrayLike<number>): [number, number, number] {
  const inv = inv3([0, 1, 2].map((r) => affine[r].slice(0, 3)));
  if (!inv) throw new NiftiError("<affine>", "affine is singular: no world-to-voxel mapping");
  const d = [0, 1, 2].map((r) => (xyz[r] ?? 0) - affine[r][3]);
  return [0, 1, 2].map((r) => inv[r][0] * d[0] + inv[r][1] * d[1] + inv[r][2] * d[2]) as [
    number,
    number,
    number,
  ];
}

/**
 * Inverse of an affine (world → voxel as a 4x4).
 *
 * @throws {NiftiError} when the affine's 3x3 part is singular.
 */
export function invertAffine(affine: number[][]): number[][] {
  const inv = inv3([0, 1, 2].map((r) => affine[r].slice(0, 3)));
  if (!inv) throw new NiftiError("<affine>", "affine is singular: no inverse");
  const t = [0, 1, 2].map((r) =>
    -(inv[r][0] * affine[0][3] + inv[r][1] * affine[1][3] + inv[r][2] * affine[2][3])
  );
  return [[...inv[0], t[0]], [...inv[1], t[1]], [...inv[2], t[2]], [0, 0, 0, 1]];
}

/**
 * Which world axis each voxel axis points along, with its sign — nibabel's `io_orientation`: take
 * the closest shear-free matrix to the column-normalised 3x3 part, then for each voxel axis in turn
 * the world axis with the largest |entry|, removing used world axes. Entries: [worldAxis, ±1] or null.
 */
export function ioOrientation(affine: number[][]): ([number, 1 | -1] | null)[] {
  const rzs = [0, 1, 2].map((i) => affine[i].slice(0, 3));
  const zooms = [0, 1, 2].map((j) => Math.hypot(rzs[0][j], rzs[1][j], rzs[2][j]) || 1);
  const rs = rzs.map((row) => row.map((v, j) => v / zooms[j]));
  const r = polarOrthogonal(rs);
  const out: ([number, 1 | -1] | null)[] = [];
  for (let inAx = 0; inAx < 3; inAx++) {
    const col = [r[0][inAx], r[1][inAx], r[2][inAx]];
    // numpy allclose(col, 0): |x| <= 1e-8
    if (col.every((x) => Math.abs(x) <= 1e-8)) {
      out.push(null);
      continue;
    }
    let outAx = 0;
    for (let k = 1; k < 3; k++) if (Math.abs(col[k]) > Math.abs(col[outAx])) outAx = k;
    out.push([outAx, col[outAx] < 0 ? -1 : 1]);
    r[outAx] = [0, 0, 0];
  }
  return out;
}

/**
 * Axis direction codes of an affine, nibabel's `aff2axcodes`: for each voxel axis the world direction
 * it increases toward, e.g. ["R", "A", "S"] for RAS+, ["L", "P", "I"]; null for a degenerate axis.
 *
 * @example
 * axisCodes([[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]]); // ["L", "A", "S"]
 */
export function axisCodes(
  affine: number[][],
  options: AxisCodesOptions = {},
): (string | null)[] {
  const labels = options.labels ?? [["L", "R"], ["P", "A"], ["I", "S"]];
  return ioOrientation(affine).map((o) => o === null ? null : labels[o[0]][o[1] === 1 ? 1 : 0]);
}

/** Options of {@link axisCodes}. */
export interface AxisCodesOptions {
  /** Labels (negative, positive) of world x, y, z. @default [["L","R"],["P","A"],["I","S"]] */
  labels?: [string, string][];
}
