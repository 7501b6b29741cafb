/**
 * Correct 3-D kernels for the wasm backend where oneDNN is absent, as plain loops over the wasm heap (NDHWC).
 * Stock tfjs-backend-wasm 4.22 computes `Conv3DBackpropInputV2` wrong (relative error 1.0 against the cpu
 * backend), `Conv3DBackpropFilterV2` wrong for strides > 1 (0.9) and `MaxPool3D` wrong (0.09; so also its
 * gradient); these replace them and the 3-D pooling gradients (stock `Conv3D` agrees with cpu and stays). They
 * are slow (scalar JavaScript, about as fast as the cpu backend's), but never wrong; install libdnnl2 for speed.
 *
 * Rules, the same as the oneDNN kernels of _dnnl_pool3d.ts:
 * - max pooling: y = max over the window's positions inside x; its gradient goes to the window's first maximum
 *   in (depth, row, column) order (running max from −∞ with ">", so NaN never wins);
 * - average pooling: y = Σ_{W ∩ x} x / |W ∩ x| (padding excluded); gradient dx[i] = Σ_{W ∋ i} dy[W] / |W ∩ x|.
 *
 * @module
 */
import { type Conv3DAttrs, conv3dProblem, type Pool3DAttrs, pool3dProblem } from "./_geometry3d.ts";
import type { HeapBackend, Info, KernelArgs } from "./_kernel_util.ts";
import type { Conv3DProblem, Pool3DProblem } from "../native/mod.ts";
import { CamDmriError } from "../errors.ts";

/** Refuses a 3-D kernel call it cannot run (NCDHW or a dtype other than float32), with a typed error. */
function unsupported(kernel: string, why: string): never {
  throw new CamDmriError(`${kernel} (wasm)`, `${why}: only float32 NDHWC tensors are supported`);
}

/**
 * Visits every tap of the convolution `p` that falls inside x, in (n, a, p, q, k, i, j) order:
 * `visit(gAt, wAt, xAt)` with the offsets (channel 0) of dy[n, a, p, q, ·], w[k, i, j, ·, ·] and
 * x[n, a·sd + k·dd − front, p·sh + i·dh − top, q·sw + j·dw − left, ·].
 */
function forEachTap(p: Conv3DProblem, visit: (gAt: number, wAt: number, xAt: number) => void): void {
  const { c, o } = p;
  for (let b = 0; b < p.n; b++) {
    for (let a = 0; a < p.od; a++) {
      for (let r = 0; r < p.oh; r++) {
        for (let q = 0; q < p.ow; q++) {
          const gAt = (((b * p.od + a) * p.oh + r) * p.ow + q) * o;
          for (let k = 0; k < p.kd; k++) {
            const z = a * p.sd + k * p.dd - p.front;
            if (z < 0 || z >= p.d) continue;
            for (let i = 0; i < p.kh; i++) {
              const y = r * p.sh + i * p.dh - p.top;
              if (y < 0 || y >= p.h) continue;
              for (let j = 0; j < p.kw; j++) {
                const x = q * p.sw + j * p.dw - p.left;
                if (x < 0 || x >= p.w) continue;
                visit(gAt, ((k * p.kh + i) * p.kw + j) * c * o, (((b * p.d + z) * p.h + y) * p.w + x) * c);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Conv3DBackpropInputV2 (inputs dy, filter; attrs strides, pad, inputShape):
 * dx[n, z, y, x, c] = Σ_{a, p, q, k, i, j, o : a·sd + k·dd − front = z, …} dy[n, a, p, q, o] · w[k, i, j, c, o].
 */
export function conv3DBackpropInput(args: KernelArgs): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as Conv3DAttrs & { inputShape: number[] };
  if (dy.dtype !== "float32" || filter.dtype !== "float32") {
    unsupported("Conv3DBackpropInputV2", "not float32");
  }
  const p = conv3dProblem(attrs.inputShape, filter.shape, attrs) ??
    unsupported("Conv3DBackpropInputV2", "NCDHW");
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput([p.n, p.d, p.h, p.w, p.c], "float32");
  // Views after the last allocation: growing wasm memory detaches earlier ones.
  const dx = backend.typedArrayFromHeap(out), g = backend.typedArrayFromHeap(dy);
  const wv = backend.typedArrayFromHeap(filter);
  dx.fill(0);
  const { c, o } = p;
  const acc = new Float64Array(c);
  forEachTap(p, (gAt, wAt, xAt) => {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      const wr = wAt + ch * o;
      for (let oc = 0; oc < o; oc++) s += g[gAt + oc] * wv[wr + oc];
      acc[ch] = s;
    }
    for (let ch = 0; ch < c; ch++) dx[xAt + ch] += acc[ch];
  });
  return out;
}

/**
 * Conv3DBackpropFilterV2 (inputs x, dy; attrs strides, pad, filterShape), summed in float64:
 * dw[k, i, j, c, o] = Σ_{n, a, p, q} x[n, a·sd + k·dd − front, p·sh + i·dh − top, q·sw + j·dw − left, c] ·
 * dy[n, a, p, q, o].
 */
export function conv3DBackpropFilter(args: KernelArgs): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as Conv3DAttrs & { filterShape: number[] };
  if (x.dtype !== "float32" || dy.dtype !== "float32") unsupported("Conv3DBackpropFilterV2", "not float32");
  const p = conv3dProblem(x.shape, attrs.filterShape, attrs) ??
    unsupported("Conv3DBackpropFilterV2", "NCDHW");
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput(attrs.filterShape, "float32");
  const dw = backend.typedArrayFromHeap(out), g = backend.typedArrayFromHeap(dy);
  const xv = backend.typedArrayFromHeap(x);
  const { c, o } = p;
  const sum = new Float64Array(dw.length);
  forEachTap(p, (gAt, wAt, xAt) => {
    for (let ch = 0; ch < c; ch++) {
      const v = xv[xAt + ch], wr = wAt + ch * o;
      for (let oc = 0; oc < o; oc++) sum[wr + oc] += v * g[gAt + oc];
    }
  });
  dw.set(sum);
  return out;
}

/**
 * Visits every window of `p`: `visit(outAt, taps)` with the output's offset (channel 0) and the input offsets
 * (channel 0) of the window's positions inside x, in (depth, row, column) order.
 */
export function forEachWindow(p: Pool3DProblem, visit: (outAt: number, taps: number[]) => void): void {
  const taps: number[] = [];
  for (let b = 0; b < p.n; b++) {
    for (let a = 0; a < p.od; a++) {
      for (let r = 0; r < p.oh; r++) {
        for (let q = 0; q < p.ow; q++) {
          taps.length = 0;
          for (let k = 0; k < p.kd; k++) {
            const z = a * p.sd + k - p.front;
            if (z < 0 || z >= p.d) continue;
            for (let i = 0; i < p.kh; i++) {
              const y = r * p.sh + i - p.top;
              if (y < 0 || y >= p.h) continue;
              for (let j = 0; j < p.kw; j++) {
                const x = q * p.sw + j - p.left;
                if (x >= 0 && x < p.w) taps.push((((b * p.d + z) * p.h + y) * p.w + x) * p.c);
              }
            }
          }
          visit((((b * p.od + a) * p.oh + r) * p.ow + q) * p.c, taps);
        }
      }
    }
  }
}

function poolArgs(kernel: string, args: KernelArgs): { x: Info; dy?: Info; p: Pool3DProblem } {
  const { x, input, dy } = args.inputs as { x?: Info; input?: Info; dy?: Info };
  const src = (x ?? input)!;
  if (src.dtype !== "float32" || (dy != null && dy.dtype !== "float32")) unsupported(kernel, "not float32");
  const p = pool3dProblem(src.shape, args.attrs as unknown as Pool3DAttrs) ?? unsupported(kernel, "NCDHW");
  return { x: src, dy, p };
}

/** MaxPool3D: y[n, a, p, q, c] = max over the window's positions inside x. */
export function maxPool3D(args: KernelArgs): Info {
  const { x, p } = poolArgs("MaxPool3D", args);
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput([p.n, p.od, p.oh, p.ow, p.c], "float32");
  const y = backend.typedArrayFromHeap(out), xv = backend.typedArrayFromHeap(x);
  forEachWindow(p, (at, taps) => {
    for (let ch = 0; ch < p.c; ch++) {
      let best = -Infinity;
      for (const t of taps) if (xv[t + ch] > best) best = xv[t + ch];
      y[at + ch] = best;
    }
  });
  return out;
}

/** MaxPool3DGrad (inputs dy, input, output): each window's dy goes to its first maximum. */
export function maxPool3DGrad(args: KernelArgs): Info {
  const { x, dy, p } = poolArgs("MaxPool3DGrad", args);
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput(x.shape, "float32");
  const dx = backend.typedArrayFromHeap(out), xv = backend.typedArrayFromHeap(x);
  const g = backend.typedArrayFromHeap(dy!);
  dx.fill(0);
  forEachWindow(p, (at, taps) => {
    for (let ch = 0; ch < p.c; ch++) {
      let best = -Infinity, arg = -1;
      for (const t of taps) if (xv[t + ch] > best) (best = xv[t + ch], arg = t + ch);
      if (arg >= 0) dx[arg] += g[at + ch];
    }
  });
  return out;
}

/** AvgPool3D: y = Σ_{W ∩ x} x / |W ∩ x| (padding excluded). */
export function avgPool3D(args: KernelArgs): Info {
  const { x, p } = poolArgs("AvgPool3D", args);
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput([p.n, p.od, p.oh, p.ow, p.c], "float32");
  const y = backend.typedArrayFromHeap(out), xv = backend.typedArrayFromHeap(x);
  forEachWindow(p, (at, taps) => {
    const inv = 1 / Math.max(1, taps.length);
    for (let ch = 0; ch < p.c; ch++) {
      let s = 0;
      for (const t of taps) s += xv[t + ch];
      y[at + ch] = s * inv;
    }
  });
  return out;
}

/** AvgPool3DGrad (inputs dy, input): dx[i] = Σ_{W ∋ i} dy[W] / |W ∩ x|, the exact gradient of {@link avgPool3D}. */
export function avgPool3DGrad(args: KernelArgs): Info {
  const { x, dy, p } = poolArgs("AvgPool3DGrad", args);
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput(x.shape, "float32");
  const dx = backend.typedArrayFromHeap(out), g = backend.typedArrayFromHeap(dy!);
  dx.fill(0);
  forEachWindow(p, (at, taps) => {
    const inv = 1 / Math.max(1, taps.length);
    for (const t of taps) for (let ch = 0; ch < p.c; ch++) dx[t + ch] += g[at + ch] * inv;
  });
  return out;
}

/** The kernels this module provides for `wasm`, all replacing stock ones. */
export const WASM_3D_KERNELS = {
  Conv3DBackpropInputV2: conv3DBackpropInput,
  Conv3DBackpropFilterV2: conv3DBackpropFilter,
  MaxPool3D: maxPool3D,
  MaxPool3DGrad: maxPool3DGrad,
  AvgPool3D: avgPool3D,
  AvgPool3DGrad: avgPool3DGrad,
} as const;
