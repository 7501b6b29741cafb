/** Typed errors of the CAM family. */

import { CamDmriError } from "../errors.ts";

/**
 * A CAM method was asked for something it cannot do: an unknown layer, a class index out of range, a
 * class list whose length does not match the batch, an option out of range. The message starts with the
 * method's name (`cam`, `gradCam`, ...) so that the caller knows which call failed.
 */
export class CamError extends CamDmriError {
  /**
   * @param method Name of the public function that failed, e.g. `"gradCam"`.
   * @param reason What was wrong, in words a user can act on.
   */
  constructor(readonly method: string, reason: string) {
    super(method, reason);
    this.name = "CamError";
  }
}
