/** The localization tests' chance oracle, straight from a simulated cohort's truth files. */
import { loadCohort } from "../../lib/data/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";

/** |planted regions ∩ brain mask| / |brain mask| of one subject, read from `<subject>/truth/`. */
export async function brainChance(cohortDir: string, subject: string): Promise<number> {
  const s = (await loadCohort(cohortDir)).subjects.find((x) => x.id === subject);
  if (!s?.maps?.brain_mask) throw new Error(`${cohortDir}: ${subject} has no truth/brain_mask`);
  const brain = (await readNifti(s.maps.brain_mask)).data;
  const regions = await Promise.all(Object.values(s.truth ?? {}).map((p) => readNifti(p)));
  let inBrain = 0, inRegions = 0;
  for (let i = 0; i < brain.length; i++) {
    if (!Number(brain[i])) continue;
    inBrain++;
    if (regions.some((r) => Number(r.data[i]) > 0)) inRegions++;
  }
  return inRegions / inBrain;
}
