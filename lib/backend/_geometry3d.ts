/**
 * 3-D convolution and pooling geometry in oneDNN's terms (NDHWC, explicit padding on each side), computed with
 * tfjs's own rules (`computeConv3DInfo`, `computePool3DInfo`) so that every path agrees with the cpu backend:
 * the declared output size decides the back/bottom/right padding.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { Conv3DProblem, Pool3DProblem } from "../native/mod.ts";

type Triple = number | [number, number, number];

/** Conv3D / Conv3DBackpropInputV2 / Conv3DBackpropFilterV2 attributes. */
export type Conv3DAttrs = {
  strides: Triple;
  pad: "valid" | "same" | number;
  dataFormat?: "NDHWC" | "NCDHW";
  dilations?: Triple;
};

/** MaxPool3D / AvgPool3D (and their gradients') attributes. */
export type Pool3DAttrs = {
  filterSize: Triple;
  strides: Triple;
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  dataFormat?: "NDHWC" | "NCDHW";
};

type Shape5 = [number, number, number, number, number];

/**
 * Whether oneDNN can take the problem's padding. For "same", tfjs's 3-D geometry does not clamp the padding
 * at 0, so a window smaller than its stride on an even size (e.g. a 1³ kernel at stride 2 on 8³:
 * (4 − 1)·2 + 1 − 8 = −1) gets front padding ⌊−1/2⌋ = −1, and the cpu backend samples x[2i + 1]. oneDNN refuses
 * negative front padding (status 2), so such problems run on the fallback, which follows tfjs like cpu.
 */
export function dnnlPadsOk(p: { front: number; top: number; left: number }): boolean {
  return p.front >= 0 && p.top >= 0 && p.left >= 0;
}

/** The 3-D convolution in oneDNN's terms, or null for NCDHW. */
export function conv3dProblem(
  xShape: number[],
  filterShape: number[],
  attrs: Conv3DAttrs,
): Conv3DProblem | null {
  if (attrs.dataFormat != null && attrs.dataFormat !== "NDHWC") return null;
  const i = tf.backend_util.computeConv3DInfo(
    xShape as Shape5,
    filterShape as Shape5,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
  );
  const [n, d, h, w, c] = xShape;
  const { front, top, left } = i.padInfo;
  return {
    n,
    d,
    h,
    w,
    c,
    o: filterShape[4],
    kd: filterShape[0],
    kh: filterShape[1],
    kw: filterShape[2],
    od: i.outDepth,
    oh: i.outHeight,
    ow: i.outWidth,
    sd: i.strideDepth,
    sh: i.strideHeight,
    sw: i.strideWidth,
    dd: i.dilationDepth,
    dh: i.dilationHeight,
    dw: i.dilationWidth,
    front,
    top,
    left,
    back: (i.outDepth - 1) * i.strideDepth + i.effectiveFilterDepth - d - front,
    bottom: (i.outHeight - 1) * i.strideHeight + i.effectiveFilterHeight - h - top,
    right: (i.outWidth - 1) * i.strideWidth + i.effectiveFilterWidth - w - left,
  };
}

/** The 3-D pooling in oneDNN's terms, or null for NCDHW. */
export function pool3dProblem(xShape: number[], attrs: Pool3DAttrs): Pool3DProblem | null {
  if (attrs.dataFormat != null && attrs.dataFormat !== "NDHWC") return null;
  const i = tf.backend_util.computePool3DInfo(
    xShape as Shape5,
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, d, h, w, c] = xShape;
  const { front, top, left } = i.padInfo;
  return {
    n,
    d,
    h,
    w,
    c,
    od: i.outDepth,
    oh: i.outHeight,
    ow: i.outWidth,
    kd: i.filterDepth,
    kh: i.filterHeight,
    kw: i.filterWidth,
    sd: i.strideDepth,
    sh: i.strideHeight,
    sw: i.strideWidth,
    front,
    top,
    left,
    back: (i.outDepth - 1) * i.strideDepth + i.filterDepth - d - front,
    bottom: (i.outHeight - 1) * i.strideHeight + i.filterHeight - h - top,
    right: (i.outWidth - 1) * i.strideWidth + i.filterWidth - w - left,
  };
}
