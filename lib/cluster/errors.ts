/**
 * Errors of lib/cluster.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** A bad shard, a Slurm option that cannot be used, or a Slurm command that failed: names what is at fault. */
export class ClusterError extends CamDmriError {
  constructor(source: string, reason: string, options?: ErrorOptions) {
    super(source, reason, options);
    this.name = "ClusterError";
  }
}
