/**
 * Diffusion gradient schemes: well-spread directions by electrostatic repulsion, b0 volumes interleaved,
 * one or more shells, written as FSL `bvals` / `bvecs` text.
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { SynthError } from "./errors.ts";

/** A gradient scheme in acquisition order (same layout as lib/dmri's GradientTable). */
export interface GradientScheme {
  /** b-values in s/mm², one per volume (0 for b0 volumes). */
  bvals: Float64Array;
  /** Unit directions, row-major N x 3 (zero for b0 volumes). */
  bvecs: Float64Array;
  /** Number of volumes N. */
  count: number;
}

/** Options of {@linkcode gradientScheme}. */
export interface GradientSchemeOptions {
  /** Diffusion directions per shell. @default 64 */
  directions?: number;
  /** Number of b=0 volumes, spread evenly through the series (the first volume is always a b0). @default 6 */
  b0Count?: number;
  /** b-values of the shells, s/mm². @default [1000] */
  shells?: number[];
  /** Seed of the initial directions; two seeds give two different, equally well-spread sets. @default 0 */
  seed?: number;
  /** Gradient-descent iterations of the repulsion. @default 300 */
  iterations?: number;
}

/**
 * `n` unit directions spread over the sphere with antipodal symmetry (a direction and its opposite are the
 * same measurement), by electrostatic repulsion (Jones et al., MRM 42:515–525, 1999): minimise
 * E = Σ_{i<j} 1/‖u_i − u_j‖ + 1/‖u_i + u_j‖ by projected gradient descent from a jittered Fibonacci spiral.
 * Each returned direction has z ≥ 0.
 *
 * @returns Row-major n x 3 unit vectors.
 * @example
 * const dirs = repulsionDirections(64, { seed: 1 });
 */
export function repulsionDirections(
  n: number,
  options: { seed?: number; iterations?: number } = {},
): Float64Array {
  const { seed = 0, iterations = 300 } = options;
  if (!Number.isInteger(n) || n < 1) {
    throw new SynthError("gradient scheme", `directions must be ≥ 1, got ${n}`);
  }
  const rng = new Rng(seed);
  const u = new Float64Array(3 * n);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    // Spiral over the upper hemisphere, jittered so that different seeds give different sets.
    const z = 1 - (i + 0.5) / n;
    const r = Math.sqrt(1 - z * z);
    const phi = i * golden + rng.uniform(-0.3, 0.3) + seed;
    set(u, i, r * Math.cos(phi), r * Math.sin(phi), z + rng.uniform(-0.05, 0.05));
  }
  const force = new Float64Array(3 * n);
  let step = 0.1 / Math.sqrt(n);
  for (let it = 0; it < iterations; it++) {
    force.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        for (const sign of [1, -1]) {
          const dx = u[3 * i] - sign * u[3 * j];
          const dy = u[3 * i + 1] - sign * u[3 * j + 1];
          const dz = u[3 * i + 2] - sign * u[3 * j + 2];
          const d2 = dx * dx + dy * dy + dz * dz + 1e-12;
          const f = 1 / (d2 * Math.sqrt(d2));
          force[3 * i] += f * dx;
          force[3 * i + 1] += f * dy;
          force[3 * i + 2] += f * dz;
          force[3 * j] -= sign * f * dx;
          force[3 * j + 1] -= sign * f * dy;
          force[3 * j + 2] -= sign * f * dz;
        }
      }
    }
    let fmax = 0;
    for (let k = 0; k < 3 * n; k++) fmax = Math.max(fmax, Math.abs(force[k]));
    const scale = fmax > 0 ? step / fmax : 0;
    for (let i = 0; i < n; i++) {
      set(
        u,
        i,
        u[3 * i] + scale * force[3 * i],
        u[3 * i + 1] + scale * force[3 * i + 1],
        u[3 * i + 2] + scale * force[3 * i + 2],
      );
    }
    step *= 0.99;
  }
  for (let i = 0; i < n; i++) {
    if (u[3 * i + 2] < 0) set(u, i, -u[3 * i], -u[3 * i + 1], -u[3 * i + 2]);
  }
  return u;
}

function set(u: Float64Array, i: number, x: number, y: number, z: number): void {
  const norm = Math.hypot(x, y, z) || 1;
  u[3 * i] = x / norm;
  u[3 * i + 1] = y / norm;
  u[3 * i + 2] = z / norm;
}

/**
 * A single- or multi-shell scheme: `b0Count` b=0 volumes interleaved evenly (the first volume is a b0, as in
 * HCP series) among `directions` repulsion directions per shell. Each shell uses its own direction set (seeded
 * from `seed` and the shell index).
 *
 * @example
 * const scheme = gradientScheme({ directions: 64, b0Count: 6, shells: [1000], seed: 1 });
 * scheme.count; // 70
 */
export function gradientScheme(options: GradientSchemeOptions = {}): GradientScheme {
  const { directions = 64, b0Count = 6, shells = [1000], seed = 0, iterations = 300 } = options;
  if (!Number.isInteger(b0Count) || b0Count < 0) {
    throw new SynthError("gradient scheme", `b0Count must be an integer ≥ 0, got ${b0Count}`);
  }
  if (shells.length === 0 || shells.some((b) => !(b > 0))) {
    throw new SynthError("gradient scheme", `shells must be positive b-values, got [${shells.join(", ")}]`);
  }
  const weighted: { b: number; g: number[] }[] = [];
  shells.forEach((b, s) => {
    const dirs = repulsionDirections(directions, { seed: seed * 7919 + s * 104729, iterations });
    for (let i = 0; i < directions; i++) {
      weighted.push({ b, g: [dirs[3 * i], dirs[3 * i + 1], dirs[3 * i + 2]] });
    }
  });
  const count = weighted.length + b0Count;
  const isB0 = new Uint8Array(count);
  for (let k = 0; k < b0Count; k++) isB0[Math.floor((k * count) / b0Count)] = 1;
  const bvals = new Float64Array(count);
  const bvecs = new Float64Array(3 * count);
  let w = 0;
  for (let n = 0; n < count; n++) {
    if (isB0[n]) continue;
    bvals[n] = weighted[w].b;
    bvecs.set(weighted[w].g, 3 * n);
    w++;
  }
  return { bvals, bvecs, count };
}

/** FSL `bvals` text: one row of b-values separated by spaces, newline-terminated. */
export function formatBvals(scheme: GradientScheme): string {
  return Array.from(scheme.bvals, (b) => String(Math.round(b))).join(" ") + "\n";
}

/** FSL `bvecs` text: three rows (x, y, z components), one column per volume, newline-terminated. */
export function formatBvecs(scheme: GradientScheme): string {
  const rows: string[] = [];
  for (let a = 0; a < 3; a++) {
    const row: string[] = [];
    for (let n = 0; n < scheme.count; n++) row.push(fixed(scheme.bvecs[3 * n + a]));
    rows.push(row.join(" "));
  }
  return rows.join("\n") + "\n";
}

function fixed(v: number): string {
  const s = v.toFixed(6);
  return s === "-0.000000" ? "0.000000" : s;
}
