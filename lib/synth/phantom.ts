/**
 * A procedural brain phantom (no input files): an ellipsoidal brain with a CSF rim, a folded cortical grey
 * ribbon, deep grey nuclei, lateral ventricles, radially oriented white matter, and five named coherent tracts:
 *
 * | region | imitates | fibres run |
 * |---|---|---|
 * | `callosum` | corpus callosum: an arch over the ventricles, thicker at genu and splenium, bending up laterally | left–right |
 * | `slf_left`, `slf_right` | superior longitudinal fasciculi: arched bundles lateral to the callosum | anterior–posterior |
 * | `cst_left`, `cst_right` | corticospinal tracts: near-vertical bundles, fanning out superiorly | inferior–superior |
 *
 * The callosum's lateral ends cross the longitudinal bundles and the corticospinal tracts (around x ≈ ±25 mm,
 * z ≈ 25 mm). Crossings and every partial-volume voxel are compartments with volume fractions; the simulator
 * mixes them either as one volume-averaged tensor (default; FA drops where bundles cross, as in a single-tensor
 * fit of real crossings) or as a sum of compartment signals (two-/multi-tensor model). See lib/synth/simulate.ts.
 *
 * Geometry in template millimetres, RAS, centred at the origin; brain semi-axes 66 x 82 x 58 mm (an adult
 * brain is about 140 x 170 x 120 mm). Tissue values: see lib/synth/tissues.ts.
 *
 * @module
 */
import { type Anatomy, type AnatomySample, type Grid, softInside } from "./anatomy.ts";
import { axialEigenvalues, axialTensor, fractionalAnisotropyOf, relativeS0, TISSUES } from "./tissues.ts";
import { SynthError } from "./errors.ts";

/** Names of the phantom's tracts, in the order of {@linkcode Anatomy.regions}. */
export const PHANTOM_REGIONS = ["callosum", "slf_left", "slf_right", "cst_left", "cst_right"] as const;

/**
 * Regions of the `"ageing"` layout, in the order of {@linkcode Anatomy.regions}: the callosum split into its
 * genu (anterior part, y > 5 mm, fully from y = 15 mm) and the rest (body and splenium), the fornix (a thin
 * midline arch under the callosum, from the crura behind to the columns in front), left and right frontal
 * tracts (anterior corona radiata / forceps minor: anterior–posterior bundles in frontal white matter), and
 * the classic layout's longitudinal and corticospinal tracts.
 */
export const AGEING_REGIONS = [
  "callosum_genu",
  "callosum_body",
  "fornix",
  "frontal_left",
  "frontal_right",
  "slf_left",
  "slf_right",
  "cst_left",
  "cst_right",
] as const;

/** Brain semi-axes of the phantom, mm. */
export const PHANTOM_RADII: [number, number, number] = [66, 82, 58];

/** Options of {@linkcode brainPhantom}. */
export interface PhantomOptions {
  /** Grid size: one number for a cube, or [nx, ny, nz]. @default 48 */
  shape?: number | [number, number, number];
  /** Field of view along the longest grid axis, mm (isotropic voxels of fov / max(shape)). @default 180 */
  fov?: number;
  /**
   * Region layout: `"classic"` ({@linkcode PHANTOM_REGIONS}: callosum, longitudinal and corticospinal
   * tracts) or `"ageing"` ({@linkcode AGEING_REGIONS}: the callosum split into genu and body, plus fornix and
   * frontal tracts, where the ageing literature places the largest FA decline). The callosum's genu and body
   * together are the classic callosum, so without planted effects the two layouts differ only by the added
   * fornix and frontal tracts. @default "classic"
   */
  layout?: "classic" | "ageing";
}

const TRACT_FA = fractionalAnisotropyOf(
  TISSUES.tract.parallel,
  TISSUES.tract.perpendicular,
  TISSUES.tract.perpendicular,
);
const TRACT_MD = (TISSUES.tract.parallel + 2 * TISSUES.tract.perpendicular) / 3;
const S0_WM = relativeS0(TISSUES.whiteMatter);
const S0_GM = relativeS0(TISSUES.greyMatter);
const S0_CSF = relativeS0(TISSUES.csf);

/**
 * One tract: its volume fraction at (x, y, z) ∈ [0, 1] (a soft tube), and its unit fibre direction there
 * written to `dir`.
 */
type TractField = (x: number, y: number, z: number, dir: Float64Array) => number;

function normalize(dir: Float64Array, x: number, y: number, z: number): void {
  const n = Math.hypot(x, y, z) || 1;
  dir[0] = x / n;
  dir[1] = y / n;
  dir[2] = z / n;
}

const EDGE = 1.5; // mm, half-width of every soft boundary

function callosum(x: number, y: number, z: number, dir: Float64Array): number {
  const yy = (y + 3) / 35;
  const along = softInside(Math.abs(y + 3), 35, 2) * softInside(Math.abs(x), 42, 3);
  if (along === 0) return 0;
  const zc = 12 + 8 * (1 - Math.min(1, yy * yy)) + 0.012 * x * x;
  const half = 3.5 + 2.5 * Math.min(1, yy * yy);
  const m = along * softInside(Math.abs(z - zc), half, EDGE);
  if (m > 0) normalize(dir, 1, 0, 0.024 * x);
  return m;
}

function slf(side: number): TractField {
  return (x, y, z, dir) => {
    const along = softInside(Math.abs(y + 5), 45, 3);
    if (along === 0) return 0;
    const zc = 24 + 5 * (1 - (y / 45) ** 2);
    const m = along * softInside(Math.hypot(x - 30 * side, z - zc), 6, EDGE);
    if (m > 0) normalize(dir, 0, 1, (-10 * y) / (45 * 45));
    return m;
  };
}

function cst(side: number): TractField {
  return (x, y, z, dir) => {
    const along = softInside(Math.abs(z + 5), 50, 3);
    if (along === 0) return 0;
    const xc = side * (15 + 0.12 * (z + 50));
    const yc = -12 + 0.04 * z;
    const m = along * softInside(Math.hypot(x - xc, y - yc), 5.5, EDGE);
    if (m > 0) normalize(dir, 0.12 * side, 0.04, 1);
    return m;
  };
}

const TRACTS: TractField[] = [callosum, slf(-1), slf(1), cst(-1), cst(1)];

/** Weight of the callosum's genu at y (mm): 0 behind y = 5, 1 in front of y = 15, linear between. */
const genuWeight = (y: number) => Math.min(1, Math.max(0, (y - 5) / 10));

const callosumGenu: TractField = (x, y, z, dir) => callosum(x, y, z, dir) * genuWeight(y);
const callosumBody: TractField = (x, y, z, dir) => callosum(x, y, z, dir) * (1 - genuWeight(y));

/**
 * The fornix: a midline arch (|x| ≤ 4 mm) of radius 3 mm in the sagittal plane, its centre line
 * z = 6 + 6·cos(π·(y + 8)/36) for y in [−26, 10] mm (crura behind, the body under the callosum, columns in
 * front going down); fibres run along the arch.
 */
function fornix(x: number, y: number, z: number, dir: Float64Array): number {
  const along = softInside(Math.abs(y + 8), 18, 2) * softInside(Math.abs(x), 4, EDGE);
  if (along === 0) return 0;
  const phase = (Math.PI * (y + 8)) / 36;
  const zc = 6 + 6 * Math.cos(phase);
  const m = along * softInside(Math.abs(z - zc), 3, EDGE);
  if (m > 0) normalize(dir, 0, 1, (-6 * Math.PI / 36) * Math.sin(phase));
  return m;
}

/** Frontal tracts (anterior corona radiata / forceps minor): y in [18, 50] mm, centred at x = ±18, z = 12. */
function frontal(side: number): TractField {
  return (x, y, z, dir) => {
    const along = softInside(Math.abs(y - 34), 16, 3);
    if (along === 0) return 0;
    const m = along * softInside(Math.hypot(x - 18 * side, z - 12), 6, EDGE);
    if (m > 0) normalize(dir, 0.15 * side, 1, 0);
    return m;
  };
}

const AGEING_TRACTS: TractField[] = [
  callosumGenu,
  callosumBody,
  fornix,
  frontal(-1),
  frontal(1),
  slf(-1),
  slf(1),
  cst(-1),
  cst(1),
];

/** Ellipsoid radius of (x, y, z) about centre c with semi-axes a (1 on the surface). */
function ellipsoid(x: number, y: number, z: number, c: number[], a: number[]): number {
  return Math.hypot((x - c[0]) / a[0], (y - c[1]) / a[1], (z - c[2]) / a[2]);
}

/**
 * The procedural phantom as an {@linkcode Anatomy}: regions {@linkcode PHANTOM_REGIONS}, compartments
 * [5 tracts, background white matter, grey matter, CSF].
 *
 * @example
 * const phantom = brainPhantom({ shape: 48 });
 * const s = anatomySample(phantom);
 * phantom.evaluate(0, 0, 20, new Float64Array(5), s); // inside the callosum
 */
export function brainPhantom(options: PhantomOptions = {}): Anatomy {
  const { shape = 48, fov = 180, layout = "classic" } = options;
  if (layout !== "classic" && layout !== "ageing") {
    throw new SynthError("phantom", `layout must be "classic" or "ageing", got ${JSON.stringify(layout)}`);
  }
  const tracts = layout === "ageing" ? AGEING_TRACTS : TRACTS;
  const dims: [number, number, number] = typeof shape === "number" ? [shape, shape, shape] : shape;
  if (dims.length !== 3 || dims.some((n) => !Number.isInteger(n) || n < 4)) {
    throw new SynthError(
      "phantom",
      `shape must be an integer ≥ 4 or three of them, got ${JSON.stringify(shape)}`,
    );
  }
  if (!(fov > 0)) throw new SynthError("phantom", `fov must be positive, got ${fov}`);
  const voxel = fov / Math.max(...dims);
  const grid: Grid = {
    shape: dims,
    pixdim: [voxel, voxel, voxel],
    affine: [
      [voxel, 0, 0, (-(dims[0] - 1) / 2) * voxel],
      [0, voxel, 0, (-(dims[1] - 1) / 2) * voxel],
      [0, 0, voxel, (-(dims[2] - 1) / 2) * voxel],
      [0, 0, 0, 1],
    ],
  };
  const nTracts = tracts.length;
  const membership = new Float64Array(nTracts);
  const dirs = new Float64Array(3 * nTracts);
  const dir = new Float64Array(3);
  const radial = new Float64Array(3);
  const [ax, ay, az] = PHANTOM_RADII;
  const dr = EDGE / az; // soft edge in ellipsoid-radius units
  const wm = TISSUES.whiteMatter, gm = TISSUES.greyMatter, csf = TISSUES.csf;

  function evaluate(x: number, y: number, z: number, faShift: Float64Array, out: AnatomySample): void {
    out.count = 0;
    out.shares.fill(0);
    out.tissue.fill(0);
    const re = Math.hypot(x / ax, y / ay, z / az);
    const brain = softInside(re, 1, dr);
    if (brain === 0) return;
    const parenchyma = softInside(re, 0.95, dr);
    const ventricle = Math.max(
      softInside(ellipsoid(x, y, z, [-9, 2, 8], [5, 22, 8]), 1, 0.15),
      softInside(ellipsoid(x, y, z, [9, 2, 8], [5, 22, 8]), 1, 0.15),
    );
    const deepGrey = Math.max(
      softInside(ellipsoid(x, y, z, [-11, -12, 0], [8, 12, 8]), 1, 0.15),
      softInside(ellipsoid(x, y, z, [11, -12, 0], [8, 12, 8]), 1, 0.15),
    );
    // Cortical folding: the grey/white boundary undulates by ±0.05 of the radius.
    const inner = 0.8 + 0.05 * Math.sin(x / 6) * Math.sin(y / 7) * Math.sin(z / 6);
    const wmBackground = softInside(re, inner, dr) * (1 - deepGrey);
    const tissueFraction = parenchyma * (1 - ventricle);
    let total = 0;
    for (let t = 0; t < nTracts; t++) {
      const m = tissueFraction > 0 ? tracts[t](x, y, z, dir) : 0;
      membership[t] = m;
      if (m > 0) dirs.set(dir, 3 * t);
      total += m;
    }
    const tractTotal = Math.min(1, total);
    const whiteTotal = Math.max(wmBackground, tractTotal);
    let c = 0;
    for (let t = 0; t < nTracts; t++) {
      if (membership[t] === 0) continue;
      const w = (tissueFraction * tractTotal * membership[t]) / total;
      const { parallel, perpendicular } = axialEigenvalues(TRACT_FA + faShift[t], TRACT_MD);
      axialTensor(parallel, perpendicular, dirs.subarray(3 * t, 3 * t + 3), out.tensors, 6 * c);
      out.weights[c] = w;
      out.s0[c] = S0_WM;
      out.shares[t] = w;
      c++;
    }
    const wBackground = tissueFraction * (whiteTotal - tractTotal);
    if (wBackground > 0) {
      normalize(radial, x, y + 10, z);
      axialTensor(wm.parallel, wm.perpendicular, radial, out.tensors, 6 * c);
      out.weights[c] = wBackground;
      out.s0[c++] = S0_WM;
    }
    const wGrey = tissueFraction * (1 - whiteTotal);
    if (wGrey > 0) {
      normalize(radial, x, y + 10, z);
      axialTensor(gm.parallel, gm.perpendicular, radial, out.tensors, 6 * c);
      out.weights[c] = wGrey;
      out.s0[c++] = S0_GM;
    }
    const wCsf = brain - tissueFraction;
    if (wCsf > 0) {
      axialTensor(csf.parallel, csf.perpendicular, radial, out.tensors, 6 * c);
      out.weights[c] = wCsf;
      out.s0[c++] = S0_CSF;
    }
    out.count = c;
    out.tissue[0] = tissueFraction * whiteTotal;
    out.tissue[1] = wGrey;
    out.tissue[2] = wCsf;
  }

  return {
    name: layout === "ageing" ? "phantom-ageing" : "phantom",
    regions: layout === "ageing" ? AGEING_REGIONS : PHANTOM_REGIONS,
    grid,
    brainRadii: [...PHANTOM_RADII],
    maxCompartments: nTracts + 3,
    evaluate,
  };
}
