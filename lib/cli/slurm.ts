/**
 * `deno task slurm --grid NAME|FILE.json [--data DIR | --scale quick|default|paper] [--partition P] [--time T]
 * [--gpus N] [--tasks N] [--preprocess-tasks N] [--cpus N] [--mem M] [--module NAME]... [--deno-dir DIR]
 * [--sbatch OPTION]... [--maps md,ad,rd] [--submit] [--out DIR] [-- REPRODUCE FLAGS]`
 *
 * Writes the `sbatch` scripts of preprocess → grid → collect (lib/cluster's `slurmPipeline`) under
 * `experiments/slurm/<grid>/` (or `--out DIR`) and, with `--submit`, submits them with `--dependency=afterok` between the
 * stages, printing the job ids. Defaults: one grid task per cell and one preprocess task per subject (at most
 * 1,000 each: Slurm's default MaxArraySize is 1,001), `DENO_DIR` from the environment. Flags after `--` go
 * to every `reproduce` (e.g. `-- --root /lab/runs --epochs 2`). The project folder must be on storage every
 * node sees: the tasks run there.
 *
 * @module
 */
import { slurmPipeline, submitPipeline } from "../cluster/mod.ts";
import { CohortError, loadCohort } from "../data/mod.ts";
import { loadStudyGrid, simulatedCohortShape } from "../study/mod.ts";
import { cohortFlags, eachFlag, parseCount, runTool, type Scale, type Usage, usageOf } from "./_args.ts";

interface Args {
  grid?: string;
  data?: string;
  scale: Scale;
  seed?: number;
  partition?: string;
  time?: string;
  gpus: number;
  tasks?: number;
  preprocessTasks?: number;
  cpus?: number;
  mem?: string;
  modules: string[];
  denoDir?: string;
  sbatch: string[];
  submit: boolean;
  out?: string;
  maps?: string;
  reproduce: string[];
}

/** Slurm's default MaxArraySize is 1001: array indices 0–1000. */
const MAX_TASKS = 1000;

const usage: Usage = usageOf(
  "slurm",
  "usage: deno task slurm --grid NAME|FILE.json [--data DIR | --scale quick|default|paper [--seed N]]\n" +
    "                       [--partition P] [--time T] [--gpus N] [--tasks N] [--preprocess-tasks N]\n" +
    "                       [--cpus N] [--mem M] [--module NAME]... [--deno-dir DIR] [--sbatch OPTION]...\n" +
    "                       [--maps md,ad,rd] [--submit] [--out DIR] [-- REPRODUCE FLAGS]",
);

/** Parse slurm's arguments; a bad one prints the usage and exits with 2. */
function parseArgs(argv: string[]): Args {
  const args: Args = { scale: "default", gpus: 0, modules: [], sbatch: [], submit: false, reproduce: [] };
  const cohort = cohortFlags(args, usage);
  args.reproduce = eachFlag(argv, usage, (flag, value) => {
    if (cohort(flag, value)) return true;
    switch (flag) {
      case "--grid":
        args.grid = value();
        break;
      case "--partition":
        args.partition = value();
        break;
      case "--time":
        args.time = value();
        break;
      case "--gpus":
        args.gpus = parseCount(flag, value(), usage, { min: 0 });
        break;
      case "--tasks":
        args.tasks = parseCount(flag, value(), usage);
        break;
      case "--preprocess-tasks":
        args.preprocessTasks = parseCount(flag, value(), usage);
        break;
      case "--cpus":
        args.cpus = parseCount(flag, value(), usage);
        break;
      case "--mem":
        args.mem = value();
        break;
      case "--module":
        args.modules.push(value());
        break;
      case "--deno-dir":
        args.denoDir = value();
        break;
      case "--sbatch":
        args.sbatch.push(value());
        break;
      case "--submit":
        args.submit = true;
        break;
      case "--out":
        args.out = value();
        break;
      case "--maps":
        args.maps = value();
        break;
      default:
        return false;
    }
    return true;
  }, { rest: true });
  if (!args.grid) usage("--grid is required");
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const gridPath = args.grid!.endsWith(".json") ? await Deno.realPath(args.grid!) : args.grid!;
  const { config, cells } = await loadStudyGrid(
    gridPath.endsWith(".json") ? gridPath : `experiments/configs/${gridPath}.json`,
  );
  let subjects: number;
  let cohortArgs: string[];
  if (args.data) {
    const data = await Deno.realPath(args.data).catch(() => usage(`--data ${args.data}: no such folder`));
    try {
      subjects = (await loadCohort(data, { check: "none" })).subjects.length;
    } catch (e) {
      if (e instanceof CohortError) usage(`--data ${args.data}: ${e.message}`);
      throw e;
    }
    cohortArgs = ["--data", data];
  } else {
    subjects = simulatedCohortShape(args.scale).subjects.length;
    cohortArgs = ["--scale", args.scale, ...(args.seed !== undefined ? ["--seed", String(args.seed)] : [])];
  }
  const gridTasks = Math.min(args.tasks ?? cells.length, cells.length, MAX_TASKS);
  const preprocessTasks = Math.min(args.preprocessTasks ?? subjects, subjects, MAX_TASKS);
  const denoDir = args.denoDir ?? Deno.env.get("DENO_DIR");
  const workdir = Deno.cwd();
  const dir = args.out ?? `experiments/slurm/${config.name}`;
  const pipeline = slurmPipeline({
    workdir,
    grid: gridPath,
    preprocessTasks,
    gridTasks,
    cohortArgs,
    reproduceArgs: args.reproduce,
    preprocessArgs: args.maps ? ["--maps", args.maps] : [],
    partition: args.partition,
    time: args.time,
    gpus: args.gpus,
    cpusPerTask: args.cpus,
    mem: args.mem,
    modules: args.modules,
    denoDir,
    logDir: `${dir.startsWith("/") ? dir : `${workdir}/${dir}`}/logs`,
    sbatchOptions: args.sbatch,
  });
  const { scripts, jobs } = await submitPipeline(dir, pipeline, { submit: args.submit });
  console.log(
    `[slurm] grid ${config.name}: ${cells.length} cells on ${gridTasks} task(s)` +
      `${args.gpus ? ` of ${args.gpus} GPU(s)` : ""}, ${subjects} subjects on ${preprocessTasks} ` +
      `preprocess task(s); logs in ${pipeline.logDir}`,
  );
  if (!denoDir) {
    console.log("[slurm] DENO_DIR is not set: nodes without network need it on shared storage (--deno-dir)");
  }
  for (const stage of ["preprocess", "grid", "collect"] as const) {
    console.log(`[slurm] ${stage}: ${scripts[stage]}${jobs ? ` submitted as job ${jobs[stage]}` : ""}`);
  }
  if (!jobs) {
    console.log(`[slurm] not submitted: add --submit, or sbatch them in order with --dependency=afterok`);
  }
}

if (import.meta.main) await runTool("slurm", main);
