/** Shared helper: run a function's forward and gradients on wasm and cpu from identical inputs. */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  activeNative,
  initBackend,
  type NativeLibraries,
  registerNativeKernels,
  registerWasmTrainingKernels,
} from "../../lib/backend/mod.ts";

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

/** Only f's value (for ops whose tfjs gradient is not defined, e.g. fused leaky ReLU, dilated convs). */
export async function forwardValue(
  backend: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Inputs,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
  const y = f(...xs);
  const out = [await y.data() as Float32Array];
  tf.dispose([...xs, y]);
  return out;
}

/** Options of {@link sameAsCpu}. */
export interface SameAsCpuOptions {
  /** Compare the value only. @default false */
  forwardOnly?: boolean;
  /** Input i's values (default: randn with seed `seed + step·i`). */
  values?: (Float32Array | undefined)[];
  /** Maps the drawn values (e.g. to integers, for ties). @default identity */
  valuesOf?: (v: Float32Array) => Float32Array;
  /** @default 11 */
  seed?: number;
  /** @default 7 */
  step?: number;
  /** Largest relative error allowed. @default 1e-5 */
  tol?: number;
}

/** Asserts forward values (and every gradient unless `forwardOnly`) match between wasm and cpu. */
export async function sameAsCpu(
  label: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  options: SameAsCpuOptions = {},
): Promise<void> {
  const { seed = 11, step = 7, tol = 1e-5, valuesOf = (v: Float32Array) => v } = options;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const inputs = shapes.map((shape, i) => ({
    shape,
    values: options.values?.[i] ?? valuesOf(randn(size(shape), seed + step * i)),
  }));
  const run = options.forwardOnly ? forwardValue : forwardAndGrads;
  const wasm = await run("wasm", f, inputs);
  const cpu = await run("cpu", f, inputs);
  for (let i = 0; i < cpu.length; i++) {
    const err = relErr(wasm[i], cpu[i]);
    assert.ok(err <= tol, `${label}: ${i === 0 ? "forward" : `gradient ${i}`} differs from cpu by ${err}`);
  }
}

// deno-lint-ignore no-explicit-any
export type Pad = any;

/** Max-pooling cases both the wasm and the native kernels are checked on: [label, x shape, filter, strides, pad]. */
export const POOL_CASES: [string, number[], number | [number, number], number | [number, number], Pad][] = [
  ["2x2/2 valid", [2, 8, 8, 3], 2, 2, "valid"],
  ["2x2/2 valid, odd size", [2, 9, 7, 3], 2, 2, "valid"],
  ["2x2/2 same, odd size", [2, 9, 7, 3], 2, 2, "same"],
  ["3x3/2 valid (AlexNet)", [2, 13, 13, 3], 3, 2, "valid"],
  ["3x3/2 same (GoogLeNet)", [2, 14, 13, 3], 3, 2, "same"],
  ["3x3/1 same (inception branch)", [2, 7, 7, 4], 3, 1, "same"],
  ["3x2 strides [1,2] valid", [2, 7, 7, 4], [3, 2], [1, 2], "valid"],
];

/**
 * wasm with its training kernels and `libs`; returns the live tensor and wasm buffer counts, and the native
 * libraries that were on (to turn back on at the end).
 */
export async function wasmWith(
  libs: NativeLibraries | null,
): Promise<{ tensors: number; buffers: number; native: NativeLibraries }> {
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  await tf.setBackend("wasm");
  registerWasmTrainingKernels();
  const native = activeNative();
  registerNativeKernels(libs);
  return { tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers, native };
}
