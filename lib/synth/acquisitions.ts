/**
 * The acquisition variants of one simulated subject, imitating the 8 HCP Lifespan pilot series the seed used:
 * 2 direction sets x 2 phase-encoding directions x with/without gradient-distortion correction.
 *
 * What each factor imitates:
 * - **Direction set** (`dir80` / `dir81` in HCP): two different, each well-spread, direction sets with n and
 *   n + 1 directions (names follow the counts: `dir64`/`dir65` at the default scale, `dir90`/`dir91` at paper
 *   scale). Same b-values; the sampling of the tensor differs.
 * - **Phase encoding** (`RL` / `LR`): susceptibility-induced distortion along the phase-encoding axis (x, left–
 *   right), strongest near air–tissue interfaces (orbitofrontal cortex, temporal poles). The displacement field
 *   is a sum of Gaussian blobs there; RL and LR displace in opposite directions, and the signal piles up or thins
 *   out by the Jacobian 1/(1 + ∂δ/∂x). The data are not unwarped (as in the raw series).
 * - **Gradient distortion correction** (`gdc` / `raw`): gradient-coil nonlinearity displaces voxels by a
 *   smooth field growing with the cube of the distance from the isocentre (stronger along z, as on the
 *   Connectom/Prisma gradients). `gdc` series have it removed (sampled on the true grid); `raw` series keep it.
 *
 * Ground truth (planted FA, region masks) is in the undistorted subject space, like the corrected series.
 *
 * @module
 */

/** One acquisition variant. */
export interface AcquisitionSpec {
  /** Folder name, e.g. "dir64_RL_gdc". */
  name: string;
  /** Which of the two direction sets (0: n directions, 1: n + 1). */
  directionSet: 0 | 1;
  /** Phase-encoding direction: RL and LR displace along x in opposite senses. */
  phaseEncoding: "RL" | "LR";
  /** Gradient-nonlinearity distortion removed (true) or kept (false). */
  corrected: boolean;
}

// Order chosen so that the first k variants cover the factors as evenly as possible.
const ORDER: [0 | 1, "RL" | "LR", boolean][] = [
  [0, "RL", true],
  [1, "LR", false],
  [0, "LR", true],
  [1, "RL", true],
  [0, "RL", false],
  [1, "LR", true],
  [0, "LR", false],
  [1, "RL", false],
];

/**
 * The first `count` (1–8) acquisition variants for a scheme with `directions` directions per set.
 *
 * @example
 * hcpAcquisitions(2, 20).map((a) => a.name); // ["dir20_RL_gdc", "dir21_LR_raw"]
 */
export function hcpAcquisitions(count: number, directions: number): AcquisitionSpec[] {
  const n = Math.max(1, Math.min(8, Math.floor(count)));
  return ORDER.slice(0, n).map(([directionSet, phaseEncoding, corrected]) => ({
    name: `dir${directions + directionSet}_${phaseEncoding}_${corrected ? "gdc" : "raw"}`,
    directionSet,
    phaseEncoding,
    corrected,
  }));
}

/** Strength of the acquisition distortions. */
export interface DistortionOptions {
  /** Peak susceptibility displacement along the phase-encoding axis, mm. @default 4 */
  susceptibilityMm?: number;
  /**
   * Gradient-nonlinearity displacement at the brain's mean radius ρ, as a fraction of ρ:
   * δ(p) = γ · (‖p‖/ρ)² · (p_x, p_y, 1.5·p_z). @default 0.02
   */
  gradientNonlinearity?: number;
}

/**
 * The scanner-space sampling of one acquisition: for a voxel centre p (mm, grid frame) it writes the point
 * whose tissue the voxel shows into `out`, and returns the intensity factor (the Jacobian of the
 * phase-encoding displacement).
 */
export type AcquisitionWarp = (p: Float64Array, out: Float64Array) => number;

/**
 * Build the warp of an acquisition for a brain of the given semi-axes (mm). Identity for a corrected series
 * with `susceptibilityMm: 0`.
 */
export function acquisitionWarp(
  spec: AcquisitionSpec,
  brainRadii: readonly number[],
  options: DistortionOptions = {},
): AcquisitionWarp {
  const { susceptibilityMm = 4, gradientNonlinearity = 0.02 } = options;
  const [ax, ay, az] = brainRadii;
  const sign = spec.phaseEncoding === "RL" ? 1 : -1;
  // Air–tissue interfaces: orbitofrontal (midline, anterior-inferior) and both temporal poles.
  const blobs = [
    { c: [0, 0.75 * ay, -0.35 * az], w: 0.18 * ay, a: 1 },
    { c: [-0.7 * ax, 0.3 * ay, -0.5 * az], w: 0.15 * ay, a: 0.7 },
    { c: [0.7 * ax, 0.3 * ay, -0.5 * az], w: 0.15 * ay, a: 0.7 },
  ];
  const rho = (ax + ay + az) / 3;
  const gamma = spec.corrected ? 0 : gradientNonlinearity;
  return (p, out) => {
    let x = p[0], y = p[1], z = p[2];
    if (gamma !== 0) {
      const r2 = (x * x + y * y + z * z) / (rho * rho);
      x -= gamma * r2 * x;
      y -= gamma * r2 * y;
      z -= 1.5 * gamma * r2 * z;
    }
    let delta = 0, ddx = 0;
    if (susceptibilityMm !== 0) {
      for (const b of blobs) {
        const dx = x - b.c[0], dy = y - b.c[1], dz = z - b.c[2];
        const g = b.a * Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * b.w * b.w));
        delta += g;
        ddx += (-dx / (b.w * b.w)) * g;
      }
      delta *= sign * susceptibilityMm;
      ddx *= sign * susceptibilityMm;
    }
    out[0] = x - delta;
    out[1] = y;
    out[2] = z;
    return Math.max(0.5, Math.min(2, 1 / (1 + ddx)));
  };
}
