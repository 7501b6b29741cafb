/**
 * Convolution and pooling geometry in the native libraries' terms (NHWC, explicit padding on each side),
 * computed with tfjs's own rules so that every path agrees with the cpu backend: the declared output size
 * decides the bottom/right padding (tfjs sizes numeric padding of non-square filters from the height).
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { ConvAttrs } from "./_kernel_util.ts";
import type { ConvProblem, PoolProblem } from "../native/mod.ts";

/** MaxPool / MaxPoolGrad attributes. */
export type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/**
 * The problem in oneDNN's terms (tfjs's geometry: the declared output size decides the bottom/right
 * padding, as the cpu backend sizes it), or null for NCHW.
 */
export function convProblem(xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvProblem | null {
  if (attrs.dataFormat != null && attrs.dataFormat !== "NHWC") return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, c] = xShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: eh, effectiveFilterWidth: ew } = info;
  const { top, left } = info.padInfo;
  return {
    n,
    h,
    w,
    c,
    o: filterShape[3],
    kh: filterShape[0],
    kw: filterShape[1],
    oh,
    ow,
    sh,
    sw,
    dh,
    dw,
    top,
    left,
    bottom: (oh - 1) * sh + eh - h - top,
    right: (ow - 1) * sw + ew - w - left,
  };
}

/** The pooling problem in oneDNN's terms (bottom/right padding from tfjs's declared output size). */
export function poolProblem(xShape: number[], attrs: PoolAttrs): PoolProblem {
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, c] = xShape;
  const {
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    filterHeight: kh,
    filterWidth: kw,
  } = info;
  const { top, left } = info.padInfo;
  return {
    n,
    h,
    w,
    c,
    oh,
    ow,
    kh,
    kw,
    sh,
    sw,
    top,
    left,
    bottom: (oh - 1) * sh + kh - h - top,
    right: (ow - 1) * sw + kw - w - left,
  };
}
