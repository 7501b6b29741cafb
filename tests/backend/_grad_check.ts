/** Shared helper: run a function's forward and gradients on wasm and cpu from identical inputs. */
import * as tf from "@tensorflow/tfjs-core";

/** Deterministic N(0,1)-ish values (LCG + Box–Muller). */
export function randn(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

export type Inputs = { shape: number[]; values: Float32Array }[];

/** Value of f and the gradients of Σ f(x)·r with respect to every input, on `backend`. */
export async function forwardAndGrads(
  backend: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Inputs,
  seed = 7,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
  const y = tf.tidy(() => f(...xs));
  const r = tf.tensor(randn(y.size, seed), y.shape);
  const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), r)))(xs);
  const out = [
    await y.data() as Float32Array,
    ...(await Promise.all(g.map((t) => t.data()))) as Float32Array[],
  ];
  tf.dispose([...xs, y, r, ...g]);
  return out;
}

/** max |a − b| / max(1, max |b|): the relative error used throughout. */
export function relErr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let num = 0, den = 1;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
