/**
 * The kernels behind {@link fusedConv3d} (lib/backend/fused_conv3d.ts) on the wasm backend, NDHWC / DHWIO:
 *
 * - `FusedConv3D` (inputs x, filter, bias?; attrs strides, pad, dilations, activation "linear" | "relu"):
 *   y = act(x ⊛ w + b), one oneDNN convolution with the bias and a ReLU post-op;
 * - `Conv3DBackpropFilterBias` (inputs x, dy; attrs strides, pad, dilations, filterShape): two outputs,
 *   dw = ∂(Σ y·dy)/∂w and db[o] = Σ_{n, a, p, q} dy[n, a, p, q, o], from one oneDNN backward-weights pass;
 * - `ReluBackprop` (inputs dy, y): dx = dy where y > 0, else 0 (ReLU's gradient from its output), on oneDNN's
 *   threads.
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
import { type Conv3DAttrs, conv3dProblem, dnnlPadsOk } from "./_geometry3d.ts";
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
} as const;
