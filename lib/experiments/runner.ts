/**
 * Running a grid: every cell in its own folder `<root>/<grid>/<cell-id>/`, finished cells skipped, an
 * interrupted cell started again with its checkpoint folder intact (the cell's runner resumes from it).
 *
 * Crash safety: a cell's result files are written atomically and its `manifest.json` says `"done"` only after
 * all of them; grid tables are rebuilt from the finished cells' files each time, so a kill at any moment loses
 * no finished result and never duplicates one.
 *
 * Integrity: the manifest is sealed JSON and lists the size and SHA-256 of each of the cell's table files
 * (`files`); a finished cell whose manifest or tables fail their checks is reported by name and run again.
 *
 * Concurrency: a cell is run only under its lock `<cell>/cell.lock` (lock.ts: owner pid, host, heartbeat;
 * stale locks of dead runs are taken over), so several runs, or the tasks of a Slurm array, can share one
 * folder: each cell runs once, and `attempts` counts every start.
 *
 * @module
 */
import { checkDigest, digestFile, type FileDigest, IntegrityError, warnDamaged } from "../fs.ts";
import { type AnyGridCell, type GridCell, GridError } from "./grid.ts";
import { hostName, type Lock, type LockHolder, lockHolder, type LockOptions, tryLock } from "./lock.ts";
import { gitCommit, packageVersions, readManifest, type RunManifest, writeManifest } from "./manifest.ts";
import { concatTables, loadTable, saveTable, type Table, tableFromRows } from "./tables.ts";

/** What a cell's runner is given. */
export interface CellContext {
  /** The cell's folder (exists). */
  dir: string;
  /** Where to keep checkpoints; survives an interruption, so resume from it. */
  checkpointDir: string;
  /** 1 on the first start, more after an interruption. */
  attempt: number;
  /** Add seconds to a named phase in the manifest's durations. */
  recordDuration(phase: string, seconds: number): void;
}

/** What a cell's runner returns: rows for the three tables, each tagged with the cell's settings on save. */
export interface CellOutput {
  /** One row per epoch (loss, accuracy, ...). */
  metrics?: Record<string, unknown>[];
  /** One row per model x evaluation. */
  results: Record<string, unknown>[];
  /** One row per CAM method x metric (localization, faithfulness, ...). */
  localization?: Record<string, unknown>[];
  /** Points of curves (precision–recall, ROC, ...): one row per point, with a `curve` column naming it. */
  curves?: Record<string, unknown>[];
  /**
   * One row per subject and part of the split (a subject-level study's scores: lib/study's `subjectRows`), so
   * that a subject rule can be applied again without the checkpoint.
   */
  subjects?: Record<string, unknown>[];
  /** Backend that ran it, e.g. "wasm (1 thread)". */
  backend?: string;
  /** Extra manifest fields. */
  extra?: Record<string, unknown>;
}

/** Runs one cell (a study's runner takes its own cell union, see GridSchema in grid.ts). */
export type CellRunner<Cell extends AnyGridCell = GridCell> = (
  cell: Cell,
  context: CellContext,
) => Promise<CellOutput>;

/** Options of {@linkcode runGrid}. */
export interface RunGridOptions<Cell extends AnyGridCell = GridCell> {
  /** Folder holding grids. @default "experiments" */
  root?: string;
  /** Called before each cell with its index, the total and whether it is skipped as finished. */
  onCell?: (cell: Cell, index: number, total: number, skipped: boolean) => void;
  /** Called once per cell found claimed by another live run (it is checked again later). */
  onHeld?: (cell: Cell, holder: LockHolder | undefined) => void;
  /**
   * After going through the cells, wait for the ones other runs hold (taking over any whose run dies), so
   * that the tables returned are complete; false: leave them and return them in `held`. @default true
   */
  wait?: boolean;
  /** Seconds between checks of cells held by other runs. @default 2 */
  pollSeconds?: number;
  /**
   * Run only this share of the cells (a Slurm array task): cell `i` when `i % count === index`. The tables
   * returned hold every finished cell of the grid. @default all cells
   */
  shard?: { index: number; count: number };
  /** Heartbeat and staleness of the cell locks (see lock.ts). @default lock.ts's defaults */
  lock?: LockOptions;
  /**
   * The git commit every manifest records as `gitCommit`: pass the one read when the process started (a
   * checkout that moves on during a long run would otherwise be recorded for code the process never
   * loaded). @default {@linkcode gitCommit} when the grid starts
   */
  commit?: string;
}

/** What {@linkcode runGrid} did. */
export interface RunGridResult {
  /** Ids of the cells this call ran to the end. */
  ran: string[];
  /** Ids of the cells found finished (earlier, or by another run meanwhile). */
  skipped: string[];
  /** Ids of the cells left to other live runs (only with `wait: false`). */
  held: string[];
  /** The grid's tables, rebuilt from every finished cell. */
  tables: GridTables;
}

/** Where a cell stands, from its folder. */
export interface CellState {
  /**
   * "new": no manifest; "running" / "failed": started and not finished (by a live run, or one that died or
   * failed); "done": finished and its files pass their checks; "damaged": the manifest or a table fails its
   * check (see `problems`), so the cell must run again.
   */
  status: "new" | "running" | "failed" | "done" | "damaged";
  /** The manifest, when it is readable. */
  manifest?: RunManifest;
  /** The damaged files, each an error naming the file and the problem. */
  problems: IntegrityError[];
}

/** The grid's aggregated tables. */
export interface GridTables {
  metrics: Table;
  results: Table;
  localization: Table;
  curves: Table;
  subjects: Table;
}

/** The table names of a grid and of each cell. */
export const TABLES = ["metrics", "results", "localization", "curves", "subjects"] as const;

/** Folder of a cell. */
export function cellDir(root: string, cell: AnyGridCell): string {
  return `${root}/${cell.grid}/${cell.id}`;
}

/**
 * Where a cell stands: reads and checks its manifest and, for a finished cell, the size and SHA-256 of every
 * table file the manifest lists. Reports nothing itself (see {@linkcode runGrid}).
 */
export async function inspectCell(root: string, cell: AnyGridCell): Promise<CellState> {
  const dir = cellDir(root, cell);
  let manifest: RunManifest | undefined;
  try {
    manifest = await readManifest(`${dir}/manifest.json`);
  } catch (e) {
    if (e instanceof IntegrityError) return { status: "damaged", problems: [e] };
    throw e;
  }
  if (!manifest) return { status: "new", problems: [] };
  if (manifest.status !== "done") {
    return { status: manifest.status === "failed" ? "failed" : "running", manifest, problems: [] };
  }
  const problems: IntegrityError[] = [];
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    const path = `${dir}/${name}`;
    try {
      const actual = await digestFile(path);
      if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
        // Same wording as a check of the bytes in memory.
        checkDigest(path, await Deno.readFile(path), expected);
      }
    } catch (e) {
      if (e instanceof IntegrityError) problems.push(e);
      else if (e instanceof Deno.errors.NotFound) problems.push(new IntegrityError(path, "missing"));
      else throw e;
    }
  }
  return { status: problems.length ? "damaged" : "done", manifest, problems };
}

/** Whether a cell has finished: its manifest says "done" and its files pass their checks. */
export async function isDone(root: string, cell: AnyGridCell): Promise<boolean> {
  return (await inspectCell(root, cell)).status === "done";
}

/**
 * Claim a cell for this process: its lock `<cell>/cell.lock` (see lock.ts), taking over a stale one.
 * For shards and other runs that share the folder: whoever holds the lock runs the cell.
 *
 * @returns the lock (release it when the cell is over), or null when a live run holds the cell.
 */
export async function claimCell(
  root: string,
  cell: AnyGridCell,
  options: LockOptions = {},
): Promise<Lock | null> {
  return await tryLock(`${cellDir(root, cell)}/cell.lock`, { purpose: `cell ${cell.id}`, ...options });
}

/**
 * The columns that tag each row with the cell it came from; a fold cell's rows also carry `fold`, `folds` (k)
 * and `grid`, so that rows of one k-fold run pool over its folds.
 */
export function cellTags(cell: AnyGridCell): Record<string, unknown> {
  return {
    run_id: cell.id,
    dataset: cell.dataset,
    model: cell.model,
    pooling: cell.pooling,
    split: cell.split,
    augmentation: cell.augmentation,
    scale: cell.scale,
    seed: cell.seed,
    // Pooled per grid: two grids of one run may hold nets of one name.
    ...(cell.folds === undefined ? {} : { fold: cell.fold, folds: cell.folds, grid: cell.grid }),
  };
}

/**
 * Run every unfinished cell of a grid in order, then rebuild the grid's tables from all finished cells.
 *
 * Each cell is claimed first ({@linkcode claimCell}), so runs sharing the folder (or the tasks of a Slurm
 * array, see `shard`) run each cell once: a cell another live run holds is skipped and checked again after
 * the others (`wait`). Under the claim, the manifest is read again and rewritten, so `attempts` never loses
 * a count. A cell whose manifest or tables fail their checks is reported by name and run again (resuming
 * from its checkpoints); a cell that throws is marked "failed" with the error in its manifest, and the error
 * is rethrown.
 */
export async function runGrid<Cell extends AnyGridCell>(
  cells: readonly Cell[],
  runCell: CellRunner<Cell>,
  options: RunGridOptions<Cell> = {},
): Promise<RunGridResult> {
  const root = options.root ?? "experiments";
  const { wait = true, pollSeconds = 2, shard } = options;
  if (
    shard &&
    !(Number.isInteger(shard.count) && shard.count > 0 && shard.index >= 0 && shard.index < shard.count)
  ) {
    throw new GridError("runGrid", `shard ${shard.index}/${shard.count} is not 0 ≤ index < count`);
  }
  const done: Record<"ran" | "skipped", string[]> = { ran: [], skipped: [] };
  let held: string[] = [];
  const versions = await packageVersions();
  const commit = options.commit ?? await gitCommit();
  const told = new Set<string>();

  const attempt = async (cell: Cell, index: number): Promise<"ran" | "skipped" | "held"> => {
    const skip = () => {
      options.onCell?.(cell, index, cells.length, true);
      return "skipped" as const;
    };
    if ((await inspectCell(root, cell)).status === "done") return skip();
    const lock = await claimCell(root, cell, options.lock);
    if (!lock) {
      if (!told.has(cell.id)) {
        told.add(cell.id);
        options.onHeld?.(cell, await lockHolder(`${cellDir(root, cell)}/cell.lock`));
      }
      return "held";
    }
    try {
      // Another run may have finished it between the first look and the claim.
      const state = await inspectCell(root, cell);
      if (state.status === "done") return skip();
      for (const p of state.problems) warnDamaged(p, "running the cell again");
      options.onCell?.(cell, index, cells.length, false);
      const finished = await runClaimed(cell, state, lock, runCell, { root, versions, commit });
      return finished ? "ran" : "held";
    } finally {
      await lock.release();
    }
  };

  let queue = cells.map((cell, index) => ({ cell, index }))
    .filter(({ index }) => !shard || index % shard.count === shard.index);
  while (queue.length > 0) {
    const later: typeof queue = [];
    for (const item of queue) {
      const outcome = await attempt(item.cell, item.index);
      if (outcome === "held") later.push(item);
      else done[outcome].push(item.cell.id);
    }
    if (later.length === 0 || !wait) {
      held = later.map(({ cell }) => cell.id);
      break;
    }
    await new Promise((r) => setTimeout(r, pollSeconds * 1000));
    queue = later;
  }
  return { ...done, held, tables: await collectGrid(cells, { root }) };
}

/** Run a claimed cell: manifest "running" (attempts + 1), the runner, tables, manifest "done" or "failed". */
async function runClaimed<Cell extends AnyGridCell>(
  cell: Cell,
  state: CellState,
  lock: Lock,
  runCell: CellRunner<Cell>,
  run: { root: string; versions: Record<string, string>; commit: string },
): Promise<boolean> {
  const dir = cellDir(run.root, cell);
  const manifestPath = `${dir}/manifest.json`;
  await Deno.mkdir(`${dir}/checkpoints`, { recursive: true });
  const previous = state.manifest;
  const settings: AnyGridCell = cell;
  const manifest: RunManifest = {
    id: cell.id,
    status: "running",
    config: { ...settings },
    seed: cell.seed,
    versions: run.versions,
    gitCommit: run.commit,
    host: hostName(),
    pid: Deno.pid,
    startedAt: previous?.startedAt ?? new Date().toISOString(),
    durations: { ...(previous?.durations ?? {}) },
    attempts: (previous?.attempts ?? 0) + 1,
  };
  if (state.problems.length) manifest.recovered = state.problems.map((p) => p.message);
  await writeManifest(manifestPath, manifest);
  const t0 = performance.now();
  let timed = false;
  const addTotal = () => {
    timed = true;
    manifest.durations.total = (manifest.durations.total ?? 0) + (performance.now() - t0) / 1000;
  };
  try {
    const output = await runCell(cell, {
      dir,
      checkpointDir: `${dir}/checkpoints`,
      attempt: manifest.attempts,
      recordDuration(phase, seconds) {
        manifest.durations[phase] = (manifest.durations[phase] ?? 0) + seconds;
      },
    });
    addTotal();
    if (!(await lock.held())) {
      console.warn(
        `[lock] ${lock.path}: another run took this cell over while it ran; its results are left to that run`,
      );
      return false;
    }
    const tags = cellTags(cell);
    const files: Record<string, FileDigest> = {};
    for (const name of TABLES) {
      const rows = name === "results" ? output.results : output[name] ?? [];
      Object.assign(
        files,
        await saveTable(tableFromRows(rows.map((r) => ({ ...tags, ...r }))), `${dir}/${name}`),
      );
    }
    manifest.backend = output.backend;
    Object.assign(manifest, output.extra ?? {});
    manifest.files = files;
    manifest.status = "done";
    manifest.finishedAt = new Date().toISOString();
    await writeManifest(manifestPath, manifest);
    return true;
  } catch (e) {
    if (manifest.status !== "done") {
      if (!timed) addTotal();
      manifest.status = "failed";
      manifest.error = { name: (e as Error)?.name ?? "Error", message: (e as Error)?.message ?? String(e) };
      manifest.finishedAt = new Date().toISOString();
      if (await lock.held()) await writeManifest(manifestPath, manifest).catch(() => {});
    }
    throw e;
  }
}

/**
 * Rebuild a grid's tables from its finished cells and save them as `<root>/<grid>/<table>.{csv,arrow}`.
 * Unfinished cells contribute nothing, so a table never holds a partial or repeated run; a finished cell
 * whose files fail their checks is reported by name and left out (the next run of the grid reruns it).
 */
export async function collectGrid(
  cells: readonly AnyGridCell[],
  options: { root?: string } = {},
): Promise<GridTables> {
  const root = options.root ?? "experiments";
  const parts: Record<string, Table[]> = {
    metrics: [],
    results: [],
    localization: [],
    curves: [],
    subjects: [],
  };
  for (const cell of cells) {
    const dir = cellDir(root, cell);
    let manifest: RunManifest | undefined;
    const loaded: [string, Table][] = [];
    try {
      manifest = await readManifest(`${dir}/manifest.json`);
      if (manifest?.status !== "done") continue;
      for (const name of TABLES) {
        const t = await loadTable(`${dir}/${name}`, { expected: manifest.files });
        if (t && t.numRows() > 0) loaded.push([name, t]);
      }
    } catch (e) {
      if (!(e instanceof IntegrityError)) throw e;
      warnDamaged(e, "the cell is left out of the grid's tables (the next run of the grid reruns it)");
      continue;
    }
    for (const [name, t] of loaded) parts[name].push(t);
  }
  const tables = {
    metrics: concatTables(parts.metrics),
    results: concatTables(parts.results),
    localization: concatTables(parts.localization),
    curves: concatTables(parts.curves),
    subjects: concatTables(parts.subjects),
  };
  if (cells.length > 0) {
    for (const name of TABLES) await saveTable(tables[name], `${root}/${cells[0].grid}/${name}`);
  }
  return tables;
}

/**
 * The cells of a grid that have not finished (their {@linkcode CellState} status is not "done"), in order,
 * with where each stands: what `--collect` reports before merging the shards' cells into the tables.
 */
export async function unfinishedCells(
  cells: readonly AnyGridCell[],
  options: { root?: string } = {},
): Promise<{ id: string; status: CellState["status"] }[]> {
  const root = options.root ?? "experiments";
  const out: { id: string; status: CellState["status"] }[] = [];
  for (const cell of cells) {
    const { status } = await inspectCell(root, cell);
    if (status !== "done") out.push({ id: cell.id, status });
  }
  return out;
}
