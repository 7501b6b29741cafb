/**
 * The classical comparator of the age study: each subject's mean FA in the truth regions (the regions where
 * the simulator planted the age effect, or the masks a real cohort gives under `<subject>/truth/`), and a
 * logistic regression on those means — the region-of-interest analysis an imaging researcher would run
 * first, told where to look. On a k-fold partition it tests the same subjects as the nets' fold cells, so its
 * rows pool and pair with theirs in lib/study's `foldSummary` and `foldComparisons` (exact McNemar).
 *
 * What it answers: how many held-out subjects a classifier that knows the planted regions gets right from
 * the fitted FA. Where the nets already match it, "more subjects right than the small nets" cannot be shown
 * on that cohort by any net; the misses are then in the data (subjects near the age boundary whose planted
 * effect is within the noise), not in the nets.
 *
 * @module
 */
import { CohortError, splitByFold } from "../data/mod.ts";
import { readNifti } from "../nifti/mod.ts";
import type { CohortSlices } from "./cohort_slices.ts";
import { type CohortCell, cohortSlices } from "./cohort_cell.ts";
import { fitLogistic, sigmoid } from "./_logistic.ts";
import { subjectAuc, thresholdCalls } from "./_cell_scoring.ts";

/** One subject's region-FA features. */
export interface RegionFeatures {
  /** Subject id (its folder name). */
  subject: string;
  /** Age group name. */
  group: string;
  /** Index of the group in the cohort's group order (the nets' label). */
  label: number;
  /** Mean FA in each region (the `regions` order), averaged over the subject's acquisitions in use. */
  features: number[];
}

/** Options of {@linkcode regionFaFeatures}. */
export interface RegionFeatureOptions {
  /** Regions to average FA in (names of `<subject>/truth/` masks). @default every truth region */
  regions?: readonly string[];
}

/**
 * Mean FA in each truth region for every subject of a prepared cohort (its FA maps, as the nets' slices were
 * cut from them): feature_r = (1/A) Σ_a mean_{v ∈ R_r} FA_a(v) over the A acquisitions in use.
 *
 * @throws {CohortError} naming the file, when a subject lacks a region mask, or a mask is empty or on another
 *   grid than its FA map.
 *
 * @example
 * const { regions, subjects } = await regionFaFeatures(await prepareCohortSlices("data/synth/default-s0"));
 */
export async function regionFaFeatures(
  data: Pick<CohortSlices, "cohort" | "faPaths" | "groups">,
  options: RegionFeatureOptions = {},
): Promise<{ regions: string[]; subjects: RegionFeatures[] }> {
  const subjects = data.cohort.subjects.filter((s) => data.faPaths[s.id]);
  const regions = [
    // loadCohort keeps the truth maps (fa, md, brain_mask) in `maps`: `truth` holds only region masks.
    ...(options.regions ?? Object.keys(subjects[0]?.truth ?? {}).sort()),
  ];
  if (!regions.length) {
    throw new CohortError(data.cohort.root, "regionFaFeatures: its subjects have no truth region masks");
  }
  const out: RegionFeatures[] = [];
  for (const s of subjects) {
    const masks = await Promise.all(regions.map((r) => {
      const path = s.truth?.[r];
      if (!path) {
        throw new CohortError(`${data.cohort.root}/${s.id}/truth`, `regionFaFeatures: no mask "${r}"`);
      }
      return readNifti(path);
    }));
    const sums = new Array(regions.length).fill(0);
    const faPaths = Object.values(data.faPaths[s.id]);
    for (const faPath of faPaths) {
      const fa = (await readNifti(faPath)).data;
      masks.forEach((m, r) => {
        if (m.data.length !== fa.length) {
          throw new CohortError(
            m.file ?? s.id,
            `${m.data.length} voxels, its FA map ${faPath} has ${fa.length}`,
          );
        }
        let sum = 0, n = 0;
        for (let v = 0; v < fa.length; v++) if (Number(m.data[v]) > 0) sum += Number(fa[v]), n++;
        if (!n) throw new CohortError(m.file ?? s.id, "empty region mask");
        sums[r] += sum / n;
      });
    }
    out.push({
      subject: s.id,
      group: s.group,
      label: data.groups.indexOf(s.group),
      features: sums.map((v) => v / faPaths.length),
    });
  }
  return { regions, subjects: out };
}

/** Options of {@linkcode regionBaselineRows}. */
export interface RegionBaselineOptions {
  /** k of the subject k-fold partition (lib/data's `subjectFolds`). */
  folds: number;
  /** Seed of the partition: the nets' cell seed, so both test the same subjects. @default 0 */
  seed?: number;
  /** Ridge penalty λ of the logistic regression on z-scored features. @default 1 */
  lambda?: number;
  /** Columns copied into every row (e.g. `dataset`, `scale`, `grid`) so they pair with the nets' rows. @default {} */
  columns?: Record<string, unknown>;
  /** The `model` column (its run's name in the pooled tables). @default "region-fa" */
  model?: string;
}

/**
 * The region-FA baseline over a k-fold partition: for fold f, z-score the features with the mean and SD of
 * the subjects outside fold f (lib/data's `splitByFold` training and validation subjects together; an SD of 0
 * counts as 1), fit
 * P(old | x) = σ(b + w·z) by L2-penalised logistic regression (λ/2 ‖w‖², scikit-learn's objective with
 * C = 1/λ), and call a test subject the second group when P ≥ 0.5. One row per fold, in the nets' fold-row
 * shape: `model` "region-fa", `pooling` "logistic", `split` "subject", `augmentation` "seed" (so that its
 * label is `region-fa-logistic (subject)`), `seed`, `folds`, `fold`, `subjects_right` / `subjects_wrong`
 * (ids), `test_subjects`, `subject_accuracy`, `subject_chance_accuracy` (the fold's larger group),
 * `subject_auc` (over the fold's subjects), the fitted `weights`
 * (JSON, per z-scored region), `regions` and `lambda`. It has no slices: `n_test`, `test_accuracy`,
 * `test_positives` and `test_auc` are null, so the pooled slice columns of `foldSummary` stay empty for it.
 *
 * @throws {CohortError} unless there are exactly two groups (labels 0 and 1).
 * @throws {StatsError} for λ that is not a positive number, or a fit that does not converge.
 *
 * @example
 * const rows = regionBaselineRows(await regionFaFeatures(data), { folds: 6, seed: 0 });
 */
export function regionBaselineRows(
  features: { regions: string[]; subjects: RegionFeatures[] },
  options: RegionBaselineOptions,
): Record<string, unknown>[] {
  const { folds, seed = 0, lambda = 1, columns = {}, model: name = "region-fa" } = options;
  const subjects = features.subjects;
  const labels = new Set(subjects.map((s) => s.label));
  if (labels.size !== 2 || !labels.has(0) || !labels.has(1)) {
    throw new CohortError(
      "regionBaselineRows",
      `the baseline separates two groups (labels 0 and 1), got labels ${[...labels].sort().join(", ")}`,
    );
  }
  const metas = subjects.map((s) => ({ subject: s.subject, group: s.group }));
  const rows: Record<string, unknown>[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const split = splitByFold(metas, { folds, fold, seed });
    const fit = [...split.train, ...split.val].map((i) => subjects[i]);
    const test = split.test.map((i) => subjects[i]);
    const d = features.regions.length;
    const mean = Array.from({ length: d }, (_, r) => fit.reduce((a, s) => a + s.features[r], 0) / fit.length);
    const sd = Array.from(
      { length: d },
      (_, r) =>
        Math.sqrt(
          fit.reduce((a, s) => a + (s.features[r] - mean[r]) ** 2, 0) / Math.max(1, fit.length - 1),
        ) || 1,
    );
    const z = (s: RegionFeatures) => s.features.map((v, r) => (v - mean[r]) / sd[r]);
    const model = fitLogistic(fit.map(z), fit.map((s) => (s.label === 1 ? 1 : 0)), { lambda });
    const p = test.map((s) => sigmoid(z(s).reduce((a, v, r) => a + v * model.weights[r], model.intercept)));
    // P is each test subject's score: the nets' subject helpers call and rank it as a mean probability.
    const scores = new Map(test.map((s, k) => [s.subject, { label: s.label, mean: p[k] }]));
    const calls = thresholdCalls(scores, 0.5);
    const positives = test.filter((s) => s.label === 1).length;
    rows.push({
      ...columns,
      model: name,
      pooling: "logistic",
      split: "subject",
      augmentation: "seed",
      seed,
      folds,
      fold,
      unit: "subject",
      regions: features.regions.join(" "),
      lambda,
      weights: JSON.stringify(model.weights.map((w) => Number(w.toPrecision(6)))),
      n_train: fit.length,
      n_test: null,
      test_subjects: test.length,
      test_positives: null,
      test_accuracy: null,
      subject_accuracy: test.length ? calls.right / test.length : null,
      subject_chance_accuracy: test.length
        ? Math.max(positives, test.length - positives) / test.length
        : null,
      test_auc: null,
      subject_auc: subjectAuc(scores),
      subjects_right: calls.rightIds.join(" "),
      subjects_wrong: calls.wrongIds.join(" "),
    });
  }
  return rows;
}

/** Options of {@linkcode foldBaselineRows}. */
export interface FoldBaselineOptions {
  /** FA cache folder (as the cells were given). @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Ridge penalty λ. @default 1 */
  lambda?: number;
}

/**
 * The region-FA baseline ({@linkcode regionBaselineRows}) for every k-fold partition that `cells` test: one
 * run per distinct (scale, seed, k, acquisitions, subjects, cohort) among the cohort fold cells, on the FA
 * maps those cells read (prepared once per process, as lib/study's `cohortSlices` caches them). Its rows carry
 * the cells' `dataset` and `scale` and `grid: null`, so that the nets of every grid on that partition pair
 * with one baseline; its `model` is `region-fa`, with `-<n>acq` for the cells' `maxAcquisitions` and
 * `-<n>subj` for their `maxSubjects` (label e.g. `region-fa-2acq-logistic (subject)`). Cells that are not
 * cohort fold cells are ignored; none gives no rows.
 *
 * @throws {CohortError} as {@linkcode regionFaFeatures} (no truth masks: a real cohort without them).
 *
 * @example
 * const baseline = await foldBaselineRows(cells, "data/synth/default-s0");
 */
export async function foldBaselineRows(
  cells: readonly { dataset: string }[],
  cohortDir: string,
  options: FoldBaselineOptions = {},
): Promise<Record<string, unknown>[]> {
  const runs = new Map<string, CohortCell>();
  for (const c of cells) {
    if (c.dataset !== "cohort") continue;
    const cell = c as CohortCell;
    if (cell.folds === undefined) continue;
    const { maxAcquisitions, maxSubjects, cohort } = cell.data;
    const key = JSON.stringify([cell.scale, cell.seed, cell.folds, maxAcquisitions, maxSubjects, cohort]);
    if (!runs.has(key)) runs.set(key, cell);
  }
  const rows: Record<string, unknown>[] = [];
  for (const cell of runs.values()) {
    const data = await cohortSlices(cohortDir, {
      imageSize: cell.imageSize,
      maxAcquisitions: cell.data.maxAcquisitions,
      maxSubjects: cell.data.maxSubjects,
      cacheDir: options.cacheDir,
    });
    const { maxAcquisitions: acquisitions, maxSubjects: subjectCap } = cell.data;
    rows.push(...regionBaselineRows(await regionFaFeatures(data), {
      folds: cell.folds!,
      seed: cell.seed,
      lambda: options.lambda,
      // Runs on other acquisitions or subjects are other baselines: their names keep them apart.
      model: `region-fa${acquisitions ? `-${acquisitions}acq` : ""}${subjectCap ? `-${subjectCap}subj` : ""}`,
      columns: { grid: null, dataset: cell.dataset, scale: cell.scale },
    }));
  }
  return rows;
}
