/**
 * `deno task preprocess [--data DIR | --scale quick|default|paper [--seed N]] [--shard i/n] [--cache DIR]
 * [--fit wls|ols] [--maps md,ad,rd]`
 *
 * Fits the FA map of every acquisition of its share of the subjects into the shared FA cache (lib/study's
 * `preprocessCohort`): the preprocessing stage of a cluster run, one task of a Slurm array per `--shard`.
 * Each subject is claimed with a lock on the shared filesystem, so tasks never fight; a killed task loses
 * only the map it was fitting, and a rerun fits the rest. Without `--data`, the scale's simulated cohort
 * (simulated first when absent, as `reproduce` does). `--cache` defaults to `reproduce`'s FA cache
 * (`data/cache/<cohort folder name>`), so the grid finds the maps. `--maps md,ad,rd` caches those maps of the same fit beside each FA map.
 *
 * @module
 */
import type { Shard } from "../cluster/mod.ts";
import { ensureSimulatedCohort, preprocessCohort, type TensorMapName } from "../study/mod.ts";
import { formatDuration } from "../train/mod.ts";
import { cohortFlags, eachFlag, parseShardFlag, runTool, type Scale, type Usage, usageOf } from "./_args.ts";

interface Args {
  data?: string;
  scale: Scale;
  seed: number;
  shard?: Shard;
  cacheDir?: string;
  fitMethod: "ols" | "wls";
  maps: TensorMapName[];
}

const usage: Usage = usageOf(
  "preprocess",
  "usage: deno task preprocess [--data DIR | --scale quick|default|paper [--seed N]] [--shard i/n]\n" +
    "                            [--cache DIR] [--fit wls|ols] [--maps md,ad,rd]",
);

/** Parse preprocess's arguments; a bad one prints the usage and exits with 2. */
function parseArgs(argv: string[]): Args {
  const args: Args = { scale: "default", seed: 0, fitMethod: "wls", maps: [] };
  const cohort = cohortFlags(args, usage);
  eachFlag(argv, usage, (flag, value) => {
    if (cohort(flag, value)) return true;
    switch (flag) {
      case "--shard":
        args.shard = parseShardFlag(value(), usage);
        break;
      case "--cache":
        args.cacheDir = value();
        break;
      case "--fit": {
        const f = value();
        if (f !== "ols" && f !== "wls") usage(`--fit must be wls or ols, got "${f}"`);
        args.fitMethod = f;
        break;
      }
      case "--maps":
        for (const m of value().split(",").filter(Boolean)) {
          if (m !== "md" && m !== "ad" && m !== "rd") usage(`--maps takes md, ad and rd, got "${m}"`);
          if (!args.maps.includes(m)) args.maps.push(m);
        }
        break;
      default:
        return false;
    }
    return true;
  });
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const t0 = performance.now();
  const cohortDir = args.data ?? await ensureSimulatedCohort(args.scale, { seed: args.seed });
  const share = args.shard ? `shard ${args.shard.index}/${args.shard.count}` : "all subjects";
  console.log(`[preprocess] ${cohortDir}: ${share}, ${args.fitMethod.toUpperCase()} fit`);
  const { subjects, cacheDir, cohort } = await preprocessCohort(cohortDir, {
    shard: args.shard,
    fitMethod: args.fitMethod,
    cacheDir: args.cacheDir,
    maps: args.maps,
    onSubject: (r, done, total) =>
      console.log(
        `[preprocess] ${done}/${total} ${r.subject}: ${r.maps.length} map(s)` +
          `${r.refused.length ? `, ${r.refused.length} refused` : ""} in ${r.seconds.toFixed(1)} s`,
      ),
  });
  const maps = subjects.reduce((n, r) => n + r.maps.length, 0);
  const refused = subjects.reduce((n, r) => n + r.refused.length, 0);
  console.log(
    `[preprocess] ${subjects.length} of ${cohort.subjects.length} subjects (${maps} FA maps` +
      `${refused ? `, ${refused} acquisitions refused` : ""}) under ${cacheDir} in ${
        formatDuration((performance.now() - t0) / 1000)
      }`,
  );
}

if (import.meta.main) await runTool("preprocess", main);
