/**
 * The capture and perturbation hooks of one forward pass, shared by the 2-D and 3-D zoo networks.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { ModelError } from "./errors.ts";

/** A shape as text, e.g. "[1, 7, 7, 64]". */
export const shapeText = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

/**
 * Checks that every layer in `options.capture` and `options.perturb` is one of `layerNames` (else a
 * {@link ModelError} for model `name`), and returns `tap(layer, y)`: y + perturb[layer] when a perturbation is
 * given (its shape must equal y's), recorded in `activations` when the layer is captured. Call `tap` inside
 * the pass's `tf.tidy` and return `activations` from it.
 */
export function layerTap(
  name: string,
  layerNames: readonly string[],
  options: { capture?: string[]; perturb?: Record<string, tf.Tensor> },
): { activations: Record<string, tf.Tensor>; tap: <T extends tf.Tensor>(layer: string, y: T) => T } {
  const capture = new Set(options.capture ?? []);
  const perturb = options.perturb ?? {};
  const known = new Set(layerNames);
  for (const layer of [...capture, ...Object.keys(perturb)]) {
    if (!known.has(layer)) throw new ModelError(name, `no layer named "${layer}"`);
  }
  const activations: Record<string, tf.Tensor> = {};
  const tap = <T extends tf.Tensor>(layer: string, y: T): T => {
    const p = perturb[layer];
    if (p) {
      if (p.shape.length !== y.shape.length || p.shape.some((d, i) => d !== y.shape[i])) {
        throw new ModelError(
          name,
          `perturb "${layer}" has shape ${shapeText(p.shape)}, the layer's output is ${shapeText(y.shape)}`,
        );
      }
      y = tf.add(y, p);
    }
    if (capture.has(layer)) activations[layer] = y;
    return y;
  };
  return { activations, tap };
}
