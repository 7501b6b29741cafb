/**
 * Batch normalisation in training mode as two wasm kernels, each a few passes over the heap with float64
 * per-channel accumulators (channels last; every other axis is reduced):
 *
 * - `BatchNormTraining` (inputs x, gamma, beta; attr epsilon): outputs y = γ·(x − μ)·r + β, μ and the biased
 *   variance σ² = Σ(x − μ)²/N, where r = 1/√(σ² + ε) and N is the number of values per channel.
 * - `BatchNormTrainingGrad` (inputs dy, x, gamma, mean, variance, dmean, dvar; attr epsilon): outputs
 *   dx = γ·r·(dy − dβ/N − x̂·dγ/N) + dμ/N + 2·dσ²·(x − μ)/N, dγ = Σ dy·x̂ and dβ = Σ dy, with x̂ = (x − μ)·r.
 *
 * The stock composition (tf.moments, then subtract, multiply, add with broadcasts) runs some 25 kernels per
 * layer forward and about 70 with its gradient (the moments' transposes and every broadcast's reduction):
 * these two replace them.
 *
 * @module
 */
import type { HeapBackend, Info, KernelArgs } from "./_kernel_util.ts";

/** The value count per channel and the channel count of a channels-last shape. */
function layout(shape: number[]): { n: number; c: number } {
  const c = shape[shape.length - 1];
  return { n: c === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / c, c };
}

function refuse(kernel: string, why: string): never {
  throw new Error(`lib/backend: ${kernel} takes float32 tensors of rank ≥ 2 (${why})`);
}

function check(kernel: string, infos: Info[], c: number, rank: number): void {
  if (rank < 2) refuse(kernel, `rank ${rank}`);
  for (const i of infos) if (i.dtype !== "float32") refuse(kernel, `got ${i.dtype}`);
  for (const i of infos.slice(1)) {
    if (i.shape.length !== 1 || i.shape[0] !== c) refuse(kernel, `per-channel input of shape [${i.shape}]`);
  }
}

/** BatchNormTraining on the wasm heap. */
export function batchNormTraining(args: KernelArgs): Info[] {
  const { x, gamma, beta } = args.inputs as { x: Info; gamma: Info; beta: Info };
  const epsilon = Number((args.attrs as { epsilon: number }).epsilon);
  const { n, c } = layout(x.shape);
  check("BatchNormTraining", [x, gamma, beta], c, x.shape.length);
  const backend = args.backend as HeapBackend;
  const y = backend.makeOutput([...x.shape], "float32");
  const mean = backend.makeOutput([c], "float32");
  const variance = backend.makeOutput([c], "float32");
  // Views after every allocation: growing the heap detaches earlier ones.
  const xv = backend.typedArrayFromHeap(x), yv = backend.typedArrayFromHeap(y);
  const g = backend.typedArrayFromHeap(gamma), b = backend.typedArrayFromHeap(beta);
  const mu = new Float64Array(c), v = new Float64Array(c);
  for (let o = 0, r = 0; r < n; r++) for (let j = 0; j < c; j++, o++) mu[j] += xv[o];
  for (let j = 0; j < c; j++) mu[j] = n > 0 ? mu[j] / n : NaN;
  for (let o = 0, r = 0; r < n; r++) {
    for (let j = 0; j < c; j++, o++) {
      const d = xv[o] - mu[j];
      v[j] += d * d;
    }
  }
  const scale = new Float64Array(c), shift = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    v[j] = n > 0 ? v[j] / n : NaN;
    scale[j] = g[j] / Math.sqrt(v[j] + epsilon);
    shift[j] = b[j] - mu[j] * scale[j];
  }
  for (let o = 0, r = 0; r < n; r++) for (let j = 0; j < c; j++, o++) yv[o] = xv[o] * scale[j] + shift[j];
  backend.typedArrayFromHeap(mean).set(mu);
  backend.typedArrayFromHeap(variance).set(v);
  return [y, mean, variance];
}

/** BatchNormTrainingGrad on the wasm heap. */
export function batchNormTrainingGrad(args: KernelArgs): Info[] {
  const { dy, x, gamma, mean, variance, dmean, dvar } = args.inputs as Record<string, Info>;
  const epsilon = Number((args.attrs as { epsilon: number }).epsilon);
  const { n, c } = layout(x.shape);
  check("BatchNormTrainingGrad", [x, gamma, mean, variance, dmean, dvar], c, x.shape.length);
  if (dy.dtype !== "float32" || dy.shape.join() !== x.shape.join()) {
    refuse("BatchNormTrainingGrad", `dy of shape [${dy.shape}] for x of shape [${x.shape}]`);
  }
  const backend = args.backend as HeapBackend;
  const dx = backend.makeOutput([...x.shape], "float32");
  const dgamma = backend.makeOutput([c], "float32");
  const dbeta = backend.makeOutput([c], "float32");
  const dyv = backend.typedArrayFromHeap(dy), xv = backend.typedArrayFromHeap(x);
  const dxv = backend.typedArrayFromHeap(dx);
  const g = backend.typedArrayFromHeap(gamma), mu = backend.typedArrayFromHeap(mean);
  const v = backend.typedArrayFromHeap(variance);
  const dmu = backend.typedArrayFromHeap(dmean), dv = backend.typedArrayFromHeap(dvar);
  const r = new Float64Array(c);
  for (let j = 0; j < c; j++) r[j] = 1 / Math.sqrt(v[j] + epsilon);
  const sdy = new Float64Array(c), sdyx = new Float64Array(c);
  for (let o = 0, i = 0; i < n; i++) {
    for (let j = 0; j < c; j++, o++) {
      sdy[j] += dyv[o];
      sdyx[j] += dyv[o] * (xv[o] - mu[j]);
    }
  }
  // dx = a·dy + k·(x − μ) + m per channel, with x̂ = (x − μ)·r:
  // a = γr, k = −γr·r·dγ/N + 2dσ²/N, m = −γr·dβ/N + dμ/N.
  const a = new Float64Array(c), k = new Float64Array(c), m = new Float64Array(c);
  const dg = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    dg[j] = sdyx[j] * r[j];
    a[j] = g[j] * r[j];
    k[j] = n > 0 ? (-a[j] * r[j] * dg[j] + 2 * dv[j]) / n : 0;
    m[j] = n > 0 ? (-a[j] * sdy[j] + dmu[j]) / n : 0;
  }
  for (let o = 0, i = 0; i < n; i++) {
    for (let j = 0; j < c; j++, o++) dxv[o] = a[j] * dyv[o] + k[j] * (xv[o] - mu[j]) + m[j];
  }
  backend.typedArrayFromHeap(dgamma).set(dg);
  backend.typedArrayFromHeap(dbeta).set(sdy);
  return [dx, dgamma, dbeta];
}

/** The batch-norm kernels by name, for lib/backend/wasm_kernels.ts to register. */
export const WASM_BATCH_NORM_KERNELS: Readonly<Record<string, (args: KernelArgs) => Info[]>> = {
  BatchNormTraining: batchNormTraining,
  BatchNormTrainingGrad: batchNormTrainingGrad,
};
