/**
 * The training loop's error type.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** Raised on impossible training options, incompatible data or checkpoints, or a non-finite loss. */
export class TrainError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "train"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "TrainError";
  }
}
