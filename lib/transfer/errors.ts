/**
 * Typed errors of the transfer module.
 *
 * @module
 */

/**
 * Something about a packaged model, an image file or a transfer experiment's input is wrong. The message
 * starts with what it is about (a file path, a package or a function name) and then says what is wrong, e.g.
 * `face_expression_model-weights_manifest.json: weight fc/weights needs 1792 bytes, the buffer ends after 12`.
 */
export class TransferError extends Error {
  /**
   * @param subject The file, package or function the problem is about.
   * @param reason What is wrong, in words a user can act on.
   */
  constructor(readonly subject: string, reason: string) {
    super(`${subject}: ${reason}`);
    this.name = "TransferError";
  }
}
