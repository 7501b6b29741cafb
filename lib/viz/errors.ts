/**
 * Typed error for the visualisation module.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/** Raised when an image, chart spec or render request cannot be honoured. */
export class VizError extends CamDmriError {
  /**
   * Build the error; the message is "`input`: `reason`".
   *
   * @param input What was being drawn or rendered ("image", "cam", "spec", "images[2]", ...).
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(readonly input: string, reason: string) {
    super(input, reason);
    this.name = "VizError";
  }
}
