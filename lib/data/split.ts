/**
 * Train/validation/test splits. The default is by subject: all slices of a subject land on one side, with the
 * subjects of each group (stratum) divided in the requested fractions. The seed study's slice-level split is
 * kept as {@linkcode splitBySlice} only to show the leak it causes (98% validation vs 89–96% test accuracy).
 * {@linkcode splitByFold} is k-fold cross-validation over subjects: over its k folds every subject is tested
 * exactly once ({@linkcode subjectFolds}), so a held-out-subject accuracy is n right of all N subjects.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import { fnv1a32, Rng } from "../rng.ts";

/** What a split needs to know of each sample. */
export interface SplitMeta {
  /** Subject identifier (required by {@linkcode splitBySubject}). */
  subject?: string | number;
  /** Stratum, e.g. age group. */
  group?: string | number;
}

/** Fractions of the three sides; they must sum to 1. */
export interface SplitFractions {
  train: number;
  /** @default 0 */
  val?: number;
  /** @default 0 */
  test?: number;
}

/** Options of {@linkcode splitBySubject} and {@linkcode splitBySlice}. */
export interface SplitOptions {
  /** Fractions of subjects (by subject) or samples (by slice) per side. @default { train: 0.7, val: 0.15, test: 0.15 } */
  fractions?: SplitFractions;
  /** Seed of the shuffle inside each stratum. @default 0 */
  seed?: number;
  /** Stratify by `group` (each group split in the fractions) or not at all. @default "group" */
  stratifyBy?: "group" | "none";
}

/** Sample indices (ascending) of each side, and the subjects on each side. */
export interface Split {
  train: number[];
  val: number[];
  test: number[];
  /** Subjects on each side (a subject may appear on several sides only in a leaky split). */
  subjects: { train: string[]; val: string[]; test: string[] };
  /** True when slices of one subject may sit on two sides (slice-level split). */
  leaky: boolean;
}

/** Raised on impossible split options or inconsistent metadata; the message names the function and the problem. */
export class SplitError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "split"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "SplitError";
  }
}

const SIDES = ["train", "val", "test"] as const;
type Side = typeof SIDES[number];

function fractionsOf(where: string, f: SplitFractions): [number, number, number] {
  const out: [number, number, number] = [f.train, f.val ?? 0, f.test ?? 0];
  if (out.some((v) => !(v >= 0)) || Math.abs(out[0] + out[1] + out[2] - 1) > 1e-9) {
    throw new SplitError(`${where}: fractions must be ≥ 0 and sum to 1, got ${JSON.stringify(f)}`);
  }
  return out;
}

/**
 * Counts per side for n items: ⌊n·f⌋ each, then the remaining items go to the sides with the largest
 * remainders n·f − ⌊n·f⌋ (ties to the earlier side: train, val, test).
 */
function allocate(n: number, fractions: [number, number, number]): [number, number, number] {
  const exact = fractions.map((f) => n * f);
  const counts = exact.map(Math.floor) as [number, number, number];
  let left = n - counts[0] - counts[1] - counts[2];
  const order = [0, 1, 2].sort((a, b) => (exact[b] - counts[b]) - (exact[a] - counts[a]) || a - b);
  for (const k of order) {
    if (left <= 0) break;
    if (fractions[k] > 0) {
      counts[k]++;
      left--;
    }
  }
  return counts;
}

/** Split `items` of each stratum into sides; returns side index per item key. */
function assign<K>(strata: Map<string, K[]>, fractions: [number, number, number], rng: Rng): Map<K, number> {
  const side = new Map<K, number>();
  // Strata in sorted order so the result does not depend on the order samples were listed in.
  for (const key of [...strata.keys()].sort()) {
    const items = rng.shuffle([...strata.get(key)!]);
    const [nTrain, nVal] = allocate(items.length, fractions);
    items.forEach((item, i) => side.set(item, i < nTrain ? 0 : i < nTrain + nVal ? 1 : 2));
  }
  return side;
}

function collect(samples: ArrayLike<SplitMeta>, sideOf: (i: number) => number, leaky: boolean): Split {
  const split: Split = { train: [], val: [], test: [], subjects: { train: [], val: [], test: [] }, leaky };
  const seen: Set<string>[] = [new Set(), new Set(), new Set()];
  for (let i = 0; i < samples.length; i++) {
    const k = sideOf(i);
    const name: Side = SIDES[k];
    split[name].push(i);
    const subject = samples[i].subject;
    if (subject !== undefined && !seen[k].has(String(subject))) {
      seen[k].add(String(subject));
      split.subjects[name].push(String(subject));
    }
  }
  for (const name of SIDES) split.subjects[name].sort();
  return split;
}

/**
 * Split samples by subject: the subjects of each group are shuffled (seeded) and divided in the given
 * fractions (largest-remainder rounding per group), then every sample follows its subject. No subject is on
 * two sides. Every sample needs a `subject`, and all samples of one subject must share a `group` when
 * stratifying.
 *
 * @example
 * const split = splitBySubject(metas, { fractions: { train: 0.7, val: 0.15, test: 0.15 }, seed: 1 });
 * const trainSet = subset(all, split.train);
 */
export function splitBySubject(samples: ArrayLike<SplitMeta>, options: SplitOptions = {}): Split {
  const { fractions = { train: 0.7, val: 0.15, test: 0.15 }, seed = 0, stratifyBy = "group" } = options;
  const f = fractionsOf("splitBySubject", fractions);
  const strata = subjectStrata("splitBySubject", samples, stratifyBy);
  const side = assign(strata, f, new Rng(seed));
  return collect(samples, (i) => side.get(String(samples[i].subject))!, false);
}

/**
 * The subjects of each stratum (sorted), strata keyed by group ("" without stratifying); every sample needs a
 * `subject`, and all samples of a subject one group.
 */
function subjectStrata(
  where: string,
  samples: ArrayLike<SplitMeta>,
  stratifyBy: "group" | "none",
): Map<string, string[]> {
  const groupOf = new Map<string, string>();
  for (let i = 0; i < samples.length; i++) {
    const { subject, group } = samples[i];
    if (subject === undefined) throw new SplitError(`${where}: sample ${i} has no subject`);
    const key = String(subject);
    const g = stratifyBy === "group" ? String(group ?? "") : "";
    const known = groupOf.get(key);
    if (known !== undefined && known !== g) {
      throw new SplitError(`${where}: subject ${key} is in groups "${known}" and "${g}" (sample ${i})`);
    }
    groupOf.set(key, g);
  }
  const strata = new Map<string, string[]>();
  for (const [subject, g] of groupOf) {
    if (!strata.has(g)) strata.set(g, []);
    strata.get(g)!.push(subject);
  }
  for (const list of strata.values()) list.sort();
  return strata;
}

/** Options of {@linkcode subjectFolds}. */
export interface FoldOptions {
  /** Number of folds k (≥ 2, at most the number of subjects). */
  folds: number;
  /** Seed of the shuffle inside each stratum: another seed, another partition. @default 0 */
  seed?: number;
  /** Stratify by `group` (each group dealt over the folds) or not at all. @default "group" */
  stratifyBy?: "group" | "none";
}

/** Options of {@linkcode splitByFold}: the partition's, the fold, and the fractions of the plain split. */
export interface FoldSplitOptions extends FoldOptions {
  /** Which fold's subjects are tested, 0 ≤ fold < folds. */
  fold: number;
  /**
   * The plain split's fractions: each group gives validation as many subjects as {@linkcode splitBySubject}
   * would (`val` of the group's subjects, largest-remainder rounding), from its subjects outside the fold.
   * @default { train: 0.7, val: 0.15, test: 0.15 }
   */
  fractions?: SplitFractions;
}

/**
 * Partition the subjects into k folds for cross-validation: the subjects of each group (in sorted group
 * order) are shuffled (seeded) and dealt to the folds in turn, the deal running on from one group to the
 * next (position p of the concatenated groups goes to fold p mod k, as scikit-learn's StratifiedKFold
 * deals). So the folds are disjoint, cover every subject exactly once, each holds ⌊n_g/k⌋ or ⌈n_g/k⌉ of
 * group g, and their sizes differ by at most one. 26 subjects (14 old, 12 young), k = 6: folds of 5, 5, 4, 4,
 * 4, 4 subjects, each with 2–3 old and 2 young.
 *
 * @returns the test subjects of each fold, each list sorted.
 * @throws {SplitError} when k is not an integer ≥ 2 or exceeds the number of subjects.
 *
 * @example
 * const folds = subjectFolds(metas, { folds: 6, seed: 0 }); // folds[f]: the subjects fold f tests
 */
export function subjectFolds(samples: ArrayLike<SplitMeta>, options: FoldOptions): string[][] {
  const { folds: k, seed = 0, stratifyBy = "group" } = options;
  const strata = subjectStrata("subjectFolds", samples, stratifyBy);
  const total = [...strata.values()].reduce((n, list) => n + list.length, 0);
  if (!Number.isInteger(k) || k < 2 || k > total) {
    throw new SplitError(`subjectFolds: folds must be an integer from 2 to the ${total} subjects, got ${k}`);
  }
  const rng = new Rng(seed);
  const out: string[][] = Array.from({ length: k }, () => []);
  let p = 0;
  for (const key of [...strata.keys()].sort()) {
    for (const subject of rng.shuffle([...strata.get(key)!])) out[p++ % k].push(subject);
  }
  for (const list of out) list.sort();
  return out;
}

/**
 * Fold `fold` of a k-fold cross-validation over subjects: its test subjects are those
 * {@linkcode subjectFolds} deals to it; from each group's other subjects, shuffled by a stream of the seed
 * and the fold, as many as the plain split would take for validation (see `fractions`); the rest train.
 * Over the k folds every subject is tested once; no subject is on two sides of one fold's split.
 *
 * @throws {SplitError} on a fold outside 0..k−1, or when a group's subjects outside the fold leave none to
 *   train on after validation.
 *
 * @example
 * const split = splitByFold(metas, { folds: 6, fold: 2, seed: 0 });
 */
export function splitByFold(samples: ArrayLike<SplitMeta>, options: FoldSplitOptions): Split {
  const { fold, seed = 0, stratifyBy = "group", fractions = { train: 0.7, val: 0.15, test: 0.15 } } = options;
  const f = fractionsOf("splitByFold", fractions);
  const folds = subjectFolds(samples, options);
  if (!Number.isInteger(fold) || fold < 0 || fold >= folds.length) {
    throw new SplitError(`splitByFold: fold must be an integer from 0 to ${folds.length - 1}, got ${fold}`);
  }
  const tested = new Set(folds[fold]);
  const strata = subjectStrata("splitByFold", samples, stratifyBy);
  const side = new Map<string, number>();
  // Its own stream, so that the fold's validation subjects do not depend on the other folds' draws.
  const rng = new Rng(fnv1a32(`${seed}:fold-validation:${fold}`));
  for (const key of [...strata.keys()].sort()) {
    const all = strata.get(key)!;
    const [, nVal] = allocate(all.length, f);
    const rest = rng.shuffle(all.filter((s) => !tested.has(s)));
    if (rest.length <= nVal) {
      throw new SplitError(
        `splitByFold: group "${key}" has ${rest.length} subject(s) outside fold ${fold}, too few for ` +
          `${nVal} validation and at least one training subject`,
      );
    }
    rest.forEach((s, i) => side.set(s, i < nVal ? 1 : 0));
    for (const s of all) if (tested.has(s)) side.set(s, 2);
  }
  return collect(samples, (i) => side.get(String(samples[i].subject))!, false);
}

/**
 * Split samples one by one (the seed study's split), stratified by group.
 *
 * **Warning: leaky.** Slices of one subject (and of one acquisition) land on several sides, so validation
 * accuracy measures recognition of seen subjects rather than generalisation. Use {@linkcode splitBySubject};
 * this exists only to reproduce and show the difference. The result has `leaky: true`.
 *
 * @example
 * const leaky = splitBySlice(metas, { seed: 1 });
 * subjectOverlap(leaky); // subjects on two sides
 */
export function splitBySlice(samples: ArrayLike<SplitMeta>, options: SplitOptions = {}): Split {
  const { fractions = { train: 0.7, val: 0.15, test: 0.15 }, seed = 0, stratifyBy = "group" } = options;
  const f = fractionsOf("splitBySlice", fractions);
  const strata = new Map<string, number[]>();
  for (let i = 0; i < samples.length; i++) {
    const g = stratifyBy === "group" ? String(samples[i].group ?? "") : "";
    if (!strata.has(g)) strata.set(g, []);
    strata.get(g)!.push(i);
  }
  const side = assign(strata, f, new Rng(seed));
  return collect(samples, (i) => side.get(i)!, true);
}

/** Subjects that appear on more than one side of a split (empty for {@linkcode splitBySubject}). */
export function subjectOverlap(split: Split): string[] {
  const count = new Map<string, number>();
  for (const name of SIDES) for (const s of split.subjects[name]) count.set(s, (count.get(s) ?? 0) + 1);
  return [...count].filter(([, n]) => n > 1).map(([s]) => s).sort();
}
