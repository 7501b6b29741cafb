/**
 * The one error type of lib/nifti.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * A NIfTI file (or byte buffer) that cannot be read or written, with the file name and the problem.
 *
 * @example
 * try { await readNifti("x.nii"); } catch (e) { if (e instanceof NiftiError) console.error(e.file, e.reason); }
 */
export class NiftiError extends CamDmriError {
  /** The file (or the name given to a byte buffer) the problem is about (also `source`). */
  readonly file: string;

  /** Message is `${file}: ${reason}`. */
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super(file, reason, options);
    this.name = "NiftiError";
    this.file = file;
  }
}
