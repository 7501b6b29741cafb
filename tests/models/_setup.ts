/**
 * Test setup shared by the model tests: the project's backend (which also registers tfjs's gradients),
 * honouring `CAM_BACKEND`, e.g. `CAM_BACKEND=cpu deno test ... tests/models/`.
 *
 * @module
 */
import * as tf from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";

/** Initialise the backend once; returns its name. */
export async function setupBackend(): Promise<string> {
  const info = await initBackend();
  return info.name;
}

/** Images `[b, h, w, c]` from a seeded sequence (no tfjs randomness, so every backend sees the same input). */
export function seededImages(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return tf.tensor4d(values, shape);
}

/** Largest absolute difference between two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A small input each architecture accepts, for width-1/16 runs on a CPU. */
export const SMALL_SIZE: Record<string, number> = {
  alexnet: 67,
  vgg16: 32,
  googlenet: 32,
  inceptionv3: 59,
  small: 32,
};
export const sizeFor = (name: string) => SMALL_SIZE[name.split("-")[0]];
