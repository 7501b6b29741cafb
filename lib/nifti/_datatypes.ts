/**
 * NIfTI datatype codes (nifti1.h) and how each is stored.
 *
 * @module
 */

/** How one NIfTI datatype is laid out on disk. */
export interface DatatypeInfo {
  /** NIfTI code, e.g. 16 for float32. */
  code: number;
  /** Name as nibabel/numpy spell it, e.g. "float32", "complex64", "rgb24". */
  name: string;
  /** Bytes per voxel. */
  bytes: number;
  /** Bytes per swappable element (a complex64 swaps 2 x 4 bytes; rgb24 swaps nothing). */
  elementBytes: number;
  /** Elements per voxel (2 for complex, 3/4 for RGB). */
  channels: number;
  /** Family of the element type. */
  kind: "uint" | "int" | "float" | "complex" | "rgb" | "float128" | "complex256";
}

const TABLE: DatatypeInfo[] = [
  { code: 2, name: "uint8", bytes: 1, elementBytes: 1, channels: 1, kind: "uint" },
  { code: 4, name: "int16", bytes: 2, elementBytes: 2, channels: 1, kind: "int" },
  { code: 8, name: "int32", bytes: 4, elementBytes: 4, channels: 1, kind: "int" },
  { code: 16, name: "float32", bytes: 4, elementBytes: 4, channels: 1, kind: "float" },
  { code: 32, name: "complex64", bytes: 8, elementBytes: 4, channels: 2, kind: "complex" },
  { code: 64, name: "float64", bytes: 8, elementBytes: 8, channels: 1, kind: "float" },
  { code: 128, name: "rgb24", bytes: 3, elementBytes: 1, channels: 3, kind: "rgb" },
  { code: 256, name: "int8", bytes: 1, elementBytes: 1, channels: 1, kind: "int" },
  { code: 512, name: "uint16", bytes: 2, elementBytes: 2, channels: 1, kind: "uint" },
  { code: 768, name: "uint32", bytes: 4, elementBytes: 4, channels: 1, kind: "uint" },
  { code: 1024, name: "int64", bytes: 8, elementBytes: 8, channels: 1, kind: "int" },
  { code: 1280, name: "uint64", bytes: 8, elementBytes: 8, channels: 1, kind: "uint" },
  { code: 1536, name: "float128", bytes: 16, elementBytes: 16, channels: 1, kind: "float128" },
  { code: 1792, name: "complex128", bytes: 16, elementBytes: 8, channels: 2, kind: "complex" },
  { code: 2048, name: "complex256", bytes: 32, elementBytes: 16, channels: 2, kind: "complex256" },
  { code: 2304, name: "rgba32", bytes: 4, elementBytes: 1, channels: 4, kind: "rgb" },
];

const BY_CODE = new Map(TABLE.map((d) => [d.code, d]));
const BY_NAME = new Map(TABLE.map((d) => [d.name, d]));

/** The datatype with this NIfTI code, or undefined. */
export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return BY_CODE.get(code);
}

/** The datatype with this name ("float32", "rgb24", ...), or undefined. */
export function datatypeByName(name: string): DatatypeInfo | undefined {
  return BY_NAME.get(name);
}

/** Smallest and largest value of an integer datatype (uint/int kinds), or undefined for the others. */
export function integerRange(dt: DatatypeInfo): [number, number] | undefined {
  const bits = dt.elementBytes * 8;
  if (dt.kind === "uint") return [0, 2 ** bits - 1];
  if (dt.kind === "int") return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  return undefined;
}

/** Typed array constructor for a plain numeric datatype name. */
export type NumericArrayConstructor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const CTORS: Record<string, NumericArrayConstructor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
  rgb24: Uint8Array,
  rgba32: Uint8Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/** The typed array constructor holding elements of a datatype (complex: its real type; RGB: Uint8Array). */
export function arrayConstructor(name: string): NumericArrayConstructor | undefined {
  return CTORS[name];
}

/** Datatype name of a typed array instance ("float32" for a Float32Array, ...). */
export function datatypeOfArray(data: ArrayBufferView): string | undefined {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  return undefined;
}
