/**
 * Volume augmentation for 3-D CNNs on plain Float32Arrays (DHWC: index = ((z·H + y)·W + x)·C + c): left–right
 * flip, Gaussian noise, a small random affine (rotation, scaling, translation; trilinear resampling) and random
 * erasing of a cuboid — the 2-D seed augmentations of lib/data/augment.ts carried to volumes. Every random draw
 * comes from the {@linkcode Rng} passed in; every function returns a new array of the input's size and leaves
 * its input untouched.
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import { addGaussianNoise, AugmentError, type NoiseOptions } from "./augment.ts";

/** Depth, height, width and channels of a DHWC volume. */
export interface VolumeDims {
  depth: number;
  height: number;
  width: number;
  channels: number;
}

/** Options of {@linkcode randomAffine3d}. */
export interface Affine3dOptions {
  /** Largest rotation about each axis, degrees (each angle uniform in [−r, r]). @default 5 */
  rotationDegrees?: number;
  /** Isotropic scale factor range. @default [0.95, 1.05] */
  scaleRange?: [number, number];
  /** Largest shift along each axis, voxels (uniform in [−t, t]). @default 2 */
  translation?: number;
  /** Value of voxels mapped from outside the volume. @default 0 */
  fill?: number;
  /** Probability of transforming a volume (inside {@linkcode augmentVolume}). @default 0.5 */
  probability?: number;
}

/** Options of {@linkcode randomErasing3d}. */
export interface Erasing3dOptions {
  /** Probability of erasing a cuboid. @default 0.5 */
  probability?: number;
  /** Erased volume as a fraction of the whole, [s_l, s_h]. @default [0.01, 0.1] */
  volumeRange?: [number, number];
  /** Fill value. @default 0 */
  fill?: number;
}

/**
 * Which volume augmentations to apply. Each is off when absent or `false`; `true` uses its defaults.
 * Order: affine → flip → noise → erasing.
 */
export interface Augment3dOptions {
  /** Left–right flip (the width axis, x), with this probability (`true`: 0.5). @default off */
  flip?: boolean | { probability?: number };
  /** Additive Gaussian noise (lib/data/augment.ts's, default sd 0.3). @default off */
  noise?: boolean | NoiseOptions;
  /** Small random affine. @default off */
  affine?: boolean | Affine3dOptions;
  /** Random erasing of a cuboid. @default off */
  erasing?: boolean | Erasing3dOptions;
}

/** The 3-D study's augmentation: flip, noise (sd 0.05, FA scale), small affine, erasing. */
export const VOLUME_AUGMENTATION: Readonly<Augment3dOptions> = Object.freeze({
  flip: true,
  noise: { sd: 0.05 },
  affine: true,
  erasing: true,
});

function checkVolume(where: string, volume: Float32Array, dims: VolumeDims): void {
  const n = dims.depth * dims.height * dims.width * dims.channels;
  if (volume.length !== n) {
    throw new AugmentError(
      `${where}: volume has ${volume.length} values, expected ${n} ` +
        `(${dims.depth}x${dims.height}x${dims.width}x${dims.channels})`,
    );
  }
}

/**
 * Mirror a volume left–right: out(z, y, x) = in(z, y, W − 1 − x). Applying it twice gives the input back.
 *
 * @example
 * const mirrored = flipVolume(fa, { depth: 48, height: 48, width: 48, channels: 1 });
 */
export function flipVolume(volume: Float32Array, dims: VolumeDims): Float32Array {
  checkVolume("flipVolume", volume, dims);
  const { width: w, channels: c } = dims;
  const out = new Float32Array(volume.length);
  const rows = dims.depth * dims.height;
  for (let r = 0; r < rows; r++) {
    for (let x = 0; x < w; x++) {
      const src = (r * w + x) * c, dst = (r * w + (w - 1 - x)) * c;
      for (let k = 0; k < c; k++) out[dst + k] = volume[src + k];
    }
  }
  return out;
}

/**
 * Resample a volume under an affine map about its centre: out(p) = in(M·(p − o) + o + t), p = (z, y, x) in
 * voxels, o the centre ((n − 1)/2 per axis), trilinear interpolation, `fill` outside. `matrix` is row-major
 * 3x3 over (z, y, x) and maps output to input coordinates (the inverse of the visible motion).
 *
 * @example
 * const shifted = affineResample3d(fa, dims, { matrix: [1, 0, 0, 0, 1, 0, 0, 0, 1], shift: [0, 0, 2] });
 */
export function affineResample3d(
  volume: Float32Array,
  dims: VolumeDims,
  options: { matrix: ArrayLike<number>; shift?: ArrayLike<number>; fill?: number },
): Float32Array {
  checkVolume("affineResample3d", volume, dims);
  const { matrix: m, shift = [0, 0, 0], fill = 0 } = options;
  if (m.length !== 9) throw new AugmentError(`affineResample3d: matrix must have 9 entries, got ${m.length}`);
  const { depth: d, height: h, width: w, channels: c } = dims;
  const oz = (d - 1) / 2, oy = (h - 1) / 2, ox = (w - 1) / 2;
  const out = new Float32Array(volume.length);
  const at = (z: number, y: number, x: number, k: number) =>
    z < 0 || y < 0 || x < 0 || z >= d || y >= h || x >= w ? fill : volume[((z * h + y) * w + x) * c + k];
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const pz = z - oz, py = y - oy, px = x - ox;
        const sz = m[0] * pz + m[1] * py + m[2] * px + oz + shift[0];
        const sy = m[3] * pz + m[4] * py + m[5] * px + oy + shift[1];
        const sx = m[6] * pz + m[7] * py + m[8] * px + ox + shift[2];
        const z0 = Math.floor(sz + 1e-9), y0 = Math.floor(sy + 1e-9), x0 = Math.floor(sx + 1e-9);
        const fz = Math.max(0, sz - z0), fy = Math.max(0, sy - y0), fx = Math.max(0, sx - x0);
        for (let k = 0; k < c; k++) {
          let v = 0;
          for (let a = 0; a < 2; a++) {
            const wz = a ? fz : 1 - fz;
            if (wz === 0) continue;
            for (let b = 0; b < 2; b++) {
              const wy = b ? fy : 1 - fy;
              if (wy === 0) continue;
              for (let e = 0; e < 2; e++) {
                const wx = e ? fx : 1 - fx;
                if (wx === 0) continue;
                v += wz * wy * wx * at(z0 + a, y0 + b, x0 + e, k);
              }
            }
          }
          out[((z * h + y) * w + x) * c + k] = v;
        }
      }
    }
  }
  return out;
}

/** R = R_z(α)·R_y(β)·R_x(γ) / s, row-major over (z, y, x): the output-to-input map of a rotation and scale. */
function rotationScale(a: number, b: number, g: number, s: number): number[] {
  const [ca, sa, cb, sb, cg, sg] = [
    Math.cos(a),
    Math.sin(a),
    Math.cos(b),
    Math.sin(b),
    Math.cos(g),
    Math.sin(g),
  ];
  // Rotations in the (y, x), (z, x) and (z, y) planes.
  const r1 = [1, 0, 0, 0, ca, -sa, 0, sa, ca];
  const r2 = [cb, 0, -sb, 0, 1, 0, sb, 0, cb];
  const r3 = [cg, -sg, 0, sg, cg, 0, 0, 0, 1];
  const mul = (p: number[], q: number[]) =>
    Array.from({ length: 9 }, (_, i) => {
      const r = Math.floor(i / 3), col = i % 3;
      return p[r * 3] * q[col] + p[r * 3 + 1] * q[3 + col] + p[r * 3 + 2] * q[6 + col];
    });
  return mul(mul(r1, r2), r3).map((v) => v / s);
}

/**
 * A small random affine (trilinear): three rotation angles uniform in ±`rotationDegrees`, a scale uniform in
 * `scaleRange` and a shift uniform in ±`translation` voxels per axis, about the volume's centre
 * ({@linkcode affineResample3d}).
 *
 * @example
 * const moved = randomAffine3d(fa, dims, { rng: new Rng(1), rotationDegrees: 5, translation: 2 });
 */
export function randomAffine3d(
  volume: Float32Array,
  dims: VolumeDims,
  options: Affine3dOptions & { rng: Rng },
): Float32Array {
  const { rng, rotationDegrees = 5, scaleRange = [0.95, 1.05], translation = 2, fill = 0 } = options;
  if (!(rotationDegrees >= 0 && translation >= 0)) {
    throw new AugmentError(`randomAffine3d: rotationDegrees and translation must be ≥ 0`);
  }
  if (!(scaleRange[0] > 0 && scaleRange[1] >= scaleRange[0])) {
    throw new AugmentError(
      `randomAffine3d: scaleRange must be an increasing pair > 0, got [${scaleRange.join(", ")}]`,
    );
  }
  const rad = (rotationDegrees * Math.PI) / 180;
  const angles = [0, 1, 2].map(() => rng.uniform(-rad, rad));
  const s = rng.uniform(scaleRange[0], scaleRange[1]);
  const shift = [0, 1, 2].map(() => rng.uniform(-translation, translation));
  return affineResample3d(volume, dims, {
    matrix: rotationScale(angles[0], angles[1], angles[2], s),
    shift,
    fill,
  });
}

/**
 * Random erasing of a cuboid (Zhong et al.'s rectangle in 3-D): with probability p, a cuboid of volume fraction
 * uniform in `volumeRange`, side ratios drawn log-uniformly in [1/2, 2], at a uniform position, set to `fill`.
 *
 * @example
 * const erased = randomErasing3d(fa, dims, { rng, probability: 1 });
 */
export function randomErasing3d(
  volume: Float32Array,
  dims: VolumeDims,
  options: Erasing3dOptions & { rng: Rng },
): Float32Array {
  checkVolume("randomErasing3d", volume, dims);
  const { rng, probability = 0.5, volumeRange = [0.01, 0.1], fill = 0 } = options;
  if (!(volumeRange[0] >= 0 && volumeRange[1] >= volumeRange[0] && volumeRange[1] < 1)) {
    throw new AugmentError(
      `randomErasing3d: volumeRange must be an increasing pair in [0, 1), got [${volumeRange.join(", ")}]`,
    );
  }
  const out = volume.slice();
  if (!rng.bernoulli(probability)) return out;
  const { depth: d, height: h, width: w, channels: c } = dims;
  const target = rng.uniform(volumeRange[0], volumeRange[1]) * d * h * w;
  const ratios = [0, 1].map(() => Math.exp(rng.uniform(Math.log(0.5), Math.log(2))));
  const side = Math.cbrt(target / (ratios[0] * ratios[1]));
  const size = [side * ratios[0], side * ratios[1], side].map((v, i) =>
    Math.max(1, Math.min([d, h, w][i], Math.round(v)))
  );
  const start = size.map((n, i) => rng.int([d, h, w][i] - n + 1));
  for (let z = start[0]; z < start[0] + size[0]; z++) {
    for (let y = start[1]; y < start[1] + size[1]; y++) {
      for (let x = start[2]; x < start[2] + size[2]; x++) {
        const o = ((z * h + y) * w + x) * c;
        for (let k = 0; k < c; k++) out[o + k] = fill;
      }
    }
  }
  return out;
}

function resolve<T extends object>(option: boolean | T | undefined): T | undefined {
  if (option === undefined || option === false) return undefined;
  return option === true ? ({} as T) : option;
}

/**
 * Apply the augmentations selected in `options` to one volume, in the order affine → flip → noise → erasing,
 * each with its probability.
 *
 * @example
 * const out = augmentVolume(fa, dims, { ...VOLUME_AUGMENTATION, rng: new Rng(3) });
 */
export function augmentVolume(
  volume: Float32Array,
  dims: VolumeDims,
  options: Augment3dOptions & { rng: Rng },
): Float32Array {
  checkVolume("augmentVolume", volume, dims);
  const { rng } = options;
  let out = volume;
  const affine = resolve(options.affine);
  if (affine && rng.bernoulli(affine.probability ?? 0.5)) out = randomAffine3d(out, dims, { ...affine, rng });
  const flip = resolve(options.flip);
  if (flip && rng.bernoulli(flip.probability ?? 0.5)) out = flipVolume(out, dims);
  const noise = resolve(options.noise);
  if (noise && rng.bernoulli(noise.probability ?? 1)) out = addGaussianNoise(out, { ...noise, rng });
  const erasing = resolve(options.erasing);
  if (erasing) out = randomErasing3d(out, dims, { ...erasing, rng });
  return out === volume ? volume.slice() : out;
}
