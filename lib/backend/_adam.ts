/**
 * One Adam update of one variable as a single pass over the wasm heap (`AdamUpdate`), where the stock
 * composition runs about twelve kernels over the variable's size (two of them allocations per kernel).
 *
 * Inputs w, g, m, v (float32, one shape); attrs beta1, beta2, epsilon, stepSize = η/(1 − β1^t),
 * biasRoot = √(1 − β2^t), l2 (λ, or 0) and decay (1 − ηλ, or 1). Outputs [w', m', v']:
 *
 *   g' = g + λ w,  m' = β1 m + (1 − β1) g',  v' = β2 v + (1 − β2) g'²,
 *   w' = decay · w − stepSize · m' / (√v' / biasRoot + ε)
 *
 * Every operation is rounded to float32 in the composition's order (Math.fround after each double-precision
 * step, which rounds exactly as float32 arithmetic does: double has more than 2·24 + 2 bits), so the result is
 * the stock composition's bit for bit: a run resumed on another backend continues the same.
 *
 * @module
 */
import type { HeapBackend, Info, KernelArgs } from "./_kernel_util.ts";

/** AdamUpdate's attributes. */
export interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  stepSize: number;
  biasRoot: number;
  l2: number;
  decay: number;
}

/** AdamUpdate on the wasm heap. */
export function adamUpdate(args: KernelArgs): Info[] {
  const { w, g, m, v } = args.inputs as Record<string, Info>;
  const a = args.attrs as unknown as AdamAttrs;
  for (const [name, t] of [["g", g], ["m", m], ["v", v]] as const) {
    if (t.dtype !== "float32" || w.dtype !== "float32" || t.shape.join() !== w.shape.join()) {
      throw new Error(
        `lib/backend: AdamUpdate takes float32 w, g, m, v of one shape (w [${w.shape}] ${w.dtype}, ${name} ` +
          `[${t.shape}] ${t.dtype})`,
      );
    }
  }
  const backend = args.backend as HeapBackend;
  const wOut = backend.makeOutput([...w.shape], "float32");
  const mOut = backend.makeOutput([...w.shape], "float32");
  const vOut = backend.makeOutput([...w.shape], "float32");
  // Views after every allocation: growing the heap detaches earlier ones.
  const wv = backend.typedArrayFromHeap(w), gv = backend.typedArrayFromHeap(g);
  const mv = backend.typedArrayFromHeap(m), vv = backend.typedArrayFromHeap(v);
  const wo = backend.typedArrayFromHeap(wOut), mo = backend.typedArrayFromHeap(mOut);
  const vo = backend.typedArrayFromHeap(vOut);
  const f = Math.fround;
  // The scalars as the composition's float32 scalar tensors hold them.
  const b1 = f(a.beta1), c1 = f(1 - a.beta1), b2 = f(a.beta2), c2 = f(1 - a.beta2);
  const eps = f(a.epsilon), step = f(a.stepSize), root = f(a.biasRoot), l2 = f(a.l2), decay = f(a.decay);
  const coupled = a.l2 > 0, decoupled = a.decay !== 1;
  for (let i = 0; i < wv.length; i++) {
    const x = wv[i];
    const gi = coupled ? f(gv[i] + f(x * l2)) : gv[i];
    const mi = f(f(mv[i] * b1) + f(gi * c1));
    const vi = f(f(vv[i] * b2) + f(f(gi * gi) * c2));
    const denom = f(f(f(Math.sqrt(vi)) / root) + eps);
    const base = decoupled ? f(x * decay) : x;
    wo[i] = f(base - f(f(mi / denom) * step));
    mo[i] = mi;
    vo[i] = vi;
  }
  return [wOut, mOut, vOut];
}
