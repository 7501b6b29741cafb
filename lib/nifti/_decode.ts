/**
 * Raw image bytes → typed arrays: byte swapping, views when aligned, float128, scaling, complex magnitude.
 *
 * @module
 */

import { arrayConstructor, type DatatypeInfo } from "./_datatypes.ts";
import type { VoxelArray } from "./volume.ts";

/** True on little-endian hosts (all current Deno targets). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse the byte order of each `width`-byte element of `b` in place. */
export function swapBytes(b: Uint8Array, width: number): void {
  if (width === 1) return;
  const aligned = b.byteOffset % width === 0 && b.length % width === 0;
  if (width === 2 && aligned) {
    const u = new Uint16Array(b.buffer, b.byteOffset, b.length >> 1);
    for (let i = 0; i < u.length; i++) {
      const x = u[i];
      u[i] = (x >>> 8) | ((x & 0xff) << 8);
    }
    return;
  }
  if ((width === 4 || width === 8) && b.byteOffset % 4 === 0 && b.length % width === 0) {
    const u = new Uint32Array(b.buffer, b.byteOffset, b.length >> 2);
    for (let i = 0; i < u.length; i++) {
      const x = u[i];
      u[i] = ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24)) >>> 0;
    }
    if (width === 8) {
      for (let i = 0; i < u.length; i += 2) {
        const t = u[i];
        u[i] = u[i + 1];
        u[i + 1] = t;
      }
    }
    return;
  }
  for (let i = 0; i + width <= b.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

/** x87 80-bit extended float (little-endian bytes at `at`) → the nearest float64. */
function float80(b: Uint8Array, at: number): number {
  const se = b[at + 8] | (b[at + 9] << 8);
  const sign = se & 0x8000 ? -1 : 1;
  const exp = se & 0x7fff;
  let hi = 0, lo = 0;
  for (let k = 7; k >= 4; k--) hi = hi * 256 + b[at + k];
  for (let k = 3; k >= 0; k--) lo = lo * 256 + b[at + k];
  const mant = hi * 4294967296 + lo; // includes the explicit integer bit; rounds to 53 bits
  if (exp === 0x7fff) return (hi & 0x7fffffff) === 0 && lo === 0 ? sign * Infinity : NaN;
  if (mant === 0) return sign * 0;
  const e = (exp === 0 ? 1 : exp) - 16383 - 63;
  // split the power to stay within float64 range for subnormal and huge exponents
  return sign * mant * Math.pow(2, e / 2 | 0) * Math.pow(2, e - (e / 2 | 0));
}

/**
 * Decode `count` elements of a datatype from `bytes` at `offset`: a typed array of count·channels
 * elements (complex: re, im interleaved; RGB: bytes interleaved; float128 → Float64Array).
 * Returns a view on `bytes` when no swap is needed, the offset is aligned and `copy` is false.
 */
export function decodeRaw(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dt: DatatypeInfo,
  littleEndian: boolean,
  copy: boolean,
): VoxelArray {
  const nbytes = count * dt.bytes;
  const elems = count * dt.channels;
  const swap = dt.elementBytes > 1 && littleEndian !== HOST_LITTLE_ENDIAN;
  if (dt.kind === "float128" || dt.kind === "complex256") {
    const src = bytes.slice(offset, offset + nbytes);
    if (!littleEndian) swapBytes(src, 16);
    const out = new Float64Array(elems);
    for (let i = 0; i < elems; i++) out[i] = float80(src, i * 16);
    return out;
  }
  const Ctor = arrayConstructor(dt.name)!;
  if (!swap && !copy && (bytes.byteOffset + offset) % dt.elementBytes === 0) {
    return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, elems);
  }
  const own = bytes.slice(offset, offset + nbytes);
  if (swap) swapBytes(own, dt.elementBytes);
  return new Ctor(own.buffer, 0, elems);
}

type FloatArray = Float32Array | Float64Array;

/**
 * out[i] = raw[i] · slope + inter, in the output array type (BigInt inputs go through Number).
 * One loop per input type keeps each loop's element access monomorphic (a shared loop that has
 * seen several array types runs several times slower in V8).
 */
export function scaleInto(raw: VoxelArray, out: FloatArray, slope: number, inter: number): void {
  if (slope === 1 && inter === 0 && !(raw instanceof BigInt64Array || raw instanceof BigUint64Array)) {
    // TypedArray.prototype.set converts in C++ with the same rounding as element assignment (one
    // rounding of the exact value to the output type), about twice as fast as a JS loop
    out.set(raw.length === out.length ? raw : raw.subarray(0, out.length));
    return;
  }
  if (raw instanceof Uint8Array) return scaleU8(raw, out, slope, inter);
  if (raw instanceof Int8Array) return scaleI8(raw, out, slope, inter);
  if (raw instanceof Uint16Array) return scaleU16(raw, out, slope, inter);
  if (raw instanceof Int16Array) return scaleI16(raw, out, slope, inter);
  if (raw instanceof Uint32Array) return scaleU32(raw, out, slope, inter);
  if (raw instanceof Int32Array) return scaleI32(raw, out, slope, inter);
  if (raw instanceof Float32Array) return scaleF32(raw, out, slope, inter);
  if (raw instanceof Float64Array) return scaleF64(raw, out, slope, inter);
  const n = out.length;
  const big = raw as BigInt64Array | BigUint64Array;
  for (let i = 0; i < n; i++) out[i] = Number(big[i]) * slope + inter;
}

function scaleU8(r: Uint8Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleI8(r: Int8Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleU16(r: Uint16Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleI16(r: Int16Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleU32(r: Uint32Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleI32(r: Int32Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleF32(r: Float32Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

function scaleF64(r: Float64Array, out: FloatArray, slope: number, inter: number): void {
  const n = out.length;
  if (slope === 1 && inter === 0) { for (let i = 0; i < n; i++) out[i] = r[i]; }
  else for (let i = 0; i < n; i++) out[i] = r[i] * slope + inter;
}

/** |slope·z + inter| of interleaved complex values: √((re·s + b)² + (im·s)²). */
export function complexMagnitude(
  raw: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  slope: number,
  inter: number,
): void {
  for (let i = 0, k = 0; i < out.length; i++, k += 2) {
    const re = raw[k] * slope + inter, im = raw[k + 1] * slope;
    out[i] = Math.sqrt(re * re + im * im);
  }
}
