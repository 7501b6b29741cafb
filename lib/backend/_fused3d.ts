/**
 * The kernels behind {@link fusedConv3d} (lib/backend/fused_conv3d.ts) on the wasm backend, NDHWC / DHWIO:
 *
 * - `FusedConv3D` (inputs x, filter, bias?; attrs strides, pad, dilations, activation "linear" | "relu"):
 *   y = act(x ⊛ w + b), one oneDNN convolution with the bias and a ReLU post-op;
 * - `Conv3DBackpropFilterBias` (inputs x, dy; attrs strides, pad, dilations, filterShape): two outputs,
 *   dw = ∂(Σ y·dy)/∂w and db[o] = Σ_{n, a, p, q} dy[n, a, p, q, o], from one oneDNN backward-weights pass;
 * - `ReluBackprop` (inputs dy, y): dx = dy where y > 0, else 0 (ReLU's gradient from its output), on oneDNN's
 *   threads.
 * - `FusedConv3DMaxPool` (FusedConv3D's inputs and attrs plus poolSize, poolStrides, poolPad): two outputs, the
 *   max pooling p of act(x ⊛ w + b) and its workspace ws (int32: oneDNN's bytes, 1-D, or without oneDNN the
 *   flat input index of each window's first maximum, shaped like p); the unpooled volume is never kept;
 * - `MaxPool3DGradWorkspace` (inputs dy, ws; attrs inputShape, poolSize, poolStrides, poolPad): dx from dy and
 *   the workspace alone: each window's dy goes to its first maximum.
 *
 * Each has a oneDNN form (`dnnl*`, used through lib/backend/native_kernels.ts when oneDNN loads) and a
 * JavaScript fallback ({@link WASM_FUSED_3D_KERNELS}) that composes the registered `Conv3D` /
 * `Conv3DBackpropFilterV2` with plain loops: right everywhere, fast nowhere; it refuses what it cannot compute
 * (not float32, NCDHW) with a typed error.
 *
 * @module
 */
import type { Dnnl } from "../native/mod.ts";
import { CamDmriError } from "../errors.ts";
import {
  type Conv3DAttrs,
  conv3dProblem,
  dnnlPadsOk,
  type Pool3DAttrs,
  pool3dProblem,
} from "./_geometry3d.ts";
import { forEachWindow } from "./_js_kernels3d.ts";
import type { Pool3DProblem } from "../native/mod.ts";
import {
  type HeapBackend,
  heapPointer as at,
  type Info,
  type KernelArgs,
  nativeOutput,
  run,
} from "./_kernel_util.ts";

/** FusedConv3D attributes: a Conv3D's plus the activation applied after the bias. */
export type FusedConv3DAttrs = Conv3DAttrs & { activation: "linear" | "relu" };

/** The max pooling of FusedConv3DMaxPool and MaxPool3DGradWorkspace. */
export type PoolAttrs = {
  poolSize: Pool3DAttrs["filterSize"];
  poolStrides: Pool3DAttrs["strides"];
  poolPad: "valid" | "same";
};

/** The pooling problem on a volume of `shape`, or null for NCDHW. */
const poolOf = (shape: number[], a: PoolAttrs): Pool3DProblem | null =>
  pool3dProblem(shape, { filterSize: a.poolSize, strides: a.poolStrides, pad: a.poolPad });

/** oneDNN needs every window to hold at least one input position (as in _dnnl_pool3d.ts). */
const poolUsable = (p: Pool3DProblem | null): p is Pool3DProblem =>
  p != null && dnnlPadsOk(p) && p.n * p.od * p.oh * p.ow * p.c > 0 && p.front < p.kd && p.back < p.kd &&
  p.top < p.kh && p.bottom < p.kh && p.left < p.kw && p.right < p.kw;

function refuse(kernel: string, why: string): never {
  throw new CamDmriError(`${kernel} (wasm)`, `${why}: only float32 NDHWC tensors are supported`);
}

const isF32 = (...xs: (Info | undefined)[]) => xs.every((x) => x == null || x.dtype === "float32");

/** FusedConv3D on oneDNN (bias and ReLU fused into the convolution), or null when it does not apply. */
export function dnnlFusedConv3D(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { x, filter, bias } = args.inputs as { x: Info; filter: Info; bias?: Info };
  const attrs = args.attrs as unknown as FusedConv3DAttrs;
  const backend = args.backend as HeapBackend;
  if (!isF32(x, filter, bias)) return null;
  const p = conv3dProblem(x.shape, filter.shape, attrs);
  if (p == null || !dnnlPadsOk(p) || p.n * p.od * p.oh * p.ow * p.o === 0 || p.c === 0) return null;
  if (bias != null && bias.shape.length !== 1) return null;
  return nativeOutput(backend, [p.n, p.od, p.oh, p.ow, p.o], (y) =>
    dnnl.convForward(
      p,
      {
        x: at(backend, x),
        w: at(backend, filter),
        b: bias == null ? null : at(backend, bias),
        y: at(backend, y),
      },
      attrs.activation === "relu",
    ));
}

/** Conv3DBackpropFilterBias on oneDNN: [dw, db] from one backward-weights pass, or null when it does not apply. */
export function dnnlConv3DBackpropFilterBias(dnnl: Dnnl, args: KernelArgs): Info[] | null {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as Conv3DAttrs & { filterShape: number[] };
  const backend = args.backend as HeapBackend;
  if (!isF32(x, dy)) return null;
  const p = conv3dProblem(x.shape, attrs.filterShape, attrs);
  if (p == null || !dnnlPadsOk(p) || p.n * p.od * p.oh * p.ow === 0 || p.c * p.o === 0) return null;
  const db = backend.makeOutput([p.o], "float32");
  const dw = nativeOutput(backend, attrs.filterShape, (dw) =>
    dnnl.convBackwardWeights(p, {
      x: at(backend, x),
      dy: at(backend, dy),
      dw: at(backend, dw),
      db: at(backend, db),
    }));
  if (dw == null) {
    backend.disposeData(db.dataId);
    return null;
  }
  return [dw, db];
}

/** ReluBackprop on oneDNN (eltwise backward from the output), or null when it does not apply. */
export function dnnlReluBackprop(dnnl: Dnnl, args: KernelArgs): Info | null {
  const { dy, y } = args.inputs as { dy: Info; y: Info };
  const backend = args.backend as HeapBackend;
  const n = y.shape.reduce((a, b) => a * b, 1);
  if (!isF32(dy, y) || n === 0 || dy.shape.join() !== y.shape.join()) return null;
  return nativeOutput(
    backend,
    y.shape,
    (dx) => dnnl.reluBackward(n, { y: at(backend, y), dy: at(backend, dy), dx: at(backend, dx) }),
  );
}

/**
 * FusedConv3DMaxPool on oneDNN: the fused convolution into a scratch volume, max pooling for training (with its
 * workspace) from it, the scratch freed; or null when either does not apply.
 */
export function dnnlFusedConv3DMaxPool(dnnl: Dnnl, args: KernelArgs): Info[] | null {
  const backend = args.backend as HeapBackend;
  const attrs = args.attrs as unknown as PoolAttrs;
  const { x, filter } = args.inputs as { x: Info; filter: Info };
  const cp = conv3dProblem(x.shape, filter.shape, args.attrs as unknown as Conv3DAttrs);
  if (cp == null) return null;
  const pp = poolOf([cp.n, cp.od, cp.oh, cp.ow, cp.o], attrs);
  if (!poolUsable(pp)) return null;
  const bytes = dnnl.maxPoolWorkspaceBytes(pp);
  if (bytes == null) return null;
  const y = dnnlFusedConv3D(dnnl, args);
  if (y == null) return null;
  const ws = backend.makeOutput([Math.max(1, Math.ceil(bytes / 4))], "int32");
  const p = nativeOutput(backend, [pp.n, pp.od, pp.oh, pp.ow, pp.c], (p) =>
    dnnl.maxPoolForwardTraining(pp, {
      x: at(backend, y),
      y: at(backend, p),
      ws: Deno.UnsafePointer.of(backend.typedArrayFromHeap(ws)),
    }));
  backend.disposeData(y.dataId);
  if (p == null) {
    backend.disposeData(ws.dataId);
    return null;
  }
  return [p, ws];
}

/** MaxPool3DGradWorkspace on oneDNN (a 1-D workspace from dnnlFusedConv3DMaxPool), or null. */
export function dnnlMaxPool3DGradWorkspace(dnnl: Dnnl, args: KernelArgs): Info | null {
  const backend = args.backend as HeapBackend;
  const { dy, ws } = args.inputs as { dy: Info; ws: Info };
  const attrs = args.attrs as unknown as PoolAttrs & { inputShape: number[] };
  if (ws.shape.length !== 1 || !isF32(dy)) return null;
  const pp = poolOf(attrs.inputShape, attrs);
  if (!poolUsable(pp)) return null;
  return nativeOutput(backend, attrs.inputShape, (dx) =>
    dnnl.maxPoolBackwardFromWorkspace(pp, {
      dy: at(backend, dy),
      ws: Deno.UnsafePointer.of(backend.typedArrayFromHeap(ws)),
      dx: at(backend, dx),
    }));
}

/**
 * FusedConv3DMaxPool without oneDNN: {@link fusedConv3D}, then each window's maximum (running max from −∞
 * with ">", so the first maximum in (depth, row, column) order wins) and its flat index as the workspace.
 */
export function fusedConv3DMaxPool(args: KernelArgs): Info[] {
  const backend = args.backend as HeapBackend;
  const y = fusedConv3D(args);
  const pp = poolOf(y.shape, args.attrs as unknown as PoolAttrs);
  if (pp == null) {
    backend.disposeData(y.dataId);
    refuse("FusedConv3DMaxPool", "NCDHW");
  }
  const shape = [pp.n, pp.od, pp.oh, pp.ow, pp.c];
  const p = backend.makeOutput(shape, "float32"), ws = backend.makeOutput(shape, "int32");
  const pv = backend.typedArrayFromHeap(p), yv = backend.typedArrayFromHeap(y);
  const wv = backend.typedArrayFromHeap(ws) as unknown as Int32Array;
  forEachWindow(pp, (outAt, taps) => {
    for (let ch = 0; ch < pp.c; ch++) {
      let best = -Infinity, arg = -1;
      for (const t of taps) if (yv[t + ch] > best) (best = yv[t + ch], arg = t + ch);
      pv[outAt + ch] = best;
      wv[outAt + ch] = arg;
    }
  });
  backend.disposeData(y.dataId);
  return [p, ws];
}

/** MaxPool3DGradWorkspace without oneDNN: dx[ws[i]] += dy[i] (a workspace of flat indices, shaped like dy). */
export function maxPool3DGradWorkspace(args: KernelArgs): Info {
  const backend = args.backend as HeapBackend;
  const { dy, ws } = args.inputs as { dy: Info; ws: Info };
  const attrs = args.attrs as unknown as { inputShape: number[] };
  if (!isF32(dy)) refuse("MaxPool3DGradWorkspace", "not float32");
  if (ws.shape.join() !== dy.shape.join()) {
    throw new CamDmriError(
      "MaxPool3DGradWorkspace (wasm)",
      "the workspace was written by oneDNN, which is off now: run the forward pass again",
    );
  }
  const out = backend.makeOutput(attrs.inputShape, "float32");
  const dx = backend.typedArrayFromHeap(out), g = backend.typedArrayFromHeap(dy);
  const wv = backend.typedArrayFromHeap(ws) as unknown as Int32Array;
  dx.fill(0);
  for (let i = 0; i < g.length; i++) if (wv[i] >= 0) dx[wv[i]] += g[i];
  return out;
}

/** FusedConv3D without oneDNN: the registered Conv3D, then y = act(y + b) in place. */
export function fusedConv3D(args: KernelArgs): Info {
  const { x, filter, bias } = args.inputs as { x: Info; filter: Info; bias?: Info };
  const attrs = args.attrs as unknown as FusedConv3DAttrs;
  if (!isF32(x, filter, bias)) refuse("FusedConv3D", "not float32");
  if (attrs.dataFormat != null && attrs.dataFormat !== "NDHWC") refuse("FusedConv3D", "NCDHW");
  const backend = args.backend as HeapBackend;
  const out = run(backend, "Conv3D", { x, filter }, {
    strides: attrs.strides,
    pad: attrs.pad,
    dataFormat: "NDHWC",
    dilations: attrs.dilations ?? 1,
  });
  const y = backend.typedArrayFromHeap(out);
  const o = out.shape[4];
  const b = bias == null ? new Float32Array(o) : backend.typedArrayFromHeap(bias);
  const relu = attrs.activation === "relu";
  for (let i = 0; i < y.length; i += o) {
    for (let k = 0; k < o; k++) {
      const v = y[i + k] + b[k];
      y[i + k] = relu && !(v > 0) ? 0 : v;
    }
  }
  return out;
}

/** Conv3DBackpropFilterBias without oneDNN: the registered Conv3DBackpropFilterV2, and db summed in float64. */
export function conv3DBackpropFilterBias(args: KernelArgs): Info[] {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  if (!isF32(x, dy)) refuse("Conv3DBackpropFilterBias", "not float32");
  const backend = args.backend as HeapBackend;
  const dw = run(backend, "Conv3DBackpropFilterV2", { x, dy }, args.attrs as Record<string, unknown>);
  const o = dy.shape[4];
  const db = backend.makeOutput([o], "float32");
  const g = backend.typedArrayFromHeap(dy);
  const sum = new Float64Array(o);
  for (let i = 0; i < g.length; i += o) for (let k = 0; k < o; k++) sum[k] += g[i + k];
  backend.typedArrayFromHeap(db).set(sum);
  return [dw, db];
}

/** ReluBackprop without oneDNN: dx = dy where y > 0, else 0. */
export function reluBackprop(args: KernelArgs): Info {
  const { dy, y } = args.inputs as { dy: Info; y: Info };
  if (!isF32(dy, y)) refuse("ReluBackprop", "not float32");
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput(y.shape, "float32");
  const dx = backend.typedArrayFromHeap(out);
  const g = backend.typedArrayFromHeap(dy), yv = backend.typedArrayFromHeap(y);
  for (let i = 0; i < dx.length; i++) dx[i] = yv[i] > 0 ? g[i] : 0;
  return out;
}

/** The kernels this module adds to `wasm` (none exists in stock tfjs). */
export const WASM_FUSED_3D_KERNELS = {
  FusedConv3D: fusedConv3D,
  Conv3DBackpropFilterBias: conv3DBackpropFilterBias,
  ReluBackprop: reluBackprop,
  FusedConv3DMaxPool: fusedConv3DMaxPool,
  MaxPool3DGradWorkspace: maxPool3DGradWorkspace,
} as const;
