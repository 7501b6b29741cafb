/**
 * Preprocessing a cohort as a stage of its own: the FA map of every subject and acquisition into the shared
 * FA cache (the same maps, records and paths {@linkcode prepareCohortSlices} uses, so a later `reproduce`
 * finds them), one share of the subjects per task of an array job.
 *
 * **Claims.** A subject is fitted only under its lock `<cacheDir>/<subject>/subject.lock` (lib/experiments's
 * lock: owner, host, heartbeat; a dead owner's lock is taken over), so tasks and runs sharing the cache never
 * fit one subject twice at once. A subject held by another live process is left to it and checked again after
 * the others (or returned in `held` with `wait: false`).
 *
 * **Killed.** Every map is written atomically with its checksum record (cohort_slices.ts), so a killed task
 * loses only the acquisition it was fitting; a rerun finds the finished maps in the cache and fits the rest.
 *
 * @module
 */
import type { Shard } from "../cluster/mod.ts";
import { shareOf } from "../cluster/mod.ts";
import { type Cohort, CohortError, type CohortProblem, loadCohort } from "../data/cohort.ts";
import { DmriError } from "../dmri/mod.ts";
import { type LockOptions, tryLock } from "../experiments/lock.ts";
import { acquisitionFa, defaultFaCacheDir, faCachePath, type TensorMapName } from "./cohort_slices.ts";

/** Options of {@linkcode preprocessCohort}. */
export interface PreprocessOptions {
  /** This task's share of the subjects (round robin over the cohort's order). @default all subjects */
  shard?: Shard;
  /** Tensor fit method. @default "wls" */
  fitMethod?: "ols" | "wls";
  /** The other maps to cache beside each FA map (cohort_slices.ts's `tensorMapPath`). @default none */
  maps?: readonly TensorMapName[];
  /** FA cache folder. @default "data/cache/<cohort folder name>" (as prepareCohortSlices) */
  cacheDir?: string;
  /** Wait for subjects other live processes hold, so that the share is complete on return. @default true */
  wait?: boolean;
  /** Seconds between checks of subjects held elsewhere. @default 2 */
  pollSeconds?: number;
  /** Heartbeat and staleness of the subject locks. @default lock.ts's defaults */
  lock?: LockOptions;
  /** Called after each subject of the share with what happened to it. */
  onSubject?: (report: SubjectReport, done: number, total: number) => void;
}

/** What preprocessing did to one subject. */
export interface SubjectReport {
  /** Subject id. */
  subject: string;
  /** Acquisitions whose FA map is in the cache now (fitted here, or found there). */
  maps: string[];
  /** Acquisitions refused for their gradient table or DWI (lib/dmri's DmriError), with the reason. */
  refused: CohortProblem[];
  /** Seconds this process spent on the subject. */
  seconds: number;
}

/** What {@linkcode preprocessCohort} did. */
export interface PreprocessResult {
  /** The cohort as indexed (all subjects, not only the share). */
  cohort: Cohort;
  /** The FA cache folder. */
  cacheDir: string;
  /** Subjects of the share, in order, that this call went through. */
  subjects: SubjectReport[];
  /** Subjects of the share left to other live processes (only with `wait: false`). */
  held: string[];
}

/**
 * Fit and cache the FA map (inside the brain mask, WLS by default) of every acquisition of this shard's
 * subjects. Maps already cached and intact are kept (their inputs checked as cohort_slices.ts does).
 *
 * @throws {CohortError} when the folder holds no usable subject.
 * @example
 * // task 2 of a 8-task array
 * await preprocessCohort("/data/hcp", { shard: { index: 2, count: 8 } });
 */
export async function preprocessCohort(
  root: string,
  options: PreprocessOptions = {},
): Promise<PreprocessResult> {
  const { wait = true, pollSeconds = 2 } = options;
  const fitMethod = options.fitMethod ?? "wls";
  const cacheDir = options.cacheDir ?? defaultFaCacheDir(root);
  let cohort: Cohort;
  try {
    cohort = await loadCohort(root, { minSubjects: 1 });
  } catch (e) {
    if (e instanceof CohortError) {
      for (const p of e.problems) console.warn(`[cohort] skipped ${p.subject}: ${p.path}: ${p.reason}`);
    }
    throw e;
  }
  const share = shareOf(cohort.subjects, options.shard);
  const reports: SubjectReport[] = [];
  let queue = share;
  let held: string[] = [];
  while (queue.length > 0) {
    const later: typeof queue = [];
    for (const s of queue) {
      await Deno.mkdir(`${cacheDir}/${s.id}`, { recursive: true });
      const lock = await tryLock(`${cacheDir}/${s.id}/subject.lock`, {
        ...options.lock,
        purpose: `preprocess ${s.id}`,
      });
      if (!lock) {
        later.push(s);
        continue;
      }
      const t0 = performance.now();
      const report: SubjectReport = { subject: s.id, maps: [], refused: [], seconds: 0 };
      try {
        for (const a of s.acquisitions) {
          try {
            await acquisitionFa(a, faCachePath(cacheDir, s.id, a.name, fitMethod), {
              fitMethod,
              lock: options.lock,
              maps: options.maps,
            });
            report.maps.push(a.name);
          } catch (e) {
            if (!(e instanceof DmriError)) throw e;
            console.warn(`[cohort] skipped ${s.id}/${a.name} (${a.dwiPath}): ${e.message}`);
            report.refused.push({
              subject: s.id,
              path: e.source,
              reason: `acquisition ${a.name}: ${e.reason}`,
            });
          }
        }
      } finally {
        await lock.release();
      }
      report.seconds = (performance.now() - t0) / 1000;
      reports.push(report);
      options.onSubject?.(report, reports.length, share.length);
    }
    if (later.length === 0 || !wait) {
      held = later.map((s) => s.id);
      break;
    }
    await new Promise((r) => setTimeout(r, pollSeconds * 1000));
    queue = later;
  }
  return { cohort, cacheDir, subjects: reports, held };
}
