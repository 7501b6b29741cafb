/**
 * Experiment grids: configs → cells → runs with manifests → arquero tables (CSV + Arrow). Configs are checked
 * field by field when they load (a study passes its schema: its datasets and their options, fields.ts's
 * checkers), everything a run writes is atomic and checked (SHA-256), and cells are claimed with locks so
 * runs can share a folder. stats.ts holds the small-sample tests for comparing runs on few subjects (exact
 * binomial and McNemar, the paired sign-flip test).
 *
 * ```ts
 * const { cells } = await loadGrid("experiments/configs/quick.json", { schema: STUDY_GRID });
 * const { tables } = await runGrid(cells, studyRunner({ cohortDir }), { root: "experiments" });
 * ```
 *
 * @module
 */
export * from "./fields.ts";
export * from "./grid.ts";
export * from "./lock.ts";
export * from "./manifest.ts";
export * from "./runner.ts";
export * from "./stats.ts";
export * from "./tables.ts";
