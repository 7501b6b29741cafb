/**
 * Simulated participants: age, group, sex, their own anatomy (global scale, small rotation and translation,
 * a smooth deformation) and the FA change planted in named regions as a function of age.
 *
 * The age effect: region r's tissue FA is shifted by
 *   ΔFA_r(age) = deltaFA_r · (age − ā_first) / (ā_last − ā_first)
 * where ā_first and ā_last are the centres of the first and last age group's ranges (defaults: 11.5 and 50
 * years). So deltaFA is the expected old − young difference of the region's tissue FA, linear in age (and it
 * extends to any number of age groups). Every other draw (anatomy, per-region FA jitter, sex) is independent
 * of the group: nothing else differs between groups.
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { SynthError } from "./errors.ts";

/** An age group of the simulated cohort. */
export interface AgeGroup {
  /** Group label written to participants.tsv, e.g. "young". */
  name: string;
  /** Number of subjects. */
  count: number;
  /** Youngest age, years (inclusive). */
  minAge: number;
  /** Oldest age, years (inclusive). */
  maxAge: number;
}

/** An FA change planted in one region. */
export interface AgeEffect {
  /** Region name (one of the anatomy's regions). */
  region: string;
  /** Expected FA difference between the last and the first age group (e.g. −0.08: lower in the old). */
  deltaFA: number;
}

/** The seed's cohort: 12 young (8–15 years) and 14 old (25–75 years). */
export const DEFAULT_GROUPS: readonly AgeGroup[] = [
  { name: "young", count: 12, minAge: 8, maxAge: 15 },
  { name: "old", count: 14, minAge: 25, maxAge: 75 },
];

/**
 * Default planted effects: FA lower with age in the callosum and the left longitudinal bundle, higher in the
 * right corticospinal tract (tract-specific maturation and decline, as in Lebel et al., NeuroImage 60:340–352,
 * 2012; magnitudes exaggerated so that a small CNN can learn them at CPU scale).
 */
export const DEFAULT_EFFECTS: readonly AgeEffect[] = [
  { region: "callosum", deltaFA: -0.1 },
  { region: "slf_left", deltaFA: -0.1 },
  { region: "cst_right", deltaFA: 0.08 },
];

/**
 * Planted effects of the phantom's `"ageing"` layout (lib/synth/phantom.ts's AGEING_REGIONS): FA lower with age
 * most in the genu of the corpus callosum and the fornix, then in the frontal tracts, least in the rest of the
 * callosum — the anterior-to-posterior gradient of white-matter ageing (e.g. Salat et al., Neurobiol. Aging
 * 26:1215–1227, 2005; Sullivan & Pfefferbaum, 2006; the genu is where Wang et al.'s 2023 3-D brain-age CNN
 * looks). Magnitudes exaggerated for CPU-scale nets, as the defaults are.
 */
export const AGEING_EFFECTS: readonly AgeEffect[] = [
  { region: "callosum_genu", deltaFA: -0.12 },
  { region: "fornix", deltaFA: -0.12 },
  { region: "frontal_left", deltaFA: -0.08 },
  { region: "frontal_right", deltaFA: -0.08 },
  { region: "callosum_body", deltaFA: -0.04 },
];

/** A subject's rigid-plus-smooth anatomy transform from template to subject space. */
export interface SubjectGeometry {
  /** Global scale s (template → subject). */
  scale: number;
  /** Rotation R (template → subject), row-major 3 x 3. */
  rotation: number[];
  /** Translation t, mm. */
  translation: [number, number, number];
  /**
   * Smooth deformation, applied in template space: q = u + Σ_k a_k · sin(w_k · u + φ_k), each term a
   * displacement vector a_k (mm), a wave vector w_k (rad/mm) and a phase φ_k.
   */
  deformation: { amplitude: [number, number, number]; wave: [number, number, number]; phase: number }[];
}

/** One simulated participant. */
export interface SyntheticSubject {
  /** Identifier, e.g. "sim01". */
  id: string;
  /** Age in years (one decimal). */
  age: number;
  /** Age-group name. */
  group: string;
  /** "F" or "M" (drawn independently of everything else). */
  sex: "F" | "M";
  /** Anatomy transform. */
  geometry: SubjectGeometry;
  /** Per region (the anatomy's order): FA shift = planted age effect + the subject's own jitter. */
  faShift: number[];
  /** Per region: the planted age effect alone. */
  ageEffect: number[];
}

/** Options of {@linkcode planSubjects}. */
export interface PlanSubjectsOptions {
  /** Age groups in order (the age effect runs from the first to the last). @default DEFAULT_GROUPS */
  groups?: readonly AgeGroup[];
  /** Planted effects. @default DEFAULT_EFFECTS (those whose region the anatomy has) */
  effects?: readonly AgeEffect[];
  /** Seed of every draw. @default 0 */
  seed?: number;
  /** Standard deviation of a subject's own FA offset per region (not age related). @default 0.01 */
  faJitter?: number;
  /** Amount of anatomical variation (0 = every subject is the template). @default 1 */
  variability?: number;
}

/**
 * Draw the participants of a simulated cohort. Deterministic for a seed; subject k's draws do not depend on
 * how many subjects follow it.
 *
 * @param regions The anatomy's region names (the order of `faShift`).
 * @example
 * const subjects = planSubjects(brainPhantom().regions, { seed: 1 });
 * subjects.length; // 26
 */
export function planSubjects(
  regions: readonly string[],
  options: PlanSubjectsOptions = {},
): SyntheticSubject[] {
  const { groups = DEFAULT_GROUPS, seed = 0, faJitter = 0.01, variability = 1 } = options;
  const effects = options.effects ?? DEFAULT_EFFECTS.filter((e) => regions.includes(e.region));
  if (groups.length === 0) throw new SynthError("groups", "at least one age group is needed");
  for (const g of groups) {
    if (!Number.isInteger(g.count) || g.count < 0 || !(g.minAge <= g.maxAge)) {
      throw new SynthError("groups", `group ${g.name}: need count ≥ 0 and minAge ≤ maxAge`);
    }
  }
  for (const e of effects) {
    if (!regions.includes(e.region)) {
      throw new SynthError("effects", `unknown region '${e.region}' (regions: ${regions.join(", ")})`);
    }
  }
  const first = (groups[0].minAge + groups[0].maxAge) / 2;
  const last = (groups[groups.length - 1].minAge + groups[groups.length - 1].maxAge) / 2;
  const span = last - first || 1;
  const total = groups.reduce((n, g) => n + g.count, 0);
  const digits = Math.max(2, String(total).length);
  const subjects: SyntheticSubject[] = [];
  let index = 0;
  for (const group of groups) {
    for (let k = 0; k < group.count; k++) {
      index++;
      const rng = new Rng(seed * 1_000_003 + index * 7_919);
      const age = Math.round(rng.uniform(group.minAge, group.maxAge) * 10) / 10;
      const sex = rng.float() < 0.5 ? "F" : "M";
      const geometry = drawGeometry(rng, variability);
      const ageEffect = regions.map((r) =>
        effects.filter((e) => e.region === r).reduce((s, e) => s + (e.deltaFA * (age - first)) / span, 0)
      );
      const faShift = ageEffect.map((a) => a + clip(rng.normal(0, faJitter), 3 * faJitter));
      subjects.push({
        id: `sim${String(index).padStart(digits, "0")}`,
        age,
        group: group.name,
        sex,
        geometry,
        faShift,
        ageEffect,
      });
    }
  }
  return subjects;
}

function clip(v: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, v));
}

function drawGeometry(rng: Rng, variability: number): SubjectGeometry {
  const v = variability;
  const scale = 1 + clip(rng.normal(0, 0.03 * v), 0.08 * v);
  const deg = Math.PI / 180;
  const [a, b, c] = [0, 1, 2].map(() => clip(rng.normal(0, 3 * deg * v), 6 * deg * v));
  const translation = [0, 1, 2].map(() => clip(rng.normal(0, 2 * v), 5 * v)) as [number, number, number];
  const deformation = [0, 1, 2].map(() => {
    const theta = Math.acos(rng.uniform(-1, 1));
    const phi = rng.uniform(0, 2 * Math.PI);
    const k = (2 * Math.PI) / rng.uniform(60, 120);
    return {
      amplitude: [0, 1, 2].map(() => clip(rng.normal(0, 1.5 * v), 3 * v)) as [number, number, number],
      wave: [
        k * Math.sin(theta) * Math.cos(phi),
        k * Math.sin(theta) * Math.sin(phi),
        k * Math.cos(theta),
      ] as [
        number,
        number,
        number,
      ],
      phase: rng.uniform(0, 2 * Math.PI),
    };
  });
  return { scale, rotation: rotationXYZ(a, b, c), translation, deformation };
}

/** Rotation Rz(c) · Ry(b) · Rx(a), row-major. */
function rotationXYZ(a: number, b: number, c: number): number[] {
  const [ca, sa, cb, sb, cc, sc] = [
    Math.cos(a),
    Math.sin(a),
    Math.cos(b),
    Math.sin(b),
    Math.cos(c),
    Math.sin(c),
  ];
  return [
    cc * cb,
    cc * sb * sa - sc * ca,
    cc * sb * ca + sc * sa,
    sc * cb,
    sc * sb * sa + cc * ca,
    sc * sb * ca - cc * sa,
    -sb,
    cb * sa,
    cb * ca,
  ];
}

/**
 * Map a subject-space point p (mm) to template space: u = Rᵀ(p − t)/s, then q = u + Σ a_k sin(w_k·u + φ_k).
 * Writes q into `out`.
 */
export function subjectToTemplate(geometry: SubjectGeometry, p: ArrayLike<number>, out: Float64Array): void {
  const { scale, rotation: r, translation: t } = geometry;
  const x = p[0] - t[0], y = p[1] - t[1], z = p[2] - t[2];
  const ux = (r[0] * x + r[3] * y + r[6] * z) / scale;
  const uy = (r[1] * x + r[4] * y + r[7] * z) / scale;
  const uz = (r[2] * x + r[5] * y + r[8] * z) / scale;
  let qx = ux, qy = uy, qz = uz;
  for (const d of geometry.deformation) {
    const s = Math.sin(d.wave[0] * ux + d.wave[1] * uy + d.wave[2] * uz + d.phase);
    qx += d.amplitude[0] * s;
    qy += d.amplitude[1] * s;
    qz += d.amplitude[2] * s;
  }
  out[0] = qx;
  out[1] = qy;
  out[2] = qz;
}
