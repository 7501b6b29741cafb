/**
 * Slurm: the study as three array jobs, preprocess → grid → collect, each stage starting only when every task
 * of the one before succeeded (`--dependency=afterok`).
 *
 * - **preprocess**: `deno task preprocess --shard $SLURM_ARRAY_TASK_ID/n` on `preprocessTasks` tasks, the FA
 *   maps of its share of the subjects into the shared FA cache;
 * - **grid**: `deno task reproduce --grid G --shard $SLURM_ARRAY_TASK_ID/n` on `gridTasks` tasks (with
 *   `gpus` GPUs each), its share of the cells;
 * - **collect**: `deno task reproduce --grid G --collect`, one task: the tables and charts.
 *
 * Items are claimed with locks on the shared filesystem (lib/experiments's lock.ts), so a task that Slurm
 * requeues, or a second submission, never runs an item twice at once; a killed task loses only its
 * unfinished item.
 *
 * **Site settings** (options here, flags of `deno task slurm`): the partition, the time limit, GPUs per grid
 * task, the `module load` lines a node needs, and `DENO_DIR` on shared storage: compute nodes usually have no
 * network, so run `deno install` once on a login node with the same `DENO_DIR` and every task finds the npm
 * packages there.
 *
 * @module
 */
import { ClusterError } from "./errors.ts";

/** The three stages, in order. */
export const STAGES = ["preprocess", "grid", "collect"] as const;

/** One of {@linkcode STAGES}. */
export type Stage = typeof STAGES[number];

/** Options of {@linkcode slurmPipeline}. */
export interface SlurmPipelineOptions {
  /** The project folder on shared storage (absolute): every task runs there. */
  workdir: string;
  /** The grid's name (`experiments/configs/<name>.json`) or a config file's path. */
  grid: string;
  /** Array tasks of the preprocess stage (at most the subjects). @default 1 */
  preprocessTasks?: number;
  /** Array tasks of the grid stage (at most the cells). @default 1 */
  gridTasks?: number;
  /** Flags given to both `preprocess` and `reproduce` that name the cohort: e.g. `["--data", "/lab/hcp"]`
   * or `["--scale", "quick"]`. @default [] */
  cohortArgs?: string[];
  /** More flags for `preprocess`, e.g. `["--maps", "md,ad,rd"]`. @default [] */
  preprocessArgs?: string[];
  /** More flags for `reproduce` (grid and collect), e.g. `["--root", "/lab/runs"]`. @default [] */
  reproduceArgs?: string[];
  /** `#SBATCH --partition`. @default the cluster's default partition */
  partition?: string;
  /** `#SBATCH --time` of every stage, e.g. "04:00:00". @default the partition's limit */
  time?: string;
  /** GPUs per grid task (`#SBATCH --gres=gpu:N`); 0: none. @default 0 */
  gpus?: number;
  /** `#SBATCH --cpus-per-task` of the preprocess and grid tasks. @default 2 */
  cpusPerTask?: number;
  /** `#SBATCH --mem` of the preprocess and grid tasks, e.g. "8G". @default the partition's */
  mem?: string;
  /** Modules to load on the node (`module load <name>`). @default [] */
  modules?: string[];
  /** `DENO_DIR` on shared storage (Deno's cache of npm packages). @default not set (Deno's default) */
  denoDir?: string;
  /** The deno executable on the nodes. @default "deno" */
  deno?: string;
  /** Where Slurm writes the tasks' output (`<stage>-%A_%a.out`). @default "<workdir>/experiments/slurm/logs" */
  logDir?: string;
  /** Job name prefix. @default "cam-dmri" */
  jobName?: string;
  /** More `#SBATCH` lines' options, e.g. `["--account=lab"]`. @default [] */
  sbatchOptions?: string[];
}

/** What {@linkcode slurmPipeline} makes. */
export interface SlurmPipeline {
  /** The batch script of each stage. */
  scripts: Record<Stage, string>;
  /** Array tasks of each stage (collect: 1). */
  tasks: Record<Stage, number>;
  /** Where the tasks' output goes (must exist before they start: {@linkcode submitPipeline} makes it). */
  logDir: string;
}

/** A word for bash: as it is when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function positive(name: string, n: number | undefined, fallback: number): number {
  const v = n ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new ClusterError(name, `must be a positive integer, got ${v}`);
  return v;
}

/**
 * The `sbatch` scripts of preprocess → grid → collect (see the module doc). Pure: writes nothing;
 * {@linkcode submitPipeline} writes and submits them.
 *
 * @throws {ClusterError} naming the option when a count is not a positive integer, or `workdir` is not absolute.
 * @example
 * const scripts = slurmPipeline({ workdir: "/lab/cam-dmri", grid: "paper", gridTasks: 36, gpus: 1,
 *   cohortArgs: ["--data", "/lab/hcp"], partition: "gpu", time: "12:00:00" });
 */
export function slurmPipeline(options: SlurmPipelineOptions): SlurmPipeline {
  if (!options.workdir.startsWith("/")) {
    throw new ClusterError("workdir", `must be an absolute path, got "${options.workdir}"`);
  }
  const tasks: Record<Stage, number> = {
    preprocess: positive("preprocessTasks", options.preprocessTasks, 1),
    grid: positive("gridTasks", options.gridTasks, 1),
    collect: 1,
  };
  const gpus = options.gpus ?? 0;
  if (!Number.isInteger(gpus) || gpus < 0) {
    throw new ClusterError("gpus", `must be an integer ≥ 0, got ${gpus}`);
  }
  const cpus = positive("cpusPerTask", options.cpusPerTask, 2);
  const logDir = options.logDir ?? `${options.workdir}/experiments/slurm/logs`;
  const deno = options.deno ?? "deno";
  const cohort = options.cohortArgs ?? [];
  const more = options.reproduceArgs ?? [];
  const commands: Record<Stage, string[]> = {
    preprocess: ["task", "preprocess", ...cohort, ...(options.preprocessArgs ?? [])],
    grid: ["task", "reproduce", ...cohort, "--grid", options.grid, ...more],
    collect: ["task", "reproduce", ...cohort, "--grid", options.grid, ...more, "--collect"],
  };
  const script = (stage: Stage): string => {
    const n = tasks[stage];
    const array = stage !== "collect";
    const head = [
      "#!/bin/bash",
      `#SBATCH --job-name=${options.jobName ?? "cam-dmri"}-${stage}`,
      ...(array ? [`#SBATCH --array=0-${n - 1}`] : []),
      `#SBATCH --output=${logDir}/${stage}-${array ? "%A_%a" : "%j"}.out`,
      "#SBATCH --ntasks=1",
      `#SBATCH --cpus-per-task=${stage === "collect" ? 1 : cpus}`,
      ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
      ...(options.time ? [`#SBATCH --time=${options.time}`] : []),
      ...(options.mem && stage !== "collect" ? [`#SBATCH --mem=${options.mem}`] : []),
      ...(stage === "grid" && gpus > 0 ? [`#SBATCH --gres=gpu:${gpus}`] : []),
      ...(options.sbatchOptions ?? []).map((o) => `#SBATCH ${o}`),
    ];
    const body = [
      "set -euo pipefail",
      `cd ${shellQuote(options.workdir)}`,
      ...(options.modules ?? []).map((m) => `module load ${shellQuote(m)}`),
      ...(options.denoDir ? [`export DENO_DIR=${shellQuote(options.denoDir)}`] : []),
      "export DENO_NO_UPDATE_CHECK=1",
      `echo "[slurm] ${stage} task \${SLURM_ARRAY_TASK_ID:-0} of job \${SLURM_JOB_ID} on $(hostname)"`,
      `exec ${shellQuote(deno)} ${commands[stage].map(shellQuote).join(" ")}` +
      (array ? ` --shard "\${SLURM_ARRAY_TASK_ID}/${n}"` : ""),
    ];
    return [...head, "", ...body, ""].join("\n");
  };
  return {
    scripts: { preprocess: script("preprocess"), grid: script("grid"), collect: script("collect") },
    tasks,
    logDir,
  };
}

/** Options of {@linkcode submitPipeline}. */
export interface SubmitOptions {
  /** Submit the scripts (else only write them). @default false */
  submit?: boolean;
  /** The sbatch command. @default "sbatch" */
  sbatch?: string;
  /** Environment for sbatch (e.g. `SLURM_CONF`). @default the process's */
  env?: Record<string, string>;
}

/**
 * Write the scripts to `<dir>/<stage>.sh` and their log folder, and, with `submit`, submit them in order with
 * `sbatch --parsable`, each stage `--dependency=afterok:<previous job>` (an array job's id: every task of
 * it must succeed).
 *
 * @returns the script paths and, when submitted, the job ids by stage.
 * @throws {ClusterError} naming sbatch and the script when a submission fails (with sbatch's message).
 */
export async function submitPipeline(
  dir: string,
  pipeline: SlurmPipeline,
  options: SubmitOptions = {},
): Promise<{ scripts: Record<Stage, string>; jobs?: Record<Stage, string> }> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.mkdir(pipeline.logDir, { recursive: true });
  const scripts = {} as Record<Stage, string>;
  for (const stage of STAGES) {
    scripts[stage] = `${dir}/${stage}.sh`;
    await Deno.writeTextFile(scripts[stage], pipeline.scripts[stage], { mode: 0o755 });
  }
  if (!options.submit) return { scripts };
  const jobs = {} as Record<Stage, string>;
  let previous: string | undefined;
  for (const stage of STAGES) {
    const sbatch = options.sbatch ?? "sbatch";
    const args = ["--parsable", ...(previous ? [`--dependency=afterok:${previous}`] : []), scripts[stage]];
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command(sbatch, { args, env: options.env, stdout: "piped", stderr: "piped" })
        .output();
    } catch (e) {
      throw new ClusterError(sbatch, `cannot run it (${(e as Error).message}); is Slurm installed here?`);
    }
    const text = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || !/^\d+/.test(text)) {
      throw new ClusterError(
        `${sbatch} ${scripts[stage]}`,
        `failed (exit ${out.code}): ${new TextDecoder().decode(out.stderr).trim() || text}`,
      );
    }
    // --parsable prints "<id>" or "<id>;<cluster>".
    previous = jobs[stage] = text.split(";")[0];
  }
  return { scripts, jobs };
}
