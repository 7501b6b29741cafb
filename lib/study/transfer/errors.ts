/**
 * The typed error of the study's transfer analyses (lib/study/transfer).
 *
 * @module
 */

import { CamDmriError } from "../../errors.ts";

/**
 * An input of a transfer analysis (CAM-crop accuracy, class-specific units, weak labels, a concept detector)
 * that cannot be used: an empty dataset, a class or unit out of range, labels that are not 0/1. The message
 * starts with the function's name and then says what is wrong: `"<source>: <reason>"`, e.g.
 * `cropAccuracy: the dataset is empty`.
 */
export class TransferError extends CamDmriError {
  /**
   * @param source The function the problem is about, e.g. `"classUnits"`.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(source: string, reason: string) {
    super(source, reason);
    this.name = "TransferError";
  }
}
