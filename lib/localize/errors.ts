/** Typed errors of lib/localize. */

import { CamDmriError } from "../errors.ts";

/**
 * Inputs that do not fit together: a map whose length does not match its shape, a mask of another size,
 * a threshold out of range. The message starts with the function's name.
 */
export class LocalizeError extends CamDmriError {
  /**
   * @param fn Name of the public function that failed, e.g. `"boxFromMap"`.
   * @param reason What was wrong.
   */
  constructor(readonly fn: string, reason: string) {
    super(fn, reason);
    this.name = "LocalizeError";
  }
}
