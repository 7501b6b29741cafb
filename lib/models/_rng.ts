/**
 * Normal draws for weight initialisation (the generators are lib/rng.ts's).
 *
 * @module
 */
import { streamRng } from "../rng.ts";
import type { VariableSpec } from "./spec.ts";

/** `n` draws from N(0, std²) by Box–Muller. */
export function normalArray(n: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - rand())) * std;
    const theta = 2 * Math.PI * rand();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** A variable's initial values: zeros, ones, or N(0, 2/fanIn) ("he") / N(0, 1/fanIn) ("lecun") from its own stream. */
export function initialValues(v: VariableSpec, seed: number): Float32Array {
  const n = v.shape.reduce((a, b) => a * b, 1);
  switch (v.init) {
    case "zeros":
      return new Float32Array(n);
    case "ones":
      return new Float32Array(n).fill(1);
    case "he":
      return normalArray(n, Math.sqrt(2 / v.fanIn), streamRng(seed, v.name));
    case "lecun":
      return normalArray(n, Math.sqrt(1 / v.fanIn), streamRng(seed, v.name));
  }
}
