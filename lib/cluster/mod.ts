/**
 * Scaling out: array-job shards and Slurm. A stage (preprocessing by subject, the grid by cell) runs as the
 * tasks of an array, each on its share ({@linkcode shareOf}); the items themselves are claimed with
 * lib/experiments's locks on the shared filesystem, so tasks never fight. {@linkcode slurmPipeline} writes the
 * `sbatch --array` scripts of preprocess → grid → collect, and {@linkcode submitPipeline} submits them with
 * `--dependency=afterok` between the stages.
 *
 * ```ts
 * const shard = parseShard("3/8"); // task 3 of 8
 * const mine = shareOf(subjects, shard);
 * ```
 *
 * @module
 */
export { ClusterError } from "./errors.ts";
export { parseShard, type Shard, shareOf } from "./shard.ts";
export {
  shellQuote,
  type SlurmPipeline,
  slurmPipeline,
  type SlurmPipelineOptions,
  type Stage,
  STAGES,
  type SubmitOptions,
  submitPipeline,
} from "./slurm.ts";
