/**
 * Simulate one subject: the planted ground truth (FA, MD, brain and region masks) and the DWI of one
 * acquisition.
 *
 * Signal model. Each voxel holds tensor compartments c with volume fractions f_c, relative b0 signals S0_c and
 * tensors D_c (rotated into the subject's orientation). With `mixing: "tensor"` (default) the voxel is one
 * volume-averaged tensor D̄ = Σ f_c D_c / Σ f_c and
 *   S(b, g) = J · S_scale · Σ f_c S0_c · exp(−b · gᵀ D̄ g),
 * so a single-tensor fit recovers the planted FA = FA(D̄) exactly at infinite SNR (crossings have the lower FA
 * of the averaged tensor). With `mixing: "signal"` the compartments add as signals (the multi-tensor model,
 * "two-tensor" at a two-bundle crossing):
 *   S(b, g) = J · S_scale · Σ f_c S0_c · exp(−b · gᵀ D_c g);
 * the planted FA is still FA(D̄), which a single-tensor fit does not recover where compartments differ.
 * J is the acquisition's intensity factor (see lib/synth/acquisitions.ts), S_scale the white-matter b0 signal.
 *
 * Noise is Rician: S̃ = √((S + σ n₁)² + (σ n₂)²), n₁, n₂ ~ N(0, 1), σ = S_scale / SNR (SNR of white matter
 * at b = 0). Values are rounded to int16, as scanners store them.
 *
 * @module
 */
import type { Volume } from "../nifti/volume.ts";
import { Rng } from "../rng.ts";
import { type Anatomy, anatomySample } from "./anatomy.ts";
import { type AcquisitionWarp } from "./acquisitions.ts";
import type { GradientScheme } from "./gradient_scheme.ts";
import { subjectToTemplate, type SyntheticSubject } from "./subjects.ts";
import { tensorFa } from "./tissues.ts";

/** Options of {@linkcode simulateDwi}. */
export interface SimulateDwiOptions {
  /** Signal-to-noise ratio of white matter at b = 0 (σ = signalScale / snr); Infinity for no noise. @default 20 */
  snr?: number;
  /** White-matter b0 signal in stored units. @default 1000 */
  signalScale?: number;
  /** How partial-volume and crossing compartments combine. @default "tensor" */
  mixing?: "tensor" | "signal";
  /** Seed of the noise. @default 0 */
  seed?: number;
  /** Acquisition warp; identity when absent. */
  warp?: AcquisitionWarp;
  /** Repetition time written as the 4th pixdim, s. @default 3.2 */
  repetitionTime?: number;
}

/** The planted maps of one subject, in its undistorted space. */
export interface PlantedMaps {
  /** FA of the volume-averaged tensor (float32, 0 outside the brain). */
  fa: Volume;
  /** Mean diffusivity, mm²/s (float32). */
  md: Volume;
  /** Brain mask: brain fraction ≥ 0.5 (uint8). */
  brainMask: Volume;
  /** Per region with a planted effect: voxels where the region's volume fraction ≥ 0.5 (uint8). */
  regions: Record<string, Volume>;
}

function gridPoint(anatomy: Anatomy): (i: number, j: number, k: number, out: Float64Array) => void {
  const [nx, ny, nz] = anatomy.grid.shape;
  const [dx, dy, dz] = anatomy.grid.pixdim;
  return (i, j, k, out) => {
    out[0] = (i - (nx - 1) / 2) * dx;
    out[1] = (j - (ny - 1) / 2) * dy;
    out[2] = (k - (nz - 1) / 2) * dz;
  };
}

/** D' = R D Rᵀ for D = [xx, yy, zz, xy, xz, yz] at `offset`, written to `out` at `outOffset`. */
function rotateTensor(
  r: number[],
  d: Float64Array,
  offset: number,
  out: Float64Array,
  outOffset: number,
): void {
  const xx = d[offset], yy = d[offset + 1], zz = d[offset + 2];
  const xy = d[offset + 3], xz = d[offset + 4], yz = d[offset + 5];
  // Rows of T = R·D.
  const t00 = r[0] * xx + r[1] * xy + r[2] * xz, t01 = r[0] * xy + r[1] * yy + r[2] * yz;
  const t02 = r[0] * xz + r[1] * yz + r[2] * zz;
  const t10 = r[3] * xx + r[4] * xy + r[5] * xz, t11 = r[3] * xy + r[4] * yy + r[5] * yz;
  const t12 = r[3] * xz + r[4] * yz + r[5] * zz;
  const t20 = r[6] * xx + r[7] * xy + r[8] * xz, t21 = r[6] * xy + r[7] * yy + r[8] * yz;
  const t22 = r[6] * xz + r[7] * yz + r[8] * zz;
  // (T·Rᵀ)_ab = Σ_c T_ac R_bc
  out[outOffset] = t00 * r[0] + t01 * r[1] + t02 * r[2];
  out[outOffset + 1] = t10 * r[3] + t11 * r[4] + t12 * r[5];
  out[outOffset + 2] = t20 * r[6] + t21 * r[7] + t22 * r[8];
  out[outOffset + 3] = t00 * r[3] + t01 * r[4] + t02 * r[5];
  out[outOffset + 4] = t00 * r[6] + t01 * r[7] + t02 * r[8];
  out[outOffset + 5] = t10 * r[6] + t11 * r[7] + t12 * r[8];
}

/** Visit every voxel of the grid with the subject's (rotated) compartments there. */
function forEachVoxel(
  anatomy: Anatomy,
  subject: SyntheticSubject,
  warp: AcquisitionWarp | undefined,
  rotateAll: boolean,
  visit: (
    index: number,
    sample: ReturnType<typeof anatomySample>,
    intensity: number,
    rotated: Float64Array,
  ) => void,
): void {
  const [nx, ny, nz] = anatomy.grid.shape;
  const point = gridPoint(anatomy);
  const p = new Float64Array(3), ps = new Float64Array(3), q = new Float64Array(3);
  const sample = anatomySample(anatomy);
  const faShift = Float64Array.from(subject.faShift);
  const rotated = new Float64Array(6 * anatomy.maxCompartments);
  const r = subject.geometry.rotation;
  const mean = new Float64Array(6);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        point(i, j, k, p);
        const intensity = warp ? warp(p, ps) : 1;
        subjectToTemplate(subject.geometry, warp ? ps : p, q);
        anatomy.evaluate(q[0], q[1], q[2], faShift, sample);
        if (sample.count === 0) continue;
        if (rotateAll) {
          for (let c = 0; c < sample.count; c++) rotateTensor(r, sample.tensors, 6 * c, rotated, 6 * c);
        } else {
          // Rotation is linear, so the average of rotated tensors is the rotated average.
          averageTensor(sample, sample.tensors, mean);
          rotateTensor(r, mean, 0, rotated, 0);
        }
        visit(index, sample, intensity, rotated);
      }
    }
  }
}

/** Volume-weighted mean of the sample's compartment tensors (taken from `tensors`); returns Σ weights. */
function averageTensor(
  sample: ReturnType<typeof anatomySample>,
  tensors: Float64Array,
  out: Float64Array,
): number {
  out.fill(0);
  let w = 0;
  for (let c = 0; c < sample.count; c++) {
    const f = sample.weights[c];
    w += f;
    for (let e = 0; e < 6; e++) out[e] += f * tensors[6 * c + e];
  }
  if (w > 0) { for (let e = 0; e < 6; e++) out[e] /= w; }
  return w;
}

function volume3(anatomy: Anatomy, data: Float32Array | Uint8Array, datatype: string): Volume {
  return {
    shape: [...anatomy.grid.shape],
    datatype,
    data,
    affine: anatomy.grid.affine.map((row) => [...row]),
    pixdim: [...anatomy.grid.pixdim],
  };
}

/**
 * The subject's planted ground truth on the anatomy's grid.
 *
 * @param regions Regions to make masks of. @default the regions with a nonzero planted effect
 * @example
 * const truth = plantedMaps(phantom, subjects[0]);
 * truth.regions.callosum.data; // Uint8Array mask
 */
export function plantedMaps(
  anatomy: Anatomy,
  subject: SyntheticSubject,
  options: { regions?: readonly string[] } = {},
): PlantedMaps {
  const regions = options.regions ?? anatomy.regions.filter((_, r) => subject.ageEffect[r] !== 0);
  const n = anatomy.grid.shape[0] * anatomy.grid.shape[1] * anatomy.grid.shape[2];
  const fa = new Float32Array(n), md = new Float32Array(n), mask = new Uint8Array(n);
  const regionIndex = regions.map((name) => anatomy.regions.indexOf(name));
  const masks = regions.map(() => new Uint8Array(n));
  forEachVoxel(anatomy, subject, undefined, false, (index, sample, _j, rotated) => {
    let w = 0;
    for (let c = 0; c < sample.count; c++) w += sample.weights[c];
    if (w <= 0) return;
    fa[index] = tensorFa(rotated);
    md[index] = (rotated[0] + rotated[1] + rotated[2]) / 3;
    if (w >= 0.5) mask[index] = 1;
    for (let r = 0; r < regions.length; r++) if (sample.shares[regionIndex[r]] >= 0.5) masks[r][index] = 1;
  });
  return {
    fa: volume3(anatomy, fa, "float32"),
    md: volume3(anatomy, md, "float32"),
    brainMask: volume3(anatomy, mask, "uint8"),
    regions: Object.fromEntries(regions.map((name, r) => [name, volume3(anatomy, masks[r], "uint8")])),
  };
}

/**
 * Simulate the DWI series of one subject and acquisition: a 4-D int16 volume [nx, ny, nz, N] on the anatomy's
 * grid, one volume per gradient of `scheme` (see the module documentation for the model).
 *
 * @example
 * const dwi = simulateDwi(phantom, subject, gradientScheme({ directions: 20, b0Count: 2 }), { snr: 30, seed: 1 });
 */
export function simulateDwi(
  anatomy: Anatomy,
  subject: SyntheticSubject,
  scheme: GradientScheme,
  options: SimulateDwiOptions = {},
): Volume {
  const { snr = 20, signalScale = 1000, mixing = "tensor", seed = 0, warp, repetitionTime = 3.2 } = options;
  const [nx, ny, nz] = anatomy.grid.shape;
  const n = nx * ny * nz;
  const nv = scheme.count;
  // b·(gx², gy², gz², 2gxgy, 2gxgz, 2gygz) per volume: gᵀDg·b = Σ coef·D.
  const coef = new Float64Array(6 * nv);
  for (let v = 0; v < nv; v++) {
    const b = scheme.bvals[v],
      x = scheme.bvecs[3 * v],
      y = scheme.bvecs[3 * v + 1],
      z = scheme.bvecs[3 * v + 2];
    coef.set([b * x * x, b * y * y, b * z * z, 2 * b * x * y, 2 * b * x * z, 2 * b * y * z], 6 * v);
  }
  const clean = new Float32Array(n * nv);
  const mean = new Float64Array(6);
  forEachVoxel(anatomy, subject, warp, mixing === "signal", (index, sample, intensity, rotated) => {
    if (mixing === "tensor") {
      mean.set(rotated.subarray(0, 6));
      let s0 = 0;
      for (let c = 0; c < sample.count; c++) s0 += sample.weights[c] * sample.s0[c];
      s0 *= intensity * signalScale;
      for (let v = 0; v < nv; v++) {
        const o = 6 * v;
        const q = coef[o] * mean[0] + coef[o + 1] * mean[1] + coef[o + 2] * mean[2] + coef[o + 3] * mean[3] +
          coef[o + 4] * mean[4] + coef[o + 5] * mean[5];
        clean[index + n * v] = s0 * Math.exp(-q);
      }
    } else {
      for (let v = 0; v < nv; v++) {
        const o = 6 * v;
        let s = 0;
        for (let c = 0; c < sample.count; c++) {
          const d = 6 * c;
          const q = coef[o] * rotated[d] + coef[o + 1] * rotated[d + 1] + coef[o + 2] * rotated[d + 2] +
            coef[o + 3] * rotated[d + 3] + coef[o + 4] * rotated[d + 4] + coef[o + 5] * rotated[d + 5];
          s += sample.weights[c] * sample.s0[c] * Math.exp(-q);
        }
        clean[index + n * v] = s * intensity * signalScale;
      }
    }
  });
  const out = new Int16Array(n * nv);
  addRicianNoise(clean, out, Number.isFinite(snr) ? signalScale / snr : 0, new Rng(seed));
  return {
    shape: [nx, ny, nz, nv],
    datatype: "int16",
    data: out,
    affine: anatomy.grid.affine.map((row) => [...row]),
    pixdim: [...anatomy.grid.pixdim, repetitionTime],
  };
}

/**
 * out = round(√((s + σ n₁)² + (σ n₂)²)) clamped to the int16 range. Normal pairs come from Marsaglia's polar
 * method over an inlined sfc32 stream seeded from `rng`; where s = 0 the magnitude is Rayleigh, σ·√(−2 ln u).
 */
function addRicianNoise(clean: Float32Array, out: Int16Array, sigma: number, rng: Rng): void {
  let a = rng.uint32() | 0, b = rng.uint32() | 0, c = rng.uint32() | 0, d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < clean.length; i++) {
    let s = clean[i];
    if (sigma > 0) {
      if (s === 0) {
        s = sigma * Math.sqrt(-2 * Math.log(1 - next()));
      } else {
        let u: number, v: number, q: number;
        do {
          u = 2 * next() - 1;
          v = 2 * next() - 1;
          q = u * u + v * v;
        } while (q >= 1 || q === 0);
        const f = sigma * Math.sqrt((-2 * Math.log(q)) / q);
        const re = s + f * u;
        const im = f * v;
        s = Math.sqrt(re * re + im * im);
      }
    }
    out[i] = s > 32767 ? 32767 : Math.round(s);
  }
}
