/**
 * The typed error of lib/foreign.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/**
 * A foreign network or its input cannot be used: an npm package that is not on this machine, a weights
 * manifest or graph model whose files do not fit together, an op or layer the adapter does not know, a JPEG
 * it cannot decode, an input of the wrong shape. The message starts with what it is about (a file path, a
 * package, a model or function name) and then says what is wrong: `"<source>: <reason>"`, e.g.
 * `x-weights_manifest.json: weight fc/weights needs 1792 bytes, the buffer ends after 12`.
 *
 * @example
 * try { await loadEmotionNet(); } catch (e) { if (e instanceof ForeignModelError) console.error(e.message); }
 */
export class ForeignModelError extends CamDmriError {
  /**
   * @param source The file, package, model or function the problem is about.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(source: string, reason: string) {
    super(source, reason);
    this.name = "ForeignModelError";
  }
}
