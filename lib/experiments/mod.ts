/**
 * Experiment grids: configs → cells → runs with manifests → arquero tables (CSV + Arrow). Everything a run
 * writes is atomic and checked (SHA-256), and cells are claimed with locks so runs can share a folder.
 *
 * ```ts
 * const { cells } = await loadGrid("experiments/configs/quick.json");
 * const { tables } = await runGrid(cells, runStudyCell, { root: "experiments" });
 * ```
 *
 * @module
 */
export * from "./atomic.ts";
export * from "./grid.ts";
export * from "./lock.ts";
export * from "./manifest.ts";
export * from "./runner.ts";
export * from "./tables.ts";
