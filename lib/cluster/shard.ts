/**
 * Shards: the share of a list of items (subjects, grid cells) one task of an array job works on.
 *
 * @module
 */
import { ClusterError } from "./errors.ts";

/** One task's share: item `k` belongs to it when `k % count === index` (round robin). */
export interface Shard {
  /** This task, 0 ≤ index < count (Slurm's `SLURM_ARRAY_TASK_ID` for `--array=0-(count-1)`). */
  index: number;
  /** How many tasks share the items. */
  count: number;
}

/**
 * Parse `"i/n"` (e.g. `--shard 2/8`): task i of n, 0 ≤ i < n.
 *
 * @throws {ClusterError} naming `source` when the text is not two integers with 0 ≤ i < n.
 * @example
 * parseShard("2/8"); // { index: 2, count: 8 }
 */
export function parseShard(text: string, source = "--shard"): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ClusterError(source, `"${text}" is not i/n (task i of n, e.g. 0/4)`);
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index >= count) {
    throw new ClusterError(source, `"${text}": need 0 ≤ i < n and n ≥ 1`);
  }
  return { index, count };
}

/**
 * The items of one shard, in their order: those at positions k with k % count === index. Round robin keeps
 * the shares within one item of each other and spreads a list sorted by size over every task.
 *
 * @example
 * shareOf(["a", "b", "c", "d", "e"], { index: 1, count: 2 }); // ["b", "d"]
 */
export function shareOf<T>(items: readonly T[], shard?: Shard): T[] {
  if (!shard) return [...items];
  return items.filter((_, k) => k % shard.count === shard.index);
}
