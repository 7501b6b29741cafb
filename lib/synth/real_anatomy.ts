/**
 * Anatomy from a real FA map and its principal eigenvector V1 (e.g. ../shared/data/fa, 84 x 92 x 56): the
 * phantom's procedural brain is replaced by the measured one.
 *
 * Each brain voxel (FA > 0) becomes one axially symmetric tensor with the voxel's FA (clamped to [0, 0.99]),
 * a fixed mean diffusivity (default 0.8e-3 mm²/s, the parenchymal MD of Pierpaoli et al. 1996) and V1 as its
 * principal direction; the b0 signal is that of white matter. V1 is read in the voxel-axis frame (FSL's
 * convention for `dtifit` output), and the simulated b-vectors are in the same frame, so the pair is
 * consistent whatever the image orientation.
 *
 * Regions for the age effect live inside the real white matter: FA ≥ `faThreshold` ∩ a box in normalised RAS
 * coordinates (−1..1 over the brain's bounding box, x left→right, y posterior→anterior, z inferior→superior)
 * ∩ fibres mostly along one world axis (|V1 component| ≥ `minAlignment`); regions do not overlap (a voxel goes
 * to the first region in the list that claims it). The defaults carry the phantom's
 * region names, so the default age effects apply unchanged.
 *
 * Sampling: FA is interpolated trilinearly over brain voxels only (normalised weights), V1 and the region masks
 * by nearest neighbour.
 *
 * @module
 */
import type { Volume } from "../nifti/volume.ts";
import type { Anatomy, AnatomySample, Grid } from "./anatomy.ts";
import { axialEigenvalues, axialTensor } from "./tissues.ts";
import { SynthError } from "./errors.ts";

/** A region of the real anatomy: white matter inside a box, with fibres along one axis. */
export interface RealRegion {
  /** Region name. */
  name: string;
  /** Box in normalised RAS coordinates, [low, high] per axis. */
  box: { x: [number, number]; y: [number, number]; z: [number, number] };
  /** World axis the fibres mostly run along, if required. */
  axis?: "x" | "y" | "z";
}

/** Default regions: the phantom's names, placed where those bundles are in a real brain. */
export const REAL_REGIONS: readonly RealRegion[] = [
  { name: "callosum", box: { x: [-0.35, 0.35], y: [-0.6, 0.5], z: [-0.05, 0.45] }, axis: "x" },
  { name: "slf_left", box: { x: [-0.8, -0.3], y: [-0.5, 0.35], z: [0, 0.55] }, axis: "y" },
  { name: "slf_right", box: { x: [0.3, 0.8], y: [-0.5, 0.35], z: [0, 0.55] }, axis: "y" },
  { name: "cst_left", box: { x: [-0.5, -0.05], y: [-0.45, 0.15], z: [-0.6, 0.5] }, axis: "z" },
  { name: "cst_right", box: { x: [0.05, 0.5], y: [-0.45, 0.15], z: [-0.6, 0.5] }, axis: "z" },
];

/** Options of {@linkcode realAnatomy}. */
export interface RealAnatomyOptions {
  /** Mean diffusivity of every brain voxel, mm²/s. @default 0.8e-3 */
  md?: number;
  /** White matter for the regions: FA at or above this. @default 0.3 */
  faThreshold?: number;
  /** Smallest |V1 component| along the region's axis. @default 0.6 */
  minAlignment?: number;
  /** Regions. @default REAL_REGIONS */
  regions?: readonly RealRegion[];
}

/**
 * The anatomy of a real FA + V1 pair, on the FA map's grid and affine.
 *
 * @param fa 3-D FA map (any float or integer type; values clamped to [0, 0.99]).
 * @param v1 4-D principal eigenvector, shape [nx, ny, nz, 3], same grid as `fa`.
 * @example
 * const anatomy = realAnatomy(await readNifti("FA.nii.gz"), await readNifti("V1.nii.gz"));
 */
export function realAnatomy(fa: Volume, v1: Volume, options: RealAnatomyOptions = {}): Anatomy {
  const { md = 0.8e-3, faThreshold = 0.3, minAlignment = 0.6, regions = REAL_REGIONS } = options;
  const [nx, ny, nz] = fa.shape;
  if (fa.shape.length < 3 || (fa.shape.length > 3 && fa.shape.slice(3).some((d) => d !== 1))) {
    throw new SynthError("real anatomy", `FA must be 3-D, got shape [${fa.shape.join(", ")}]`);
  }
  if (
    v1.shape.length !== 4 || v1.shape[3] !== 3 || v1.shape[0] !== nx || v1.shape[1] !== ny ||
    v1.shape[2] !== nz
  ) {
    throw new SynthError(
      "real anatomy",
      `V1 must have shape [${nx}, ${ny}, ${nz}, 3] like FA, got [${v1.shape.join(", ")}]`,
    );
  }
  const n = nx * ny * nz;
  const faData = new Float32Array(n);
  const inside = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(fa.data[i]);
    if (Number.isFinite(v) && v > 0) {
      faData[i] = Math.min(0.99, v);
      inside[i] = 1;
    }
  }
  const vec = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const x = Number(v1.data[i]), y = Number(v1.data[i + n]), z = Number(v1.data[i + 2 * n]);
    const norm = Math.hypot(x, y, z);
    if (norm > 0 && Number.isFinite(norm)) vec.set([x / norm, y / norm, z / norm], 3 * i);
    else vec.set([1, 0, 0], 3 * i);
  }
  const affine = fa.affine;
  // Which voxel axis carries each world axis (x, y, z), for the regions' alignment test.
  const voxelAxisOf = [0, 1, 2].map((w) =>
    [0, 1, 2].reduce((b, a) => Math.abs(affine[w][a]) > Math.abs(affine[w][b]) ? a : b, 0)
  );
  // Normalised RAS coordinates over the brain's bounding box.
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  const world = (i: number, j: number, k: number, w: number) =>
    affine[w][0] * i + affine[w][1] * j + affine[w][2] * k + affine[w][3];
  for (let k = 0, idx = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (!inside[idx]) continue;
        for (let w = 0; w < 3; w++) {
          const c = world(i, j, k, w);
          lo[w] = Math.min(lo[w], c);
          hi[w] = Math.max(hi[w], c);
        }
      }
    }
  }
  if (!(hi[0] > lo[0])) throw new SynthError("real anatomy", "the FA map has no brain voxels (FA > 0)");
  const regionMasks = regions.map(() => new Uint8Array(n));
  for (let k = 0, idx = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (faData[idx] < faThreshold) continue;
        const u = [0, 1, 2].map((w) => (2 * (world(i, j, k, w) - lo[w])) / (hi[w] - lo[w]) - 1);
        // Regions are exclusive: a voxel belongs to the first region that claims it.
        for (let r = 0; r < regions.length; r++) {
          const { x, y, z } = regions[r].box;
          if (u[0] < x[0] || u[0] > x[1] || u[1] < y[0] || u[1] > y[1] || u[2] < z[0] || u[2] > z[1]) {
            continue;
          }
          const axis = regions[r].axis;
          if (axis && Math.abs(vec[3 * idx + voxelAxisOf["xyz".indexOf(axis)]]) < minAlignment) continue;
          regionMasks[r][idx] = 1;
          break;
        }
      }
    }
  }
  const pixdim: [number, number, number] = [0, 1, 2].map((a) => Math.abs(fa.pixdim[a] ?? 1) || 1) as [
    number,
    number,
    number,
  ];
  const grid: Grid = { shape: [nx, ny, nz], pixdim, affine: affine.map((row) => [...row]) };
  const brainRadii = [0, 1, 2].map((w) => (hi[w] - lo[w]) / 2) as [number, number, number];
  // Brain radii in the voxel-axis frame (the template frame here).
  const radii = [0, 1, 2].map((a) => brainRadii[voxelAxisOf.indexOf(a)] ?? brainRadii[a]) as [
    number,
    number,
    number,
  ];

  function evaluate(x: number, y: number, z: number, faShift: Float64Array, out: AnatomySample): void {
    out.count = 0;
    out.shares.fill(0);
    out.tissue.fill(0);
    const fi = x / pixdim[0] + (nx - 1) / 2,
      fj = y / pixdim[1] + (ny - 1) / 2,
      fk = z / pixdim[2] + (nz - 1) / 2;
    const i0 = Math.floor(fi), j0 = Math.floor(fj), k0 = Math.floor(fk);
    if (i0 < -1 || j0 < -1 || k0 < -1 || i0 >= nx || j0 >= ny || k0 >= nz) return;
    const ti = fi - i0, tj = fj - j0, tk = fk - k0;
    let brain = 0, faSum = 0;
    for (let c = 0; c < 8; c++) {
      const i = i0 + (c & 1), j = j0 + ((c >> 1) & 1), k = k0 + ((c >> 2) & 1);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
      const idx = i + nx * (j + ny * k);
      if (!inside[idx]) continue;
      const w = (c & 1 ? ti : 1 - ti) * ((c >> 1) & 1 ? tj : 1 - tj) * ((c >> 2) & 1 ? tk : 1 - tk);
      brain += w;
      faSum += w * faData[idx];
    }
    if (brain <= 1e-6) return;
    const ni = Math.min(nx - 1, Math.max(0, Math.round(fi)));
    const nj = Math.min(ny - 1, Math.max(0, Math.round(fj)));
    const nk = Math.min(nz - 1, Math.max(0, Math.round(fk)));
    const nearest = ni + nx * (nj + ny * nk);
    let value = faSum / brain;
    for (let r = 0; r < regionMasks.length; r++) {
      if (regionMasks[r][nearest]) {
        value += faShift[r];
        out.shares[r] = brain;
      }
    }
    const { parallel, perpendicular } = axialEigenvalues(value, md);
    axialTensor(parallel, perpendicular, vec.subarray(3 * nearest, 3 * nearest + 3), out.tensors, 0);
    out.weights[0] = brain;
    out.s0[0] = 1;
    out.count = 1;
    out.tissue[value >= faThreshold ? 0 : 1] = brain;
  }

  return {
    name: "real-fa",
    regions: regions.map((r) => r.name),
    grid,
    brainRadii: radii,
    maxCompartments: 1,
    evaluate,
  };
}
