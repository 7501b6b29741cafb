/**
 * `deno task reproduce [--data PATH] [--scale quick|default|paper] [--grid NAME|FILE.json[,...]] [--seed N]
 * [--root DIR] [--dry-run] [--epochs N] [--max-subjects N] [--shard i/n | --collect]`
 *
 * The main job: from nothing to tables, charts and CAM overlays under `experiments/<grid>/`.
 * 1. picks the TensorFlow.js backend (`CAM_BACKEND` overrides);
 * 2. prints the plan (lib/study/plan.ts): the grids' cells, each distinct model's micro-batches and memory per
 *    step, its seconds per training step and per inference image measured here (1 warm-up step, then the
 *    median of 3 timed steps at its size and batch), the samples and steps of each cell, and the estimated
 *    total of the cells left to run (cells finished in an earlier run are counted apart, and their models
 *    not timed). `--dry-run` stops there (exit 0; nothing is simulated or written);
 * 3. simulates the cohort under `data/synth/<scale>-s<seed>/` of each scale whose cells read it (a grid's
 *    `scales`: `--grid transfer-quick` reads the quick cohort whatever `--scale` says; digits grids none), or
 *    uses `--data PATH`, a real HCP-style folder. Grids on `--data` or another `--seed` run under their own
 *    names (`quick.data-<folder>-<hash>`, `quick.seed1`: lib/study's `bindCohortSource`), so their tables
 *    never overwrite the default cohort's;
 * 4. runs the grids `experiments/configs/<grid>.json` (default: the scale's grids `<scale>*.json` and
 *    `digits-<scale>*.json`; `--grid` also takes a config file's path), skipping finished cells and
 *    resuming an interrupted one from its checkpoint;
 * 5. writes summaries (CSV + Arrow) and charts (SVG + PNG), and prints a summary table.
 *
 * Each cell's line carries the ETA of the whole run (lib/study's `estimateRemaining`: the plan's seconds of
 * the cells left, scaled by measured / planned of the cells run so far). `--root DIR` outside data/ and
 * experiments/ is refused before any work, with the `deno run` line that allows it (the task's permissions).
 *
 * Reduced runs: `--epochs N` sets every cell's epochs, `--max-subjects N` uses N of the cohort's subjects
 * (each age group keeping its share) in "cohort" cells. A grid they change is renamed
 * (`paper` → `paper.epochs2.subjects10`, lib/study's `reduceGrid`): its cells have other ids, its results
 * their own folder, and each manifest's config records the overrides, so a reduced run is never taken for
 * the full one; grids they do not change keep their ids.
 *
 * Several runs may share the folder (or a run may find one killed earlier): each cell is claimed with a lock
 * (lib/experiments/lock.ts), a cell another live run holds is left to it and waited for at the end, and a dead
 * run's cells are taken over. A damaged file (FA cache, checkpoint, manifest, table) is reported on one
 * `[integrity]` line naming it and rebuilt.
 *
 * Cluster runs: `--shard i/n` runs only task i's share of each grid's cells (no plan, no report: the tables
 * and charts come from `--collect`, which runs nothing and merges every finished cell into them, as a
 * one-process run writes them, then names the cells not finished and exits 1 if there are any).
 *
 * @module
 */
import { cpus } from "node:os";
import type { Shard } from "../cluster/mod.ts";
import { backendHeapLimit, describeBackend, initBackend } from "../backend/mod.ts";
import {
  type AnyGridCell,
  type CellRunner,
  collectGrid,
  concatTables,
  describeHolder,
  gitCommit,
  type GridConfig,
  type GridTables,
  rowsOf,
  runGrid,
  saveTable,
  type Table,
  tableFromRows,
  unfinishedCells,
} from "../experiments/mod.ts";
import { CohortError, loadCohort } from "../data/mod.ts";
import {
  accuracySummary,
  bindCohortSource,
  cellWorkload,
  type CohortShape,
  type CohortSource,
  defaultFaCacheDir,
  ensureSimulatedCohort,
  estimateRemaining,
  expandStudyGrid,
  foldBaselineRows,
  foldComparisons,
  foldLocalization,
  foldSliceComparisons,
  foldSummary,
  formatPlan,
  formatSpan,
  type GridOverrides,
  loadStudyGrid,
  localizationSummary,
  measureStep,
  type ModelWork,
  needsCohort,
  planStudy,
  reduceGrid,
  simulatedCohortShape,
  simulatesOwnCohort,
  type StepTiming,
  type StudyCell,
  studyFindings,
  type StudyPlan,
  studyRunner,
  workKey,
  type WorkMemory,
  workMemory,
  writeStudyReport,
} from "../study/mod.ts";
import { formatDuration } from "../train/mod.ts";
import {
  cohortFlags,
  eachFlag,
  isTypedError,
  parseCount,
  parseShardFlag,
  type Scale,
  type Usage,
  usageOf,
} from "./_args.ts";

interface Args {
  data?: string;
  scale: Scale;
  grid?: string;
  seed: number;
  root: string;
  dryRun: boolean;
  overrides: GridOverrides;
  shard?: Shard;
  collect?: boolean;
}

const usage: Usage = usageOf(
  "reproduce",
  "usage: deno task reproduce [--data PATH] [--scale quick|default|paper] [--grid NAME|FILE.json[,...]]\n" +
    "                           [--seed N] [--root DIR] [--dry-run] [--epochs N] [--max-subjects N]\n" +
    "                           [--shard i/n | --collect]",
);

/** Parse reproduce's arguments; a bad one prints the usage and exits with 2. */
function parseArgs(argv: string[]): Args {
  const args: Args = { scale: "default", seed: 0, root: "experiments", dryRun: false, overrides: {} };
  const cohort = cohortFlags(args, usage);
  eachFlag(argv, usage, (flag, value) => {
    if (cohort(flag, value)) return true;
    switch (flag) {
      case "--grid":
        args.grid = value();
        break;
      case "--root":
        args.root = value();
        break;
      case "--dry-run":
        args.dryRun = true;
        break;
      case "--epochs":
        args.overrides.epochs = parseCount(flag, value(), usage);
        break;
      case "--max-subjects":
        args.overrides.maxSubjects = parseCount(flag, value(), usage);
        break;
      case "--shard":
        args.shard = parseShardFlag(value(), usage);
        break;
      case "--collect":
        args.collect = true;
        break;
      default:
        return false;
    }
    return true;
  });
  if (args.shard && args.collect) usage("--shard and --collect are separate stages: give one");
  return args;
}

function printTable(title: string, table: Table, columns: string[]): void {
  if (!table.numRows()) return;
  const cols = columns.filter((c) => table.columnNames().includes(c));
  const rows = rowsOf(table).map((r) =>
    cols.map((c) => {
      const v = r[c];
      return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v ?? "");
    })
  );
  const widths = cols.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
  console.log(`\n${title}`);
  console.log(cols.map((c, k) => c.padEnd(widths[k])).join("  "));
  for (const r of rows) console.log(r.map((v, k) => v.padEnd(widths[k])).join("  "));
}

/** What {@linkcode scaleGrids} found: the scale's grids, and those named for it that read another scale. */
export interface ScaleGrids {
  /** Grid names to run, the dMRI grids first, then the digits grids, each in name order. */
  names: string[];
  /** Grids named for the scale whose own `scales` leave it out (e.g. `paper-cell`: the default cohort). */
  skipped: { name: string; scales: string[] }[];
  /** Grids of the scale with `folds` (k-fold cross-validation, k times the cells): run only by name. */
  folded: { name: string; folds: number }[];
}

/**
 * The grids of a scale: `<scale>.json`, `<scale>-*.json`, `digits-<scale>.json`, `digits-<scale>-*.json` in
 * `configDir` whose `scales` include the scale (a grid without `scales` is a quick grid, as lib/experiments
 * reads it). One named for the scale that runs at another (`paper-cell`, paper-size models on the default
 * cohort) is left out and listed in `skipped`, and one with `folds` (`default-kfold`: k-fold cross-validation,
 * k times its cells) in `folded`: each runs only when `--grid` names it. A file that does not parse is kept,
 * so that loading it reports the problem.
 *
 * @example
 * const { names } = await scaleGrids("paper"); // ["paper", "paper-gmp", "paper-inceptionv3", "digits-paper"]
 */
export async function scaleGrids(
  scale: Scale,
  options: { configDir?: string } = {},
): Promise<ScaleGrids> {
  const { configDir = "experiments/configs" } = options;
  const names: string[] = [];
  const skipped: ScaleGrids["skipped"] = [];
  const folded: ScaleGrids["folded"] = [];
  const pattern = new RegExp(`^(digits-)?${scale}(-[A-Za-z0-9_.-]+)?\\.json$`);
  for await (const e of Deno.readDir(configDir)) {
    if (!e.isFile || !pattern.test(e.name)) continue;
    const name = e.name.replace(/\.json$/, "");
    let scales: unknown, folds: unknown;
    try {
      const config = JSON.parse(await Deno.readTextFile(`${configDir}/${e.name}`));
      scales = config?.scales ?? ["quick"];
      folds = config?.folds;
    } catch {
      names.push(name);
      continue;
    }
    if (Array.isArray(scales) && !scales.includes(scale)) skipped.push({ name, scales: scales.map(String) });
    else if (folds !== undefined) folded.push({ name, folds: Number(folds) });
    else names.push(name);
  }
  const order = (a: string, b: string) =>
    Number(a.startsWith("digits-")) - Number(b.startsWith("digits-")) || a.localeCompare(b);
  return {
    names: names.sort(order),
    skipped: skipped.sort((a, b) => order(a.name, b.name)),
    folded: folded.sort((a, b) => order(a.name, b.name)),
  };
}

/**
 * The cohort's shape for the plan, by the scale of the cell: a --data folder's index (nothing checked but the
 * files) whatever the scale, or the simulated cohort of the cell's scale.
 */
async function planCohortShape(
  args: Args,
): Promise<{ shapeOf: (scale: Args["scale"]) => CohortShape; note?: string }> {
  if (!args.data) return { shapeOf: simulatedCohortShape };
  try {
    const cohort = await loadCohort(args.data, { check: "none" });
    const shape = {
      groups: cohort.groups,
      subjects: cohort.subjects.map((s) => ({
        id: s.id,
        group: s.group,
        acquisitions: s.acquisitions.length,
      })),
    };
    return { shapeOf: () => shape };
  } catch (e) {
    if (!(e instanceof CohortError)) throw e;
    return {
      shapeOf: () => ({ groups: [], subjects: [] }),
      note: `the cohort at ${args.data} cannot be planned: ${e.message}`,
    };
  }
}

/**
 * Fail early, with the way out, where `--root` lies outside what this process may write: `deno task
 * reproduce` may write only under data/ and experiments/ (deno.json), and flags after the task's name reach
 * the script, not deno, so a NotCapable error would otherwise end the run after the plan.
 */
async function checkRoot(root: string): Promise<void> {
  const { state } = await Deno.permissions.query({ name: "write", path: root });
  if (state === "granted") return;
  usage(
    `--root ${root}: this process may not write there (\`deno task reproduce\` writes only under data/ and ` +
      `experiments/). Use a folder under experiments/, or run deno with that folder allowed:\n` +
      `  deno run --allow-read --allow-write=data,experiments,${root} --allow-env --allow-sys --allow-ffi ` +
      `lib/cli/reproduce.ts --root ${root} ...`,
  );
}

/**
 * Simulate (or reuse) the cohort of a scale, saying which: progress lines only while files are written, then
 * where the cohort is.
 */
async function prepareCohort(scale: Args["scale"], seed: number): Promise<string> {
  let last = -1, written = 0;
  const dir = await ensureSimulatedCohort(scale, {
    seed,
    onProgress: (done, total, files) => {
      written += files;
      const pct = Math.floor((100 * done) / total / 10) * 10;
      if (files > 0 && pct !== last) {
        last = pct;
        console.log(`[reproduce] simulating the ${scale} cohort: ${done}/${total} (${pct}%)`);
      }
    },
  });
  console.log(
    written
      ? `[reproduce] simulated the ${scale} cohort at ${dir} (${written} files written)`
      : `[reproduce] using the simulated ${scale} cohort at ${dir} (already there)`,
  );
  return dir;
}

/** The 1-minute load average, or NaN where the system gives none. */
function loadAverage(): number {
  try {
    return Deno.loadavg()[0];
  } catch {
    return NaN;
  }
}

/**
 * Where the plan's seconds were measured, so that a reader can weigh them: the CPU model (`node:os`'s
 * `cpus()`, which --allow-sys permits; Deno reads /proc/cpuinfo only with --allow-all), the cores, and the
 * 1-minute load average before and after each timing. Other processes on the cores slow the timed steps, and
 * every estimate with them.
 */
function timingConditions(loads: number[]): string {
  let cpu = "";
  try {
    cpu = cpus()[0]?.model?.trim() ?? "";
  } catch {
    // No sys permission: the cores and the load still say something.
  }
  const known = loads.filter(Number.isFinite);
  const [low, high] = [Math.min(...known).toFixed(1), Math.max(...known).toFixed(1)];
  const load = known.length ? `, load average ${low === high ? low : `${low}–${high}`}` : "";
  return `timings measured on ${cpu || "this CPU"} (${navigator.hardwareConcurrency} cores)${load} while ` +
    "they ran; other processes on these cores slow them and every estimate of this plan";
}

/**
 * Print the plan of the grids' cells: each distinct model's memory and measured timing, each grid's work and
 * the estimated total.
 */
async function printPlan(
  args: Args,
  grids: { config: GridConfig; cells: StudyCell[] }[],
  notes: string[],
): Promise<StudyPlan> {
  const { shapeOf, note } = await planCohortShape(args);
  if (note) notes.push(note);
  const workloads = grids.flatMap((g) => g.cells.map((c) => cellWorkload(c, shapeOf(c.scale))));
  // Cells finished in an earlier run are skipped: the plan counts them apart, and times only the models of
  // the cells left to run.
  const finished = new Set<string>();
  for (const g of grids) {
    const open = new Set((await unfinishedCells(g.cells, { root: args.root })).map((c) => c.id));
    for (const c of g.cells) if (!open.has(c.id)) finished.add(c.id);
  }
  const models = new Map<string, { work: ModelWork; memory: WorkMemory; timing?: StepTiming }>();
  for (const w of workloads) {
    if (finished.has(w.id)) continue;
    const key = workKey(w.work);
    if (!models.has(key)) models.set(key, { work: w.work, memory: workMemory(w.work) });
  }
  const timings = new Map<string, StepTiming>();
  const loads = [loadAverage()];
  for (const [key, m] of models) {
    if (!m.memory.plan) continue;
    const t0 = performance.now();
    console.log(
      `[plan] timing ${key}: 1 warm-up and 3 timed training steps (the median), 1 inference batch ...`,
    );
    m.timing = await measureStep(m.work, { warmup: 1, steps: 3 });
    timings.set(key, m.timing);
    console.log(`[plan] timed ${key} in ${formatDuration((performance.now() - t0) / 1000)}`);
    loads.push(loadAverage());
  }
  if (timings.size) notes.unshift(timingConditions(loads));
  const plan = planStudy(workloads, timings, { finished });
  if (!models.size && finished.size) notes.push("every cell finished earlier: nothing to train");
  for (const line of formatPlan(plan, models, { heapLimitBytes: backendHeapLimit(), notes })) {
    console.log(line);
  }
  return plan;
}

/**
 * A k-fold run's pairs of nets (lib/study's foldComparisons): under the cells' own rule, then under the
 * validation threshold for the nets whose every fold has its `subjects` table.
 */
function foldPairs(tables: GridTables): Table {
  return concatTables([
    foldComparisons(tables.results),
    foldComparisons(tables.results, { subjects: tables.subjects, rule: "validation-threshold" }),
  ]);
}

/**
 * A k-fold grid's pooled tables (lib/study's foldSummary, foldLocalization, foldComparisons,
 * foldSliceComparisons) saved as
 * `<dir>/summary_folds*.{csv,arrow}`; nothing for a grid without fold cells. `tables.results` may carry the
 * region-FA baseline's rows ({@linkcode baselineRows}). Returns the CSV files written.
 */
async function writeFoldReport(tables: GridTables, dir: string): Promise<string[]> {
  const written: string[] = [];
  const parts: [string, Table][] = [
    ["summary_folds", foldSummary(tables)],
    ["summary_folds_localization", foldLocalization(tables.localization)],
    ["summary_folds_pairs", foldPairs(tables)],
    ["summary_folds_slice_pairs", foldSliceComparisons(tables.results, tables.subjects)],
  ];
  for (const [name, table] of parts) {
    if (!table.numRows()) continue;
    await saveTable(table, `${dir}/${name}`);
    written.push(`${dir}/${name}.csv`);
  }
  return written;
}

/**
 * The region-FA baseline's rows (lib/study's foldBaselineRows) for the cohort fold cells among `cells`, per
 * scale on the cohort `cohortDirOf` names; none where it names none, or where the cohort has no truth masks
 * (said on one line: the nets' tables stand without it).
 */
async function baselineRows(
  cells: readonly StudyCell[],
  cohortDirOf: (scale: string) => string | undefined,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const foldCells = cells.filter((c) => c.dataset === "cohort" && c.folds !== undefined);
  for (const scale of new Set(foldCells.map((c) => c.scale))) {
    const dir = cohortDirOf(scale);
    if (!dir) continue;
    try {
      rows.push(...await foldBaselineRows(foldCells.filter((c) => c.scale === scale), dir));
    } catch (e) {
      if (!isTypedError(e)) throw e;
      console.log(`[reproduce] no region-FA baseline for the ${scale} cells: ${e.message}`);
    }
  }
  return rows;
}

/** `tables` with `rows` appended to its results: for the k-fold tables only (results.csv keeps the cells'). */
function withRows(tables: GridTables, rows: Record<string, unknown>[]): GridTables {
  return rows.length ? { ...tables, results: concatTables([tables.results, tableFromRows(rows)]) } : tables;
}

/** Print a k-fold run's pooled tables (nothing without fold cells). */
function printFoldTables(tables: GridTables): void {
  printTable("k-fold over subjects, pooled over folds (every subject tested once)", foldSummary(tables), [
    "dataset",
    "config",
    "seed",
    "folds",
    "folds_run",
    "subjects_right",
    "subjects",
    "subjects_right_vote",
    "subjects_right_threshold",
    "subject_accuracy",
    "subject_ci_low",
    "subject_ci_high",
    "test_accuracy",
    "chance_accuracy",
    "test_auc_pooled",
    "test_auc_mean",
  ]);
  printTable(
    "k-fold localization over every CAM subject (energy / chance)",
    foldLocalization(tables.localization),
    [
      "dataset",
      "config",
      "seed",
      "method",
      "layer",
      "layer_grid",
      "subjects",
      "energy_x_chance",
      "energy_x_chance_sd",
      "chance_energy",
    ],
  );
  printTable("k-fold pairs on the same subjects (exact McNemar)", foldPairs(tables), [
    "dataset",
    "seed",
    "net_a",
    "net_b",
    "rule",
    "subjects",
    "a_right",
    "b_right",
    "only_a",
    "only_b",
    "mcnemar_p",
  ]);
  printTable(
    "k-fold pairs: held-out subjects' slice accuracy, paired over subjects (sign-flip test)",
    foldSliceComparisons(tables.results, tables.subjects),
    [
      "dataset",
      "seeds",
      "grid_a",
      "net_a",
      "grid_b",
      "net_b",
      "subjects",
      "slice_acc_a",
      "slice_acc_b",
      "slice_acc_diff",
      "diff_ci_low",
      "diff_ci_high",
      "subjects_a_ahead",
      "subjects_b_ahead",
      "signflip_p",
    ],
  );
}

/**
 * `--collect`: every grid's finished cells merged into its tables, summaries and charts (what a one-process
 * run writes); the unfinished cells named, exit 1 when there are any.
 */
async function collectGrids(args: Args, grids: { config: GridConfig; cells: StudyCell[] }[]): Promise<void> {
  let missing = 0;
  // The cohort the cells read, where it is on this machine (the baseline needs its FA maps): --data, else
  // the scale's simulated cohort of --seed.
  // Only where its FA maps are cached: --collect fits nothing.
  const cohortDirOf = (scale: string) => {
    const dir = args.data ?? `data/synth/${scale}-s${args.seed}`;
    try {
      Deno.statSync(`${dir}/participants.tsv`);
      Deno.statSync(defaultFaCacheDir(dir));
      return dir;
    } catch {
      console.log(
        `[reproduce] --collect: no region-FA baseline for the ${scale} cells (no cohort or FA cache at ${dir})`,
      );
      return undefined;
    }
  };
  for (const { config, cells } of grids) {
    const tables = await collectGrid(cells, { root: args.root });
    const written = [
      ...await writeStudyReport(tables, `${args.root}/${config.name}`),
      ...await writeFoldReport(
        withRows(tables, await baselineRows(cells, cohortDirOf)),
        `${args.root}/${config.name}`,
      ),
    ];
    const open = await unfinishedCells(cells, { root: args.root });
    missing += open.length;
    console.log(
      `[reproduce] --collect ${config.name}: ${cells.length - open.length}/${cells.length} cells finished, ` +
        `${written.length} files under ${args.root}/${config.name}/`,
    );
    for (const c of open) console.error(`[reproduce] ${config.name} cell ${c.id} is ${c.status}`);
  }
  if (missing) {
    console.error(`reproduce: --collect: ${missing} cell(s) not finished; their rows are not in the tables`);
    Deno.exit(1);
  }
}

async function main(): Promise<void> {
  // The commit of the code this process loads: every cell's manifest records it, even if the checkout moves
  // on during the run.
  const commit = await gitCommit();
  const args = parseArgs(Deno.args);
  await checkRoot(args.root);
  const t0 = performance.now();
  // "auto": with oneDNN running the convs (its threads take every core) wasm stays single-threaded; without
  // it, the threaded SIMD wasm build on every core (2 threads here train ~1.9x and infer ~2.6x faster than
  // one). CAM_WASM_THREADS overrides (e.g. 1 on a machine shared with other jobs).
  const backend = await initBackend({
    threads: "auto",
    workerScriptDir: "data/cache",
  });
  console.log(`[reproduce] backend ${describeBackend(backend)}, scale ${args.scale}`);

  // Which cohort the cells that read it ran on is part of their identity and of their grid's folder: results
  // made on the default simulated cohort are never reused for, or overwritten by, --data or another --seed
  // (lib/study's bindCohortSource; the default cohort's grids keep their names, so the notebooks find them).
  let source: CohortSource = { seed: args.seed };
  if (args.data) {
    try {
      source = { data: await Deno.realPath(args.data) };
    } catch {
      usage(`--data ${args.data}: no such folder`);
    }
  }

  // The scale's grids (the dMRI study and the cluttered-digits protocol), checked as written (errors name the
  // file and the field), reduced by --epochs / --max-subjects, expanded with the cohort's identity.
  const notes: string[] = [];
  let gridNames: string[];
  if (args.grid) gridNames = args.grid.split(",").filter(Boolean);
  else {
    const found = await scaleGrids(args.scale);
    gridNames = found.names;
    for (const { name, scales } of found.skipped) {
      notes.push(
        `grid ${name} is not part of --scale ${args.scale} (it runs at scale ${scales.join(", ")}); ` +
          `run it with --grid ${name}`,
      );
    }
    for (const { name, folds } of found.folded) {
      notes.push(
        `grid ${name} is a ${folds}-fold cross-validation over subjects (${folds}x its cells), not part of ` +
          `--scale ${args.scale}; run it with --grid ${name}`,
      );
    }
  }
  const grids: { config: GridConfig; cells: StudyCell[] }[] = [];
  const reduced: string[] = [];
  for (const gridName of gridNames) {
    // A name in experiments/configs/, or a config file's path (a grid of your own).
    const path = gridName.endsWith(".json") ? gridName : `experiments/configs/${gridName}.json`;
    const loaded = (await loadStudyGrid(path)).config;
    const { config: reducedConfig, applied, notes: why } = reduceGrid(loaded, args.overrides);
    notes.push(...why);
    const config = bindCohortSource(reducedConfig, source);
    if (applied.length) {
      reduced.push(config.name);
      notes.push(
        `reduced run: grid ${loaded.name} runs as ${config.name} (${applied.join(", ")}), under ` +
          `${args.root}/${config.name}/, never mixed with the full grid's results`,
      );
    } else if (config !== reducedConfig) {
      notes.push(
        `grid ${loaded.name} runs on ${
          args.data ? `the cohort at ${args.data}` : `the cohort simulated with seed ${args.seed}`
        } as ${config.name}, under ${args.root}/${config.name}/, apart from the default cohort's results`,
      );
    }
    grids.push({ config, cells: expandStudyGrid(config, { source: path }) });
  }
  if (args.collect) return await collectGrids(args, grids);
  // A shard of an array job: the plan (timed steps) is the whole run's, printed by a run without --shard.
  const plan = args.shard ? undefined : await printPlan(args, grids, notes);
  if (args.dryRun) {
    console.log("[reproduce] --dry-run: the plan only; nothing was simulated, trained or written");
    return;
  }
  const emptyReduced = (plan?.cells ?? []).filter((c) => c.testSamples === 0 && reduced.includes(c.grid)).map(
    (c) => c.id,
  );
  if (emptyReduced.length && args.overrides.maxSubjects !== undefined) {
    usage(
      `--max-subjects ${args.overrides.maxSubjects} leaves ${emptyReduced.length} cell(s) without a test ` +
        `subject (e.g. ${emptyReduced[0]}); the subject split needs at least 5 subjects per group`,
    );
  }

  // The cohort each scale's cells read: --data for all, else the simulated cohort of the cell's own scale
  // (a grid's `scales`, e.g. transfer-quick's "quick" whatever --scale says); none for grids that never read
  // it (digits, transfer on digits and garments only).
  const runners = new Map<string, CellRunner<AnyGridCell>>();
  const cohortDirs = new Map<string, string>();
  // (Volume cells of the "ageing" layout simulate their own cohort: lib/study's simulatesOwnCohort.)
  const readsRunCohort = (c: StudyCell) =>
    needsCohort(c) && (args.data !== undefined || !simulatesOwnCohort(c));
  const cohortScales = [...new Set(grids.flatMap((g) => g.cells.filter(readsRunCohort).map((c) => c.scale)))];
  if (!cohortScales.length) {
    console.log(
      `[reproduce] no grid reads the cohort: ${
        args.data ? `--data ${args.data} unused` : "nothing to simulate"
      }`,
    );
  } else if (args.data) {
    console.log(`[reproduce] using the cohort at ${args.data}`);
    for (const scale of cohortScales) cohortDirs.set(scale, args.data);
  } else {
    for (const scale of cohortScales) cohortDirs.set(scale, await prepareCohort(scale, args.seed));
  }
  for (const [scale, cohortDir] of cohortDirs) runners.set(scale, studyRunner({ cohortDir }));
  const noCohort = studyRunner({});
  const runner: CellRunner<AnyGridCell> = (cell, ctx) => (runners.get(cell.scale) ?? noCohort)(cell, ctx);

  // The ETA is the whole run's: the plan's seconds of the cells left, scaled by how the cells run so far
  // compared with their plan (lib/study's estimateRemaining).
  const finished = new Map<string, number | null>();
  let current: { id: string; start: number } | undefined;
  const closeCurrent = () => {
    if (current) finished.set(current.id, (performance.now() - current.start) / 1000);
    current = undefined;
  };
  const allTables: GridTables[] = [];
  const baseline: Record<string, unknown>[] = [];
  let ranCount = 0, skippedCount = 0, writtenCount = 0;
  for (const { config, cells } of grids) {
    console.log(`[reproduce] grid ${config.name}: ${cells.length} cells`);
    const { ran, skipped, tables } = await runGrid(cells, runner, {
      root: args.root,
      commit,
      shard: args.shard,
      onCell: (cell, index, total, isSkipped) => {
        closeCurrent();
        if (isSkipped) finished.set(cell.id, null);
        else current = { id: cell.id, start: performance.now() };
        console.log(
          `[reproduce] ${config.name} cell ${index + 1}/${total} ${cell.id}${
            isSkipped ? " (finished earlier)" : ""
          }${
            // A shard has no plan (its steps are not timed): no ETA.
            plan ? `; the whole run ETA ${formatSpan(estimateRemaining(plan, finished))}` : ""}`,
        );
      },
      onHeld: (cell, holder) =>
        console.log(
          `[reproduce] ${config.name} cell ${cell.id} is running in another process (${
            describeHolder(holder)
          }); checking again after the other cells`,
        ),
    });
    closeCurrent();
    if (!args.shard) {
      writtenCount += (await writeStudyReport(tables, `${args.root}/${config.name}`)).length;
      const rows = await baselineRows(cells, (scale) => cohortDirs.get(scale));
      baseline.push(...rows);
      writtenCount += (await writeFoldReport(withRows(tables, rows), `${args.root}/${config.name}`)).length;
    }
    ranCount += ran.length;
    skippedCount += skipped.length;
    allTables.push(tables);
  }
  const tables: GridTables = {
    metrics: concatTables(allTables.map((t) => t.metrics)),
    results: concatTables(allTables.map((t) => t.results)),
    localization: concatTables(allTables.map((t) => t.localization)),
    curves: concatTables(allTables.map((t) => t.curves)),
    subjects: concatTables(allTables.map((t) => t.subjects)),
  };
  // Fold cells are pooled over their folds below (printFoldTables), not averaged as seeds.
  const unfolded = tables.results.numRows() && tables.results.columnNames().includes("folds")
    ? tableFromRows(rowsOf(tables.results).filter((r) => r.folds === null || r.folds === undefined))
    : tables.results;
  printTable("Test accuracy (mean over seeds)", accuracySummary(unfolded), [
    "dataset",
    "config",
    "seeds",
    "test_accuracy",
    "test_accuracy_sd",
    "chance_accuracy",
    "subject_accuracy",
    "test_auc",
    "top1_cls_error",
    "top5_cls_error",
  ]);
  printTable("Localization (mean over subjects/images and seeds)", localizationSummary(tables.localization), [
    "dataset",
    "config",
    "method",
    "relu",
    "normalize",
    "threshold",
    "energy_in_truth",
    "chance_energy",
    "pxap",
    "top1_loc_error",
    "top5_loc_error",
    "gt_known_loc",
    "max_box_acc_v2",
    "full_accuracy",
    "cam_crop_accuracy",
    "gt_crop_accuracy",
    "cam_box_iou50",
  ]);
  // The k-fold tables and findings carry the region-FA baseline of every partition the run tested, once
  // (grids on one partition each got the same rows).
  const once = new Map(baseline.map((r) => [JSON.stringify([r.model, r.scale, r.seed, r.folds, r.fold]), r]));
  const folded = withRows(tables, [...once.values()]);
  printFoldTables(folded);
  const findings = studyFindings(folded);
  if (findings.length) console.log(`\nFindings\n${findings.map((f, i) => `${i + 1}. ${f.text}`).join("\n")}`);
  console.log(
    `\n[reproduce] ran ${ranCount} cells, ${skippedCount} finished earlier; ${writtenCount} files under ` +
      `${args.root}/{${grids.map((g) => g.config.name).join(",")}}/ in ${
        formatDuration((performance.now() - t0) / 1000)
      }`,
  );
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      console.error(`reproduce: no permission: ${e.message}`);
      Deno.exit(1);
    }
    // The library's typed errors name the file and the problem: say that, without a stack.
    if (!isTypedError(e)) throw e;
    console.error(`reproduce: ${e.name}: ${e.message}`);
    Deno.exit(1);
  }
}
