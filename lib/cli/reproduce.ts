/**
 * `deno task reproduce [--data PATH] [--scale quick|default|paper] [--grid NAME] [--seed N] [--root DIR]`
 *
 * The main job: from nothing to tables, charts and CAM overlays under `experiments/<grid>/`.
 * 1. picks the TensorFlow.js backend (`CAM_BACKEND` overrides);
 * 2. simulates the cohort of the scale under `data/synth/` (or uses `--data PATH`, a real HCP-style folder);
 * 3. runs the grids `experiments/configs/<grid>.json` (default: the scale's grids `<scale>*.json` and
 *    `digits-<scale>*.json`), skipping finished cells and
 *    resuming an interrupted one from its checkpoint;
 * 4. writes summaries (CSV + Arrow) and charts (SVG + PNG), and prints a summary table.
 *
 * Several runs may share the folder (or a run may find one killed earlier): each cell is claimed with a lock
 * (lib/experiments/lock.ts), a cell another live run holds is left to it and waited for at the end, and a dead
 * run's cells are taken over. A damaged file (FA cache, checkpoint, manifest, table) is reported on one
 * `[integrity]` line naming it and rebuilt.
 *
 * @module
 */
import { describeBackend, initBackend } from "../backend/mod.ts";
import {
  concatTables,
  describeHolder,
  type GridTables,
  rowsOf,
  runGrid,
  type Table,
} from "../experiments/mod.ts";
import {
  accuracySummary,
  ensureSimulatedCohort,
  expandStudyGrid,
  loadStudyGrid,
  localizationSummary,
  studyRunner,
  writeStudyReport,
} from "../study/mod.ts";
import { formatDuration } from "../train/mod.ts";

interface Args {
  data?: string;
  scale: "quick" | "default" | "paper";
  grid?: string;
  seed: number;
  root: string;
}

function usage(message?: string): never {
  if (message) console.error(`reproduce: ${message}`);
  console.error(
    "usage: deno task reproduce [--data PATH] [--scale quick|default|paper] [--grid NAME] [--seed N] [--root DIR]",
  );
  Deno.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scale: "default", seed: 0, root: "experiments" };
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

  let cohortDir = args.data;
  // Which cohort the "cohort" cells ran on is part of their identity: results made on the default simulated
  // cohort must not be reused for --data or another --seed (cells of the default cohort keep their ids, so the
  // notebooks find them).
  let cohortTag: Record<string, string> = {};
  if (cohortDir) {
    try {
      cohortTag = { cohort: await Deno.realPath(cohortDir) };
    } catch {
      usage(`--data ${cohortDir}: no such folder`);
    }
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
    if (args.seed !== 0) cohortTag = { cohort: `synth-${args.scale}-s${args.seed}` };
  }

  // The scale's grids: the dMRI study and the cluttered-digits protocol.
  const gridNames = args.grid ? args.grid.split(",").filter(Boolean) : await scaleGrids(args.scale);
  const allTables: GridTables[] = [];
  let ranCount = 0, skippedCount = 0, writtenCount = 0;
  for (const gridName of gridNames) {
    const path = `experiments/configs/${gridName}.json`;
    // Checked as written (errors name the file and the field), then expanded with the cohort's identity.
    const { config } = await loadStudyGrid(path);
    const tag = config.datasets.some((d) => d === "cohort" || d === "transfer") ? cohortTag : {};
    const cells = expandStudyGrid({ ...config, data: { ...config.data, ...tag } }, { source: path });
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
      `${args.root}/{${gridNames.join(",")}}/ in ${formatDuration((performance.now() - t0) / 1000)}`,
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
