/**
 * Typed error for the slicing module.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/** Raised when a volume cannot be sliced or slice maps cannot be put back into a volume. */
export class SliceError extends CamDmriError {
  /**
   * Build the error; the message is "`input`: `reason`".
   *
   * @param input What was being sliced or reassembled (a file name, "volume", "maps[3]", ...).
   * @param reason What is wrong with it, in words a user can act on.
   */
  constructor(readonly input: string, reason: string) {
    super(input, reason);
    this.name = "SliceError";
  }
}
