/** The toy-scale study the end-to-end cell tests share: a 20³ quick-preset cohort in a temp folder. */
import { initBackend } from "../../lib/backend/mod.ts";
import { COHORT_PRESETS, studyRunner } from "../../lib/study/mod.ts";
import { simulateCohort } from "../../lib/synth/mod.ts";

/** A temp folder, a 20³ cohort of the quick preset (12 directions) in it, and a quiet study runner over it. */
export async function toyStudy(): Promise<{
  root: string;
  cohort: Awaited<ReturnType<typeof simulateCohort>>;
  runner: ReturnType<typeof studyRunner>;
}> {
  await initBackend();
  const root = await Deno.makeTempDir();
  const cohort = await simulateCohort(`${root}/cohort`, {
    ...COHORT_PRESETS.quick,
    shape: 20,
    directions: 12,
  });
  const runner = studyRunner({ cohortDir: cohort.dir, cacheDir: `${root}/cache`, progress: false });
  return { root, cohort, runner };
}
