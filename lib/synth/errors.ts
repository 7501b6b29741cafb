/**
 * The typed error of lib/synth.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * An input to lib/synth (an option, an anatomy volume, an MNIST file, an output folder) that cannot be used.
 * The message starts with what it is about: `"<source>: <reason>"`.
 *
 * @example
 * try { gradientScheme({ b0Count: -1 }); } catch (e) { if (e instanceof SynthError) console.error(e.message); }
 */
export class SynthError extends CamDmriError {
  /**
   * @param source The option, file or input the problem is in.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(source: string, reason: string) {
    super(source, reason);
    this.name = "SynthError";
  }
}
