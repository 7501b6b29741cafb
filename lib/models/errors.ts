/**
 * Typed errors of the model zoo.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * Something about a model, its input or its saved files is wrong. The message starts with what it is
 * about (a model name such as `alexnet-gap`, or a file path) and then says what is wrong, e.g.
 * `alexnet-gap: input 32x32 is too small (minimum 35x35)`.
 */
export class ModelError extends CamDmriError {
  /**
   * @param subject The model name or file the problem is about.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(readonly subject: string, reason: string) {
    super(subject, reason);
    this.name = "ModelError";
  }
}
