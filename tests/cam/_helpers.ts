/** Test helpers: the cpu backend, map equality within a tolerance, and the hand-built oracle networks. */
import * as tf from "../../lib/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";
import { tinyModel } from "./_tiny_models.ts";

await tf.setBackend("cpu");

/** Element-wise |a − b| ≤ tol, with the first offending index in the message. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
  what = "values",
): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.fail(`${what}[${i}] = ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
    }
  }
}

/** (M − min) / (max − min) by hand; zeros for a flat map. */
export function minMax(values: ArrayLike<number>): number[] {
  const v = Array.from(values);
  const min = Math.min(...v), max = Math.max(...v);
  return v.map((x) => (max > min ? (x - min) / (max - min) : 0));
}

/** The 2x2 image of the hand oracles, row-major: [[1, 2], [3, 0]] (or another). */
export function handImage(values = [1, 2, 3, 0]): tf.Tensor4D {
  return tf.tensor4d(values, [1, 2, 2, 1]);
}

/**
 * The hand network: 1x1 conv with two units, f1 = ReLU(x), f2 = ReLU(2 − x); pooling; dense W = [[1, −1],
 * [0.5, 2]] (rows = channels, columns = classes), no bias unless given.
 */
export function handModel(pooling: "gap" | "gmp" = "gap", bias = [0, 0]) {
  return tinyModel({
    name: `hand-${pooling}`,
    inputShape: [2, 2, 1],
    numClasses: 2,
    pooling,
    convs: [{ kernel: [1, -1], shape: [1, 1, 1, 2], bias: [0, 2] }],
    classifier: { weights: [1, -1, 0.5, 2], bias },
  });
}

/** The hand network's logits for a 2x2 image, by hand. */
export function handLogits(x: number[], pooling: "gap" | "gmp" = "gap"): [number, number] {
  const f1 = x.map((v) => Math.max(v, 0)), f2 = x.map((v) => Math.max(2 - v, 0));
  const pool = (f: number[]) => pooling === "gap" ? f.reduce((s, v) => s + v, 0) / f.length : Math.max(...f);
  const p1 = pool(f1), p2 = pool(f2);
  return [p1 * 1 + p2 * 0.5, p1 * -1 + p2 * 2];
}

export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
