/**
 * The anatomy interface shared by the procedural phantom and the real-FA anatomy: what tissue sits at a point
 * of template space, as diffusion-tensor compartments.
 *
 * Template space is millimetres in the frame of the output grid's voxel axes, centred on the grid:
 * p = ((i − (nx − 1)/2)·dx, (j − (ny − 1)/2)·dy, (k − (nz − 1)/2)·dz). For the procedural phantom this frame is
 * RAS (x left→right, y posterior→anterior, z inferior→superior).
 *
 * @module
 */

/** The output grid of an anatomy (every subject and acquisition is sampled on it). */
export interface Grid {
  /** Voxels along each axis. */
  shape: [number, number, number];
  /** Voxel sizes, mm. */
  pixdim: [number, number, number];
  /** Voxel-to-world 4x4 affine (nibabel convention). */
  affine: number[][];
}

/**
 * What {@linkcode Anatomy.evaluate} fills for one point: the tissue as a list of tensor compartments.
 * Compartment c has volume fraction `weights[c]`, relative b0 signal `s0[c]` and tensor
 * `tensors[6c .. 6c+5]` = [Dxx, Dyy, Dzz, Dxy, Dxz, Dyz] (mm²/s, template frame).
 */
export interface AnatomySample {
  /** Number of compartments filled. */
  count: number;
  weights: Float64Array;
  s0: Float64Array;
  tensors: Float64Array;
  /** Per region (same order as {@linkcode Anatomy.regions}): the region's volume fraction at the point. */
  shares: Float64Array;
  /** Volume fractions [white matter, grey matter, CSF] (sum = the brain fraction, 0 outside the head). */
  tissue: Float64Array;
}

/** A brain in template space. */
export interface Anatomy {
  /** Short name, e.g. "phantom" or "real-fa". */
  readonly name: string;
  /** Names of the regions where an age effect can be planted (white-matter tracts or ROIs). */
  readonly regions: readonly string[];
  /** The grid subjects are simulated on. */
  readonly grid: Grid;
  /** Semi-axes of the brain (mm, template frame), used to place distortion fields. */
  readonly brainRadii: [number, number, number];
  /** Largest number of compartments {@linkcode Anatomy.evaluate} fills. */
  readonly maxCompartments: number;
  /**
   * Fill `out` with the tissue at template point (x, y, z). `faShift[r]` is added to the FA of region r's
   * tissue (the planted age effect and per-subject variation), through its eigenvalues at fixed MD.
   */
  evaluate(x: number, y: number, z: number, faShift: Float64Array, out: AnatomySample): void;
}

/** An empty {@linkcode AnatomySample} sized for `anatomy`. */
export function anatomySample(anatomy: Anatomy): AnatomySample {
  const k = anatomy.maxCompartments;
  return {
    count: 0,
    weights: new Float64Array(k),
    s0: new Float64Array(k),
    tensors: new Float64Array(6 * k),
    shares: new Float64Array(anatomy.regions.length),
    tissue: new Float64Array(3),
  };
}

/** Cosine ramp: 1 for d ≤ r − w, 0 for d ≥ r + w, smooth in between (a soft "inside radius r"). */
export function softInside(d: number, r: number, w: number): number {
  if (d <= r - w) return 1;
  if (d >= r + w) return 0;
  return 0.5 * (1 + Math.cos((Math.PI * (d - r + w)) / (2 * w)));
}
