/**
 * Tissue properties of the simulated brain, and the tensor arithmetic that turns them into diffusion tensors.
 *
 * Diffusivities are typical adult in-vivo values at body temperature (mm²/s):
 * - Coherent white matter (callosum, long association and projection bundles): λ∥ ≈ 1.7e-3, λ⊥ ≈ 0.35e-3
 *   (FA ≈ 0.76, MD ≈ 0.8e-3) — Pierpaoli et al., "Diffusion tensor MR imaging of the human brain",
 *   Radiology 201:637–648 (1996), corpus-callosum eigenvalues; Alexander et al., "Diffusion tensor imaging of
 *   the brain", Neurotherapeutics 4:316–329 (2007), λ⊥ 0.3–0.4e-3.
 * - Less coherent white matter (centrum semiovale outside the named bundles): λ∥ 1.2e-3, λ⊥ 0.6e-3
 *   (FA ≈ 0.41, MD 0.8e-3) — Pierpaoli 1996, subcortical white matter FA 0.3–0.5.
 * - Grey matter: nearly isotropic, λ∥ 0.9e-3, λ⊥ 0.75e-3 (FA ≈ 0.1, MD 0.8e-3) — Pierpaoli 1996 (cortex
 *   MD ≈ 0.8e-3, FA 0.1–0.2).
 * - CSF: free water at 37 °C, 3.0e-3 isotropic — Pierpaoli 1996 (ventricular CSF MD ≈ 3.0–3.2e-3).
 *
 * b0 (T2-weighted) signal S0 = PD · exp(−TE / T2) with TE = 89.5 ms (the HCP diffusion protocol, Sotiropoulos
 * et al., NeuroImage 80:125–143, 2013), T2 at 3 T from Stanisz et al., MRM 54:507–512 (2005): WM 69 ms,
 * GM 99 ms; CSF T2 ≈ 2000 ms; proton density WM 0.69, GM 0.80, CSF 1.0. Values are relative to white matter.
 *
 * Tensors are stored as six numbers [Dxx, Dyy, Dzz, Dxy, Dxz, Dyz].
 *
 * @module
 */

/** Eigenvalues (mm²/s) and b0 signal of one tissue class. */
export interface Tissue {
  /** Diffusivity along the fibre (largest eigenvalue), mm²/s. */
  parallel: number;
  /** Diffusivity across the fibre (the two smaller, equal eigenvalues), mm²/s. */
  perpendicular: number;
  /** Proton density relative to CSF. */
  protonDensity: number;
  /** T2 relaxation time at 3 T, ms. */
  t2: number;
}

/** Echo time of the HCP diffusion protocol, ms (Sotiropoulos et al., 2013). */
export const ECHO_TIME_MS = 89.5;

/** The tissue classes of the phantom; see the module documentation for the sources. */
export const TISSUES = {
  /** Named, coherent white-matter bundles. */
  tract: { parallel: 1.7e-3, perpendicular: 0.35e-3, protonDensity: 0.69, t2: 69 },
  /** White matter outside the named bundles (radially oriented, less coherent). */
  whiteMatter: { parallel: 1.2e-3, perpendicular: 0.6e-3, protonDensity: 0.69, t2: 69 },
  /** Cortical and deep grey matter. */
  greyMatter: { parallel: 0.9e-3, perpendicular: 0.75e-3, protonDensity: 0.8, t2: 99 },
  /** Cerebrospinal fluid (free water). */
  csf: { parallel: 3.0e-3, perpendicular: 3.0e-3, protonDensity: 1.0, t2: 2000 },
} as const satisfies Record<string, Tissue>;

/**
 * b0 signal of a tissue relative to white matter: S0 = PD · exp(−TE/T2) / (PD_wm · exp(−TE/T2_wm)).
 *
 * @example
 * relativeS0(TISSUES.csf); // ≈ 5.1 (grey matter ≈ 1.7)
 */
export function relativeS0(tissue: Tissue, echoTimeMs: number = ECHO_TIME_MS): number {
  const wm = TISSUES.whiteMatter;
  return (tissue.protonDensity * Math.exp(-echoTimeMs / tissue.t2)) /
    (wm.protonDensity * Math.exp(-echoTimeMs / wm.t2));
}

/**
 * Fractional anisotropy of eigenvalues (λ1, λ2, λ3):
 * FA = √(3/2) · ‖λ − λ̄‖ / ‖λ‖ (Basser & Pierpaoli, 1996). 0 for a zero tensor.
 */
export function fractionalAnisotropyOf(l1: number, l2: number, l3: number): number {
  const m = (l1 + l2 + l3) / 3;
  const num = (l1 - m) ** 2 + (l2 - m) ** 2 + (l3 - m) ** 2;
  const den = l1 * l1 + l2 * l2 + l3 * l3;
  return den > 0 ? Math.sqrt(1.5 * num / den) : 0;
}

/**
 * Fractional anisotropy of a tensor without an eigen-decomposition, from its invariants:
 * FA = √(3/2) · ‖D − MD·I‖_F / ‖D‖_F, with D = [Dxx, Dyy, Dzz, Dxy, Dxz, Dyz] starting at `offset`.
 * 0 for a zero tensor.
 */
export function tensorFa(d: ArrayLike<number>, offset = 0): number {
  const xx = d[offset], yy = d[offset + 1], zz = d[offset + 2];
  const xy = d[offset + 3], xz = d[offset + 4], yz = d[offset + 5];
  const md = (xx + yy + zz) / 3;
  const off = 2 * (xy * xy + xz * xz + yz * yz);
  const num = (xx - md) ** 2 + (yy - md) ** 2 + (zz - md) ** 2 + off;
  const den = xx * xx + yy * yy + zz * zz + off;
  return den > 0 ? Math.min(1, Math.sqrt(1.5 * num / den)) : 0;
}

/**
 * Eigenvalues of the axially symmetric tensor (λ∥, λ⊥, λ⊥) with a given FA and mean diffusivity.
 *
 * With λ∥ = MD + 2d and λ⊥ = MD − d, FA = 3|d| / √(3·MD² + 6d²), so d = MD · FA · √(3 / (9 − 6·FA²)).
 * FA is clamped to [0, 0.99] so that λ⊥ stays positive.
 *
 * @example
 * axialEigenvalues(0.7, 0.8e-3); // { parallel: ≈1.57e-3, perpendicular: ≈0.42e-3 }
 */
export function axialEigenvalues(fa: number, md: number): { parallel: number; perpendicular: number } {
  const f = Math.min(0.99, Math.max(0, fa));
  const d = md * f * Math.sqrt(3 / (9 - 6 * f * f));
  return { parallel: md + 2 * d, perpendicular: md - d };
}

/**
 * Write the tensor D = λ⊥·I + (λ∥ − λ⊥)·v·vᵀ (v a unit vector) into `out` at `offset` as
 * [Dxx, Dyy, Dzz, Dxy, Dxz, Dyz].
 */
export function axialTensor(
  parallel: number,
  perpendicular: number,
  v: ArrayLike<number>,
  out: Float64Array | Float32Array,
  offset = 0,
): void {
  const a = parallel - perpendicular;
  const x = v[0], y = v[1], z = v[2];
  out[offset] = perpendicular + a * x * x;
  out[offset + 1] = perpendicular + a * y * y;
  out[offset + 2] = perpendicular + a * z * z;
  out[offset + 3] = a * x * y;
  out[offset + 4] = a * x * z;
  out[offset + 5] = a * y * z;
}
