/**
 * The typed error of lib/probes.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * A linear probe was given something it cannot use: features that do not split into samples, labels that do
 * not match them, a layer the network does not have, an empty dataset, classifier weights of the wrong shape.
 * The message starts with the function (or model) name and then says what is wrong: `"<source>: <reason>"`,
 * e.g. `gapFeatures: small-gap has no layer fc9`.
 *
 * @example
 * try { linearSvm(features, labels); } catch (e) { if (e instanceof ProbeError) console.error(e.message); }
 */
export class ProbeError extends CamDmriError {
  /**
   * @param source The function or model the problem is about, e.g. `"linearSvm"`.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(source: string, reason: string) {
    super(source, reason);
    this.name = "ProbeError";
  }
}
