/**
 * The training loop's error type.
 *
 * @module
 */

/** Raised on impossible training options, incompatible data or checkpoints, or a non-finite loss. */
export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainError";
  }
}
