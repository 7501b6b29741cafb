/**
 * Running a grid: every cell in its own folder `<root>/<grid>/<cell-id>/`, finished cells skipped, an
 * interrupted cell started again with its checkpoint folder intact (the cell's runner resumes from it).
 *
 * Crash safety: a cell's result files are written atomically and its `manifest.json` says `"done"` only after
 * all of them; grid tables are rebuilt from the finished cells' files each time, so a kill at any moment loses
 * no finished result and never duplicates one.
 *
 * @module
 */
import { atomicWriteJson, readJsonIfExists } from "./atomic.ts";
import type { GridCell } from "./grid.ts";
import { gitCommit, packageVersions, type RunManifest } from "./manifest.ts";
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
  /** Backend that ran it, e.g. "wasm (1 thread)". */
  backend?: string;
  /** Extra manifest fields. */
  extra?: Record<string, unknown>;
}

/** Runs one cell. */
export type CellRunner = (cell: GridCell, context: CellContext) => Promise<CellOutput>;

/** Options of {@linkcode runGrid}. */
export interface RunGridOptions {
  /** Folder holding grids. @default "experiments" */
  root?: string;
  /** Called before each cell with its index, the total and whether it is skipped as finished. */
  onCell?: (cell: GridCell, index: number, total: number, skipped: boolean) => void;
}

/** The grid's aggregated tables. */
export interface GridTables {
  metrics: Table;
  results: Table;
  localization: Table;
  curves: Table;
}

/** The table names of a grid and of each cell. */
export const TABLES = ["metrics", "results", "localization", "curves"] as const;

/** Folder of a cell. */
export function cellDir(root: string, cell: GridCell): string {
  return `${root}/${cell.grid}/${cell.id}`;
}

/** Whether a cell has finished (its manifest says "done"). */
export async function isDone(root: string, cell: GridCell): Promise<boolean> {
  const m = await readJsonIfExists<RunManifest>(`${cellDir(root, cell)}/manifest.json`);
  return m?.status === "done";
}

/** The columns that tag each row with the cell it came from. */
export function cellTags(cell: GridCell): Record<string, unknown> {
  return {
    run_id: cell.id,
    dataset: cell.dataset,
    model: cell.model,
    pooling: cell.pooling,
    split: cell.split,
    augmentation: cell.augmentation,
    scale: cell.scale,
    seed: cell.seed,
  };
}

/**
 * Run every unfinished cell of a grid in order, then rebuild the grid's tables from all finished cells.
 *
 * @returns the ids run now, the ids skipped as finished, and the aggregated tables.
 */
export async function runGrid(
  cells: GridCell[],
  runCell: CellRunner,
  options: RunGridOptions = {},
): Promise<{ ran: string[]; skipped: string[]; tables: GridTables }> {
  const root = options.root ?? "experiments";
  const ran: string[] = [];
  const skipped: string[] = [];
  const versions = await packageVersions();
  const commit = await gitCommit();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    const dir = cellDir(root, cell);
    const previous = await readJsonIfExists<RunManifest>(`${dir}/manifest.json`);
    if (previous?.status === "done") {
      skipped.push(cell.id);
      options.onCell?.(cell, i, cells.length, true);
      continue;
    }
    options.onCell?.(cell, i, cells.length, false);
    await Deno.mkdir(`${dir}/checkpoints`, { recursive: true });
    const manifest: RunManifest = {
      id: cell.id,
      status: "running",
      config: { ...cell },
      seed: cell.seed,
      versions,
      gitCommit: commit,
      startedAt: previous?.startedAt ?? new Date().toISOString(),
      durations: { ...(previous?.durations ?? {}) },
      attempts: (previous?.attempts ?? 0) + 1,
    };
    await atomicWriteJson(`${dir}/manifest.json`, manifest);
    const t0 = performance.now();
    const output = await runCell(cell, {
      dir,
      checkpointDir: `${dir}/checkpoints`,
      attempt: manifest.attempts,
      recordDuration(phase, seconds) {
        manifest.durations[phase] = (manifest.durations[phase] ?? 0) + seconds;
      },
    });
    manifest.durations.total = (manifest.durations.total ?? 0) + (performance.now() - t0) / 1000;
    const tags = cellTags(cell);
    for (const name of TABLES) {
      const rows = name === "results" ? output.results : output[name] ?? [];
      await saveTable(tableFromRows(rows.map((r) => ({ ...tags, ...r }))), `${dir}/${name}`);
    }
    manifest.backend = output.backend;
    Object.assign(manifest, output.extra ?? {});
    manifest.status = "done";
    manifest.finishedAt = new Date().toISOString();
    await atomicWriteJson(`${dir}/manifest.json`, manifest);
    ran.push(cell.id);
  }
  const tables = await collectGrid(cells, { root });
  return { ran, skipped, tables };
}

/**
 * Rebuild a grid's tables from its finished cells and save them as `<root>/<grid>/<table>.{csv,arrow}`.
 * Unfinished cells contribute nothing, so a table never holds a partial or repeated run.
 */
export async function collectGrid(cells: GridCell[], options: { root?: string } = {}): Promise<GridTables> {
  const root = options.root ?? "experiments";
  const parts: Record<string, Table[]> = { metrics: [], results: [], localization: [], curves: [] };
  for (const cell of cells) {
    if (!(await isDone(root, cell))) continue;
    for (const name of TABLES) {
      const t = await loadTable(`${cellDir(root, cell)}/${name}`);
      if (t && t.numRows() > 0) parts[name].push(t);
    }
  }
  const tables = {
    metrics: concatTables(parts.metrics),
    results: concatTables(parts.results),
    localization: concatTables(parts.localization),
    curves: concatTables(parts.curves),
  };
  if (cells.length > 0) {
    for (const name of TABLES) await saveTable(tables[name], `${root}/${cells[0].grid}/${name}`);
  }
  return tables;
}
