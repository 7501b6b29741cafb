/**
 * `deno task reproduce [--data PATH] [--scale quick|default|paper] [--grid NAME|FILE.json[,...]] [--seed N]
 * [--root DIR] [--dry-run] [--epochs N] [--max-subjects N]`
 *
 * The main job: from nothing to tables, charts and CAM overlays under `experiments/<grid>/`.
 * 1. picks the TensorFlow.js backend (`CAM_BACKEND` overrides);
 * 2. prints the plan (lib/study/plan.ts): the grids' cells, each distinct model's micro-batches and memory per
 *    step, its seconds per training step and per inference image measured here (1 warm-up and 1 timed step
 *    at its size and batch), the samples and steps of each cell, and the estimated total. `--dry-run` stops
 *    there (exit 0; nothing is simulated or written);
 * 3. simulates the cohort of the scale under `data/synth/` (or uses `--data PATH`, a real HCP-style folder);
 * 4. runs the grids `experiments/configs/<grid>.json` (default: the scale's grids `<scale>*.json` and
 *    `digits-<scale>*.json`; `--grid` also takes a config file's path), skipping finished cells and
 *    resuming an interrupted one from its checkpoint;
 * 5. writes summaries (CSV + Arrow) and charts (SVG + PNG), and prints a summary table.
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
 * @module
 */
import { backendHeapLimit, describeBackend, initBackend } from "../backend/mod.ts";
import {
  concatTables,
  describeHolder,
  type GridConfig,
  type GridTables,
  rowsOf,
  runGrid,
  type Table,
} from "../experiments/mod.ts";
import { CohortError, loadCohort } from "../data/mod.ts";
import {
  accuracySummary,
  cellWorkload,
  type CohortShape,
  ensureSimulatedCohort,
  expandStudyGrid,
  formatPlan,
  type GridOverrides,
  loadStudyGrid,
  localizationSummary,
  measureStep,
  type ModelWork,
  planStudy,
  reduceGrid,
  simulatedCohortShape,
  type StepTiming,
  type StudyCell,
  type StudyPlan,
  studyRunner,
  workKey,
  type WorkMemory,
  workMemory,
  writeStudyReport,
} from "../study/mod.ts";
import { formatDuration } from "../train/mod.ts";

interface Args {
  data?: string;
  scale: "quick" | "default" | "paper";
  grid?: string;
  seed: number;
  root: string;
  dryRun: boolean;
  overrides: GridOverrides;
}

function usage(message?: string): never {
  if (message) console.error(`reproduce: ${message}`);
  console.error(
    "usage: deno task reproduce [--data PATH] [--scale quick|default|paper] [--grid NAME|FILE.json[,...]]\n" +
      "                           [--seed N] [--root DIR] [--dry-run] [--epochs N] [--max-subjects N]",
  );
  Deno.exit(2);
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

/** Parse reproduce's arguments; a bad one prints the usage and exits with 2. */
function parseArgs(argv: string[]): Args {
  const args: Args = { scale: "default", seed: 0, root: "experiments", dryRun: false, overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case "--data":
        args.data = value();
        break;
      case "--scale": {
        const s = value();
        if (s !== "quick" && s !== "default" && s !== "paper") usage(`unknown scale "${s}"`);
        args.scale = s;
        break;
      }
      case "--grid":
        args.grid = value();
        break;
      case "--seed":
        args.seed = Number(value());
        if (!Number.isInteger(args.seed)) usage("--seed must be an integer");
        break;
      case "--root":
        args.root = value();
        break;
      case "--dry-run":
        args.dryRun = true;
        break;
      case "--epochs":
        args.overrides.epochs = positiveInteger(flag, value());
        break;
      case "--max-subjects":
        args.overrides.maxSubjects = positiveInteger(flag, value());
        break;
      case "-h":
      case "--help":
        usage();
        break;
      default:
        usage(`unknown argument "${argv[i]}"`);
    }
  }
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

/** The grids of a scale: `<scale>.json`, `<scale>-*.json`, `digits-<scale>.json`, `digits-<scale>-*.json`. */
async function scaleGrids(scale: string): Promise<string[]> {
  const names: string[] = [];
  const pattern = new RegExp(`^(digits-)?${scale}(-[A-Za-z0-9_.-]+)?\\.json$`);
  for await (const e of Deno.readDir("experiments/configs")) {
    if (e.isFile && pattern.test(e.name)) names.push(e.name.replace(/\.json$/, ""));
  }
  // The dMRI grids first, then the digits grids, each in name order.
  return names.sort((a, b) =>
    Number(a.startsWith("digits-")) - Number(b.startsWith("digits-")) || a.localeCompare(b)
  );
}

/** The cohort's shape for the plan: a --data folder's index (nothing checked but the files), or the scale's. */
async function planCohortShape(args: Args): Promise<{ shape: CohortShape; note?: string }> {
  if (!args.data) return { shape: simulatedCohortShape(args.scale) };
  try {
    const cohort = await loadCohort(args.data, { check: "none" });
    return {
      shape: {
        groups: cohort.groups,
        subjects: cohort.subjects.map((s) => ({
          id: s.id,
          group: s.group,
          acquisitions: s.acquisitions.length,
        })),
      },
    };
  } catch (e) {
    if (!(e instanceof CohortError)) throw e;
    return {
      shape: { groups: [], subjects: [] },
      note: `the cohort at ${args.data} cannot be planned: ${e.message}`,
    };
  }
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
  const { shape, note } = await planCohortShape(args);
  if (note) notes.push(note);
  const workloads = grids.flatMap((g) => g.cells.map((c) => cellWorkload(c, shape)));
  const models = new Map<string, { work: ModelWork; memory: WorkMemory; timing?: StepTiming }>();
  for (const w of workloads) {
    const key = workKey(w.work);
    if (!models.has(key)) models.set(key, { work: w.work, memory: workMemory(w.work) });
  }
  const timings = new Map<string, StepTiming>();
  for (const [key, m] of models) {
    if (!m.memory.plan) continue;
    const t0 = performance.now();
    console.log(`[plan] timing ${key}: 1 warm-up and 1 timed training step, 1 inference batch ...`);
    m.timing = await measureStep(m.work);
    timings.set(key, m.timing);
    console.log(`[plan] timed ${key} in ${formatDuration((performance.now() - t0) / 1000)}`);
  }
  const plan = planStudy(workloads, timings);
  for (const line of formatPlan(plan, models, { heapLimitBytes: backendHeapLimit(), notes })) {
    console.log(line);
  }
  return plan;
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const t0 = performance.now();
  // "auto": with oneDNN running the convs (its threads take every core) wasm stays single-threaded; without
  // it, the threaded SIMD wasm build on every core (2 threads here train ~1.9x and infer ~2.6x faster than
  // one). CAM_WASM_THREADS overrides (e.g. 1 on a machine shared with other jobs).
  const backend = await initBackend({
    threads: "auto",
    workerScriptDir: "data/cache",
  });
  console.log(`[reproduce] backend ${describeBackend(backend)}, scale ${args.scale}`);

  // Which cohort the "cohort" cells ran on is part of their identity: results made on the default simulated
  // cohort must not be reused for --data or another --seed (cells of the default cohort keep their ids, so the
  // notebooks find them).
  let cohortTag: Record<string, string> = {};
  if (args.data) {
    try {
      cohortTag = { cohort: await Deno.realPath(args.data) };
    } catch {
      usage(`--data ${args.data}: no such folder`);
    }
  } else if (args.seed !== 0) cohortTag = { cohort: `synth-${args.scale}-s${args.seed}` };

  // The scale's grids (the dMRI study and the cluttered-digits protocol), checked as written (errors name the
  // file and the field), reduced by --epochs / --max-subjects, expanded with the cohort's identity.
  const gridNames = args.grid ? args.grid.split(",").filter(Boolean) : await scaleGrids(args.scale);
  const grids: { config: GridConfig; cells: StudyCell[] }[] = [];
  const notes: string[] = [];
  const reduced: string[] = [];
  for (const gridName of gridNames) {
    // A name in experiments/configs/, or a config file's path (a grid of your own).
    const path = gridName.endsWith(".json") ? gridName : `experiments/configs/${gridName}.json`;
    const loaded = (await loadStudyGrid(path)).config;
    const { config, applied, notes: why } = reduceGrid(loaded, args.overrides);
    notes.push(...why);
    if (applied.length) {
      reduced.push(config.name);
      notes.push(
        `reduced run: grid ${loaded.name} runs as ${config.name} (${applied.join(", ")}), under ` +
          `${args.root}/${config.name}/, never mixed with the full grid's results`,
      );
    }
    const tag = config.datasets.some((d) => d === "cohort" || d === "transfer" || d === "volume")
      ? cohortTag
      : {};
    grids.push({
      config,
      cells: expandStudyGrid({ ...config, data: { ...config.data, ...tag } }, { source: path }),
    });
  }
  const plan = await printPlan(args, grids, notes);
  if (args.dryRun) {
    console.log("[reproduce] --dry-run: the plan only; nothing was simulated, trained or written");
    return;
  }
  const emptyReduced = plan.cells.filter((c) => c.testSamples === 0 && reduced.includes(c.grid)).map((c) =>
    c.id
  );
  if (emptyReduced.length && args.overrides.maxSubjects !== undefined) {
    usage(
      `--max-subjects ${args.overrides.maxSubjects} leaves ${emptyReduced.length} cell(s) without a test ` +
        `subject (e.g. ${emptyReduced[0]}); the subject split needs at least 5 subjects per group`,
    );
  }

  let cohortDir = args.data;
  if (cohortDir) {
    console.log(`[reproduce] using the cohort at ${cohortDir}`);
  } else {
    let last = -1;
    cohortDir = await ensureSimulatedCohort(args.scale, {
      seed: args.seed,
      onProgress: (done, total) => {
        const pct = Math.floor((100 * done) / total / 10) * 10;
        if (pct !== last) {
          last = pct;
          console.log(`[reproduce] simulating the cohort: ${done}/${total} (${pct}%)`);
        }
      },
    });
    console.log(`[reproduce] simulated cohort at ${cohortDir}`);
  }

  const allTables: GridTables[] = [];
  let ranCount = 0, skippedCount = 0, writtenCount = 0;
  for (const { config, cells } of grids) {
    console.log(`[reproduce] grid ${config.name}: ${cells.length} cells`);
    const started: number[] = [];
    let timed = 0, timedSeconds = 0;
    const { ran, skipped, tables } = await runGrid(cells, studyRunner({ cohortDir }), {
      root: args.root,
      onCell: (cell, index, total, isSkipped) => {
        const now = performance.now();
        if (started.length) {
          timed++;
          timedSeconds += (now - started[started.length - 1]) / 1000;
        }
        started.push(now);
        const eta = timed ? formatDuration((timedSeconds / timed) * (total - index)) : "?";
        console.log(
          `[reproduce] ${config.name} cell ${index + 1}/${total} ${cell.id}${
            isSkipped ? " (finished earlier)" : ""
          } ETA ${eta}`,
        );
      },
      onHeld: (cell, holder) =>
        console.log(
          `[reproduce] ${config.name} cell ${cell.id} is running in another process (${
            describeHolder(holder)
          }); checking again after the other cells`,
        ),
    });
    writtenCount += (await writeStudyReport(tables, `${args.root}/${config.name}`)).length;
    ranCount += ran.length;
    skippedCount += skipped.length;
    allTables.push(tables);
  }
  const tables: GridTables = {
    metrics: concatTables(allTables.map((t) => t.metrics)),
    results: concatTables(allTables.map((t) => t.results)),
    localization: concatTables(allTables.map((t) => t.localization)),
    curves: concatTables(allTables.map((t) => t.curves)),
  };
  printTable("Test accuracy (mean over seeds)", accuracySummary(tables.results), [
    "dataset",
    "config",
    "seeds",
    "test_accuracy",
    "test_accuracy_sd",
    "subject_accuracy",
    "test_auc",
    "top1_cls_error",
    "top5_cls_error",
  ]);
  printTable("Localization (mean over subjects/images and seeds)", localizationSummary(tables.localization), [
    "dataset",
    "config",
    "method",
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
    // The library's typed errors name the file and the problem: say that, without a stack.
    const known = e instanceof Error && e.name !== "Error" && e.name.endsWith("Error") &&
      !(e instanceof TypeError) &&
      !(e instanceof RangeError) && !(e instanceof ReferenceError);
    if (!known) throw e;
    console.error(`reproduce: ${e.name}: ${e.message}`);
    Deno.exit(1);
  }
}
