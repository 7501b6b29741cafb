/**
 * The one base error of cam-dmri. Every folder's error (NiftiError, DmriError, TrainError, ...) extends it, so
 * a caller can catch everything the library throws on purpose with one `instanceof`, and every message has the
 * same shape: `${source}: ${reason}`, the source being the file, option, function or input at fault.
 *
 * @example
 * try { await readNifti("x.nii"); } catch (e) {
 *   if (e instanceof CamDmriError) console.error(e.source, "—", e.reason);
 *   else throw e; // a bug, not bad input
 * }
 *
 * @module
 */

/** A problem with an input, a file or an option, named by `source`. */
export class CamDmriError extends Error {
  /** The file, option, function or input the problem is in. */
  readonly source: string;
  /** The problem, without the source. */
  readonly reason: string;

  /** Message is `${source}: ${reason}`. */
  constructor(source: string, reason: string, options?: ErrorOptions) {
    super(`${source}: ${reason}`, options);
    this.name = "CamDmriError";
    this.source = source;
    this.reason = reason;
  }

  /**
   * Splits a `"source: reason"` message at its first ": " (for errors built from one message); a message
   * without one is all reason, from `fallback`.
   */
  static split(message: string, fallback: string): [string, string] {
    const at = message.indexOf(": ");
    return at > 0 ? [message.slice(0, at), message.slice(at + 2)] : [fallback, message];
  }
}
