/**
 * The typed error of lib/dmri.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * An input to lib/dmri (a bval/bvec file, a gradient table, a DWI volume) that cannot be used.
 * The message starts with the file or input it is about: `"<source>: <reason>"`.
 *
 * @example
 * try { await readBvals("sub.bval"); } catch (e) { if (e instanceof DmriError) console.error(e.source); }
 */
export class DmriError extends CamDmriError {
  /**
   * An error about `source`, with the message `"<source>: <reason>"`.
   *
   * @param source The file or input the problem is in.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(source: string, reason: string) {
    super(source, reason);
    this.name = "DmriError";
  }
}
