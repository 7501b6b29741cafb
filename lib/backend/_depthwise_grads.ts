/**
 * Depthwise conv gradient kernels for the wasm backend, composed from its depthwise forward conv, batched
 * matMul, transposes and reductions.
 *
 * Forward (channel multiplier m): y[n, p, q, c·m + k] = Σ_{i, j} x[n, p·sh + i·dh − pt, q·sw + j·dw − pl, c] ·
 * f[i, j, c, k].
 *
 * @module
 */
import * as tf from "../tf.ts";
import {
  type Info,
  type KernelArgs,
  padOrCrop,
  reshape,
  run,
  scoped,
  transpose,
  type WasmLike,
  zeroInsert,
} from "./_kernel_util.ts";

type DwAttrs = {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/**
 * A one-hot "patch extraction" filter `[fh, fw, c, fh·fw]`: E[i, j, c, t] = 1 if t = i·fw + j. A depthwise conv
 * with it copies every window tap into its own channel: out[.., c·T + t] = x at tap t.
 */
export function tapFilter(backend: WasmLike, fh: number, fw: number, c: number): Info {
  const taps = fh * fw;
  const values = new Float32Array(taps * c * taps);
  for (let t = 0; t < taps; t++) for (let ch = 0; ch < c; ch++) values[(t * c + ch) * taps + t] = 1;
  // deno-lint-ignore no-explicit-any
  return (backend as any).makeOutput([fh, fw, c, taps], "float32", undefined, values) as Info;
}

/**
 * dX[n, h, w, c] = Σ_{i, j, k} dyZ[n, h + pt − i·dh, w + pl − j·dw, c·m + k] · f[i, j, c, k]: zero-insert dy
 * for the stride, pad, a depthwise conv (multiplier 1 over c·m channels) with the filter rotated 180°, then
 * a sum over the multiplier.
 */
export function depthwiseBackpropInput(
  args: KernelArgs,
): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs as unknown as
    & DwAttrs
    & { inputShape: [number, number, number, number] };
  return depthwiseInputGrad(args.backend, dy, filter, inputShape, {
    strides,
    dilations,
    pad,
    dimRoundingMode,
  });
}

/** Shared by the depthwise input gradient and MaxPoolGrad's scatter step. */
export function depthwiseInputGrad(
  backend: WasmLike,
  dy: Info,
  filter: Info,
  inputShape: [number, number, number, number],
  attrs: DwAttrs,
): Info {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [n, inH, inW, c] = inputShape;
  const [fh, fw, , m] = filter.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  return scoped(backend, (use) => {
    const dyZ = use(zeroInsert(backend, dy, sh, sw));
    const zh = dyZ.shape[1], zw = dyZ.shape[2];
    const top = (fh - 1) * dh - pt, left = (fw - 1) * dw - pl;
    const bottom = inH + (fh - 1) * dh - zh - top, right = inW + (fw - 1) * dw - zw - left;
    const dyP = use(padOrCrop(backend, dyZ, [[0, 0], [top, bottom], [left, right], [0, 0]]));
    const rot = use(run(backend, "Reverse", { x: filter }, { dims: [0, 1] }));
    const rot1 = use(reshape(backend, rot, [fh, fw, c * m, 1]));
    const out = use(run(backend, "DepthwiseConv2dNative", { x: dyP, filter: rot1 }, {
      strides: [1, 1],
      pad: "valid",
      dilations: [dh, dw],
    })); // [n, H, W, c·m]
    if (m === 1) return reshape(backend, out, out.shape);
    const out5 = use(reshape(backend, out, [n, inH, inW, c, m]));
    return run(backend, "Sum", { x: out5 }, { axis: [4], keepDims: false });
  });
}

/**
 * dF[i, j, c, k] = Σ_{n, p, q} x[n, p·sh + i·dh − pt, q·sw + j·dw − pl, c] · dy[n, p, q, c·m + k]: window
 * taps gathered by a depthwise conv with a one-hot filter, then one batched matMul per channel.
 */
export function depthwiseBackpropFilter(
  args: KernelArgs,
): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs as unknown as
    & DwAttrs
    & { filterShape: [number, number, number, number] };
  const backend = args.backend;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const [, inH, inW, c] = x.shape;
  const [fh, fw, , m] = filterShape;
  const [, oh, ow] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const taps = fh * fw;
  const rows = dy.shape[0] * oh * ow;
  return scoped(backend, (use) => {
    const pb = (fh - 1) * dh + (oh - 1) * sh + 1 - inH - pt;
    const pr = (fw - 1) * dw + (ow - 1) * sw + 1 - inW - pl;
    const xP = use(padOrCrop(backend, x, [[0, 0], [pt, pb], [pl, pr], [0, 0]]));
    const e = use(tapFilter(backend, fh, fw, c));
    const patches = use(run(backend, "DepthwiseConv2dNative", { x: xP, filter: e }, {
      strides: [sh, sw],
      pad: "valid",
      dilations: [dh, dw],
    })); // [n, oh, ow, c·T]
    const p3 = use(reshape(backend, patches, [rows, c, taps]));
    const pT = use(transpose(backend, p3, [1, 2, 0])); // [c, T, rows]
    const d3 = use(reshape(backend, dy, [rows, c, m]));
    const dT = use(transpose(backend, d3, [1, 0, 2])); // [c, rows, m]
    const prod = use(run(backend, "BatchMatMul", { a: pT, b: dT }, { transposeA: false, transposeB: false }));
    const pr3 = use(transpose(backend, prod, [1, 0, 2])); // [T, c, m]
    return reshape(backend, pr3, [fh, fw, c, m]);
  });
}
