/**
 * Conv2D gradient kernels for the wasm backend, composed from its fast forward kernels (XNNPACK conv).
 *
 * Forward: y[n, p, q, o] = Σ_{i, j, c} x[n, p·sh + i − pt, q·sw + j − pl, c] · w[i, j, c, o].
 *
 * @module
 */
import * as tf from "../tf.ts";
import {
  type ConvAttrs,
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
import { tapFilter } from "./_depthwise_grads.ts";

/**
 * Stride-1 Conv2D of x padded by [top, bottom, left, right] (negative amounts crop): the padding goes to
 * XNNPACK as explicit padding when none is negative, saving a padded copy of x.
 */
function convPadded(
  backend: WasmLike,
  x: Info,
  filter: Info,
  [top, bottom, left, right]: number[],
  dilations: [number, number],
  use: (info: Info) => Info,
): Info {
  const attrs = { strides: [1, 1], dataFormat: "NHWC", dilations };
  if (Math.min(top, bottom, left, right) >= 0) {
    return run(backend, "Conv2D", { x, filter }, {
      ...attrs,
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    });
  }
  const xP = use(padOrCrop(backend, x, [[0, 0], [top, bottom], [left, right], [0, 0]]));
  return run(backend, "Conv2D", { x: xP, filter }, { ...attrs, pad: "valid" });
}

function checkFormat(name: string, dataFormat?: string): void {
  if (dataFormat != null && dataFormat !== "NHWC") {
    throw new Error(`lib/backend ${name} (wasm): dataFormat ${dataFormat} is not supported, use NHWC`);
  }
}

/** The inputs, backend and conv geometry both Conv2DBackpropFilter compositions start from. */
function filterGradSetup(
  args: KernelArgs,
): { x: Info; dy: Info; backend: WasmLike; info: tf.backend_util.Conv2DInfo } {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as
    & ConvAttrs
    & { filterShape: [number, number, number, number] };
  checkFormat("Conv2DBackpropFilter", dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  return { x, dy, backend: args.backend, info };
}

/**
 * dW[i, j, c, o] = Σ_{n, p, q} x[n, p·sh + i − pt, q·sw + j − pl, c] · dy[n, p, q, o], computed as a forward
 * conv of x (channels as batch, batch as channels) with dy as the filter, dilated by the stride.
 */
export function conv2DBackpropFilterByConv(
  args: KernelArgs,
): Info {
  const { x, dy, backend, info } = filterGradSetup(args);
  const [, inH, inW] = x.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const [, oh, ow] = dy.shape;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  // Extent of x that output rows/cols touch: rows −pt .. (oh−1)·sh + kh − 1 − pt.
  const pb = (kh - 1) + (oh - 1) * sh + 1 - inH - pt;
  const pr = (kw - 1) + (ow - 1) * sw + 1 - inW - pl;
  return scoped(backend, (use) => {
    const xT = use(transpose(backend, x, [3, 1, 2, 0])); // [c, H, W, n]
    const dyT = use(transpose(backend, dy, [1, 2, 0, 3])); // [oh, ow, n, o]
    const out = use(convPadded(backend, xT, dyT, [pt, pb, pl, pr], [sh, sw], use)); // [c, kh, kw, o]
    return transpose(backend, out, [1, 2, 0, 3]);
  });
}

/**
 * Conv2DBackpropFilter kernel: im2col ({@link conv2DBackpropFilterIm2col}) when the patch matrix is narrow
 * (c·kh·kw ≤ 32, e.g. the first layer on 1-channel images, where XNNPACK's conv with a huge filter is ~6x
 * slower), else the forward-conv form ({@link conv2DBackpropFilterByConv}), which was faster on wide layers.
 */
export function conv2DBackpropFilter(
  args: KernelArgs,
): Info {
  const { x } = args.inputs as { x: Info };
  const { filterShape } = args.attrs as unknown as { filterShape: [number, number, number, number] };
  const width = x.shape[3] * filterShape[0] * filterShape[1];
  return width <= 32 ? conv2DBackpropFilterIm2col(args) : conv2DBackpropFilterByConv(args);
}

/**
 * The same gradient by im2col: a depthwise conv with a one-hot filter gathers every window tap of x into
 * `patches [N, c·T]` (N = n·oh·ow, T = kh·kw; handles stride and padding), then one GEMM
 * dWᵀ[o, c·T] = dyᵀ[o, N] · patches[N, c·T], or dW = patchesᵀ · dy when the patches are the wider operand
 * (explicit transposes: wasm's matMul is slow with transpose flags).
 */
export function conv2DBackpropFilterIm2col(
  args: KernelArgs,
): Info {
  const { x, dy, backend, info } = filterGradSetup(args);
  const [, inH, inW, c] = x.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const [n, oh, ow, o] = dy.shape;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const pb = (kh - 1) + (oh - 1) * sh + 1 - inH - pt;
  const pr = (kw - 1) + (ow - 1) * sw + 1 - inW - pl;
  const rows = n * oh * ow, taps = kh * kw;
  return scoped(backend, (use) => {
    const xP = use(padOrCrop(backend, x, [[0, 0], [pt, pb], [pl, pr], [0, 0]]));
    let patches: Info;
    if (taps === 1) {
      patches = xP; // 1x1 filter, stride 1 after cropping: x itself
      if (sh !== 1 || sw !== 1) {
        patches = use(
          run(backend, "DepthwiseConv2dNative", { x: xP, filter: use(tapFilter(backend, 1, 1, c)) }, {
            strides: [sh, sw],
            pad: "valid",
            dilations: [1, 1],
          }),
        );
      }
    } else {
      const e = use(tapFilter(backend, kh, kw, c));
      patches = use(run(backend, "DepthwiseConv2dNative", { x: xP, filter: e }, {
        strides: [sh, sw],
        pad: "valid",
        dilations: [1, 1],
      })); // [n, oh, ow, c·T]
    }
    const p2 = use(reshape(backend, patches, [rows, c * taps]));
    const d2 = use(reshape(backend, dy, [rows, o]));
    if (c * taps <= o) {
      // XNNPACK repacks the right-hand operand on every call (it is new each step) and packing costs more
      // than our heap transpose, so the smaller matrix (here the patches) goes on the right.
      const dT = use(transpose(backend, d2, [1, 0])); // [o, N]
      const g = use(run(backend, "BatchMatMul", { a: dT, b: p2 }, { transposeA: false, transposeB: false }));
      const g4 = use(reshape(backend, g, [o, c, kh, kw]));
      return transpose(backend, g4, [2, 3, 1, 0]);
    }
    const pT = use(transpose(backend, p2, [1, 0])); // [c·T, N]
    const g = use(run(backend, "BatchMatMul", { a: pT, b: d2 }, { transposeA: false, transposeB: false }));
    const g4 = use(reshape(backend, g, [c, kh, kw, o]));
    return transpose(backend, g4, [1, 2, 0, 3]);
  });
}

/**
 * dX[n, h, w, c] = Σ_{i, j, o} dyZ[n, h + pt − i, w + pl − j, o] · w[i, j, c, o] where dyZ is dy with
 * sh − 1 (sw − 1) zeros inserted between rows (columns): a stride-1 forward conv of the padded dyZ with the
 * filter rotated by 180° and its in/out channels swapped.
 */
export function conv2DBackpropInput(
  args: KernelArgs,
): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as
    & ConvAttrs
    & { inputShape: [number, number, number, number] };
  checkFormat("Conv2DBackpropInput", dataFormat);
  const backend = args.backend;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [, inH, inW] = inputShape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  return scoped(backend, (use) => {
    const dyZ = use(zeroInsert(backend, dy, sh, sw)); // [n, oh·sh, ow·sw, o]
    const zh = dyZ.shape[1], zw = dyZ.shape[2];
    const top = kh - 1 - pt, left = kw - 1 - pl;
    const bottom = inH + kh - 1 - zh - top, right = inW + kw - 1 - zw - left;
    const rot = use(run(backend, "Reverse", { x: filter }, { dims: [0, 1] }));
    const wT = use(transpose(backend, rot, [0, 1, 3, 2])); // [kh, kw, o, c]
    return convPadded(backend, dyZ, wT, [top, bottom, left, right], [1, 1], use);
  });
}

/**
 * Conv2D forward that agrees with the cpu backend for numeric padding with a non-square filter: tfjs then
 * sizes the output from the filter height on both axes, which XNNPACK does not; an explicit padding that
 * yields the declared output size is passed instead. Other paddings go straight to the stock kernel.
 */
export function makeConv2D(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { pad } = args.attrs as unknown as ConvAttrs;
    if (typeof pad !== "number") return stock(args as unknown as Parameters<tf.KernelFunc>[0]);
    const { x, filter } = args.inputs as { x: Info; filter: Info };
    const a = args.attrs as unknown as ConvAttrs & { dilations?: [number, number] | number };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      pad,
      a.dimRoundingMode,
    );
    const bottom = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight - info.inHeight -
      pad;
    const right = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth - info.inWidth - pad;
    const backend = args.backend;
    return scoped(backend, (use) => {
      const xP = use(padOrCrop(backend, x, [[0, 0], [pad, bottom], [pad, right], [0, 0]]));
      return stock(
        {
          inputs: { x: xP, filter },
          backend,
          attrs: { ...args.attrs, pad: "valid" },
        } as unknown as Parameters<tf.KernelFunc>[0],
      ) as Info;
    });
  }) as unknown as tf.KernelFunc;
}
