/** Helpers shared by tests/foreign, tests/probes and tests/study/transfer: the cpu backend and closeness. */
import * as tf from "../lib/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import assert from "node:assert/strict";

/** Use the cpu backend (small tensors; deterministic). */
export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/** Element-wise |a − b| ≤ tol (absolute), with the first failing index in the message. */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = "values"): void {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol)) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]} (tol ${tol})`);
  }
}
