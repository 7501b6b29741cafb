/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: field layout, parsing and encoding.
 *
 * Field names are the nifti1.h / nifti2.h names in camelCase (`scl_slope` → `sclSlope`).
 *
 * @module
 */

import { memorySource, type Source } from "./_source.ts";
import { NiftiError } from "./errors.ts";

/** Every field of a NIfTI-1 or NIfTI-2 header, as numbers and strings (int64 fields as numbers). */
export interface NiftiHeader {
  /** 1 for NIfTI-1, 2 for NIfTI-2. */
  version: 1 | 2;
  /** Byte order of the file. */
  littleEndian: boolean;
  /** 348 (NIfTI-1) or 540 (NIfTI-2). */
  sizeofHdr: number;
  /** "n+1"/"n+2" (single file) or "ni1"/"ni2" (.hdr/.img pair). */
  magic: string;
  /** MRI slice ordering (freq_dim | phase_dim << 2 | slice_dim << 4). */
  dimInfo: number;
  /** dim[0] = number of dimensions, dim[1..7] = sizes (8 entries). */
  dim: number[];
  /** Intent parameters. */
  intentP1: number;
  /** Intent parameters. */
  intentP2: number;
  /** Intent parameters. */
  intentP3: number;
  /** NIFTI_INTENT_* code. */
  intentCode: number;
  /** NIfTI datatype code (2 uint8, 4 int16, 16 float32, ...). */
  datatype: number;
  /** Bits per voxel. */
  bitpix: number;
  /** First slice index. */
  sliceStart: number;
  /** pixdim[0] = qfac, pixdim[1..7] = voxel sizes (8 entries), as stored. */
  pixdim: number[];
  /** Byte offset of the image data (in the .nii, or in the .img of a pair). */
  voxOffset: number;
  /** Data scaling slope: value = raw · slope + inter (0 or NaN: no scaling). */
  sclSlope: number;
  /** Data scaling intercept. */
  sclInter: number;
  /** Last slice index. */
  sliceEnd: number;
  /** Slice timing order code. */
  sliceCode: number;
  /** Units: spatial code | temporal code (2 = mm, 8 = s, ...). */
  xyztUnits: number;
  /** Display range maximum. */
  calMax: number;
  /** Display range minimum. */
  calMin: number;
  /** Time for one slice. */
  sliceDuration: number;
  /** Time axis shift. */
  toffset: number;
  /** Free text (80 bytes). */
  descrip: string;
  /** Auxiliary file name (24 bytes). */
  auxFile: string;
  /** NIFTI_XFORM_* code of the qform. */
  qformCode: number;
  /** NIFTI_XFORM_* code of the sform. */
  sformCode: number;
  /** Quaternion b parameter. */
  quaternB: number;
  /** Quaternion c parameter. */
  quaternC: number;
  /** Quaternion d parameter. */
  quaternD: number;
  /** Quaternion x shift. */
  qoffsetX: number;
  /** Quaternion y shift. */
  qoffsetY: number;
  /** Quaternion z shift. */
  qoffsetZ: number;
  /** First row of the sform (4 entries). */
  srowX: number[];
  /** Second row of the sform. */
  srowY: number[];
  /** Third row of the sform. */
  srowZ: number[];
  /** Name or meaning of the data (16 bytes). */
  intentName: string;
}

/** One header extension (after byte 348/540: esize, ecode, data). */
export interface NiftiExtension {
  /** NIFTI_ECODE_* (2 dicom, 4 afni, 6 comment, ...). */
  code: number;
  /** nibabel's label for the code ("dicom", "afni", "comment", ...) or "unknown". */
  label: string;
  /** The extension's payload (esize − 8 bytes without trailing NUL padding, as nibabel gives it). */
  data: Uint8Array;
}

type FieldType = "u8" | "i16" | "i32" | "i64" | "f32" | "f64" | "str";
type Field = [key: keyof NiftiHeader, type: FieldType, offset: number, count: number];

const V1: Field[] = [
  ["sizeofHdr", "i32", 0, 1],
  ["dimInfo", "u8", 39, 1],
  ["dim", "i16", 40, 8],
  ["intentP1", "f32", 56, 1],
  ["intentP2", "f32", 60, 1],
  ["intentP3", "f32", 64, 1],
  ["intentCode", "i16", 68, 1],
  ["datatype", "i16", 70, 1],
  ["bitpix", "i16", 72, 1],
  ["sliceStart", "i16", 74, 1],
  ["pixdim", "f32", 76, 8],
  ["voxOffset", "f32", 108, 1],
  ["sclSlope", "f32", 112, 1],
  ["sclInter", "f32", 116, 1],
  ["sliceEnd", "i16", 120, 1],
  ["sliceCode", "u8", 122, 1],
  ["xyztUnits", "u8", 123, 1],
  ["calMax", "f32", 124, 1],
  ["calMin", "f32", 128, 1],
  ["sliceDuration", "f32", 132, 1],
  ["toffset", "f32", 136, 1],
  ["descrip", "str", 148, 80],
  ["auxFile", "str", 228, 24],
  ["qformCode", "i16", 252, 1],
  ["sformCode", "i16", 254, 1],
  ["quaternB", "f32", 256, 1],
  ["quaternC", "f32", 260, 1],
  ["quaternD", "f32", 264, 1],
  ["qoffsetX", "f32", 268, 1],
  ["qoffsetY", "f32", 272, 1],
  ["qoffsetZ", "f32", 276, 1],
  ["srowX", "f32", 280, 4],
  ["srowY", "f32", 296, 4],
  ["srowZ", "f32", 312, 4],
  ["intentName", "str", 328, 16],
  ["magic", "str", 344, 4],
];

const V2: Field[] = [
  ["sizeofHdr", "i32", 0, 1],
  ["magic", "str", 4, 4],
  ["datatype", "i16", 12, 1],
  ["bitpix", "i16", 14, 1],
  ["dim", "i64", 16, 8],
  ["intentP1", "f64", 80, 1],
  ["intentP2", "f64", 88, 1],
  ["intentP3", "f64", 96, 1],
  ["pixdim", "f64", 104, 8],
  ["voxOffset", "i64", 168, 1],
  ["sclSlope", "f64", 176, 1],
  ["sclInter", "f64", 184, 1],
  ["calMax", "f64", 192, 1],
  ["calMin", "f64", 200, 1],
  ["sliceDuration", "f64", 208, 1],
  ["toffset", "f64", 216, 1],
  ["sliceStart", "i64", 224, 1],
  ["sliceEnd", "i64", 232, 1],
  ["descrip", "str", 240, 80],
  ["auxFile", "str", 320, 24],
  ["qformCode", "i32", 344, 1],
  ["sformCode", "i32", 348, 1],
  ["quaternB", "f64", 352, 1],
  ["quaternC", "f64", 360, 1],
  ["quaternD", "f64", 368, 1],
  ["qoffsetX", "f64", 376, 1],
  ["qoffsetY", "f64", 384, 1],
  ["qoffsetZ", "f64", 392, 1],
  ["srowX", "f64", 400, 4],
  ["srowY", "f64", 432, 4],
  ["srowZ", "f64", 464, 4],
  ["sliceCode", "i32", 496, 1],
  ["xyztUnits", "i32", 500, 1],
  ["intentCode", "i32", 504, 1],
  ["intentName", "str", 508, 16],
  ["dimInfo", "u8", 524, 1],
];

const SIZE: Record<FieldType, number> = { u8: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8, str: 1 };

/** NIfTI-2's magic continues after "n+2\0" with these 4 bytes (\r\n\x1a\n). */
const V2_EOL = [13, 10, 26, 10];

/** nibabel's labels of the NIFTI_ECODE_* codes. */
export const EXTENSION_LABELS: Record<number, string> = {
  0: "ignore",
  2: "dicom",
  4: "afni",
  6: "comment",
  8: "xcede",
  10: "jimdiminfo",
  12: "workflow_fwds",
  14: "freesurfer",
  16: "pypickle",
};

function readValue(view: DataView, type: FieldType, offset: number, le: boolean): number {
  switch (type) {
    case "u8":
      return view.getUint8(offset);
    case "i16":
      return view.getInt16(offset, le);
    case "i32":
      return view.getInt32(offset, le);
    case "i64":
      return Number(view.getBigInt64(offset, le));
    case "f32":
      return view.getFloat32(offset, le);
    default:
      return view.getFloat64(offset, le);
  }
}

function readString(bytes: Uint8Array, offset: number, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) {
    const c = bytes[offset + i];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Which header a buffer starts with: version and byte order, from sizeof_hdr (348 or 540, either order).
 * Returns undefined when the buffer does not start with a NIfTI header size.
 */
export function sniffHeader(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  if (le === 348) return { version: 1, littleEndian: true };
  if (be === 348) return { version: 1, littleEndian: false };
  if (le === 540) return { version: 2, littleEndian: true };
  if (be === 540) return { version: 2, littleEndian: false };
  return undefined;
}

/**
 * Parse the NIfTI-1 or NIfTI-2 header at the start of `bytes`.
 *
 * Checks only what makes it a NIfTI header (size, magic); the reader validates the rest.
 *
 * @throws {NiftiError} "not a NIfTI file (...)" or "file too short for a NIfTI-n header (...)".
 */
export function parseHeader(bytes: Uint8Array, file = "<bytes>"): NiftiHeader {
  const sniff = sniffHeader(bytes);
  if (!sniff) {
    const what = bytes.length < 4 ? `${bytes.length} bytes` : "sizeof_hdr is neither 348 nor 540";
    throw new NiftiError(file, `not a NIfTI file (${what})`);
  }
  const { version, littleEndian } = sniff;
  const size = version === 1 ? 348 : 540;
  if (bytes.length < size) {
    throw new NiftiError(
      file,
      `file too short for a NIfTI-${version} header (${bytes.length} of ${size} bytes)`,
    );
  }
  const magicAt = version === 1 ? 344 : 4;
  const magic = readString(bytes, magicAt, 4);
  const ok = version === 1 ? magic === "n+1" || magic === "ni1" : magic === "n+2" || magic === "ni2";
  if (!ok || bytes[magicAt + 3] !== 0) {
    throw new NiftiError(file, `not a NIfTI file (bad magic ${JSON.stringify(magic)} for NIfTI-${version})`);
  }
  const eol = [8, 9, 10, 11].map((i) => bytes[i]);
  if (version === 2 && eol.some((b, i) => b !== V2_EOL[i]) && eol.some((b) => b !== 0)) {
    throw new NiftiError(file, "not a NIfTI file (NIfTI-2 magic lacks its \\r\\n\\x1a\\n bytes)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const h: Record<string, unknown> = { version, littleEndian };
  for (const [key, type, offset, count] of version === 1 ? V1 : V2) {
    if (type === "str") h[key] = readString(bytes, offset, count);
    else if (count === 1) h[key] = readValue(view, type, offset, littleEndian);
    else {
      const a = new Array<number>(count);
      for (let i = 0; i < count; i++) a[i] = readValue(view, type, offset + i * SIZE[type], littleEndian);
      h[key] = a;
    }
  }
  return h as unknown as NiftiHeader;
}

/**
 * Encode a header as its 348 (NIfTI-1) or 540 (NIfTI-2) bytes, in the header's byte order.
 * Strings are written as Latin-1, cut to their field width.
 */
export function encodeHeader(header: NiftiHeader): Uint8Array {
  const size = header.version === 1 ? 348 : 540;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const le = header.littleEndian;
  const put = (type: FieldType, offset: number, v: number) => {
    switch (type) {
      case "u8":
        return view.setUint8(offset, v);
      case "i16":
        return view.setInt16(offset, v, le);
      case "i32":
        return view.setInt32(offset, v, le);
      case "i64":
        return view.setBigInt64(offset, BigInt(Math.trunc(v)), le);
      case "f32":
        return view.setFloat32(offset, v, le);
      default:
        return view.setFloat64(offset, v, le);
    }
  };
  for (const [key, type, offset, count] of header.version === 1 ? V1 : V2) {
    const v = header[key];
    if (type === "str") {
      const s = String(v ?? "");
      for (let i = 0; i < Math.min(s.length, count); i++) bytes[offset + i] = s.charCodeAt(i) & 0xff;
    } else if (count === 1) put(type, offset, Number(v ?? 0));
    else {
      const a = v as number[];
      for (let i = 0; i < count; i++) put(type, offset + i * SIZE[type], a[i] ?? 0);
    }
  }
  view.setInt32(0, size, le);
  if (header.version === 2) V2_EOL.forEach((b, i) => bytes[8 + i] = b);
  return bytes;
}

/**
 * Read the header extensions that follow the header (from `start`, flag bytes first) up to `end`.
 * An all-zero esize/ecode pair ends the list (padding before vox_offset).
 *
 * @throws {NiftiError} when an extension's esize is below 8 or runs past `end`.
 */
export function parseExtensions(
  bytes: Uint8Array,
  start: number,
  end: number,
  littleEndian: boolean,
  file = "<bytes>",
): NiftiExtension[] {
  const stop = Math.max(start, Math.min(end, bytes.length));
  const source = memorySource(bytes.subarray(Math.min(start, stop), stop));
  return readExtensions(source, { start, end, littleEndian }, { file }).extensions;
}

/** Where the extensions lie, for {@link readExtensions}. */
export interface ExtensionSpan {
  /** Byte of the file the source is at: the flag bytes right after the header (348 or 540). */
  start: number;
  /** First byte the extensions may not reach: vox_offset, or Infinity for a pair's .hdr. */
  end: number;
  /** Byte order of esize and ecode (the header's). */
  littleEndian: boolean;
}

/** Options of {@link readExtensions}. */
export interface ReadExtensionsOptions {
  /** Name used in error messages. @default "<bytes>" */
  file?: string;
  /** Most payload bytes the extensions may hold in all. @default Infinity */
  maxBytes?: number;
}

/**
 * Read header extensions from `source`, positioned at byte `span.start` of the file (the flag bytes),
 * taking nothing at or past byte `span.end` (vox_offset; Infinity for a pair's .hdr, which ends with
 * its file). Reads exactly what it parses: the flag, then each esize/ecode pair and payload, stopping at
 * an all-zero pair, at `end` or where the source ends; returns the extensions and the byte reached.
 * A payload is allocated only when the source can still hold it.
 *
 * @throws {NiftiError} when an extension's esize is below 8 or runs past `end` or the data, or when
 * the payloads would exceed `maxBytes`.
 */
export function readExtensions(
  source: Source,
  span: ExtensionSpan,
  options: ReadExtensionsOptions = {},
): { extensions: NiftiExtension[]; at: number } {
  const { start, end, littleEndian } = span;
  const { file = "<bytes>", maxBytes = Infinity } = options;
  const extensions: NiftiExtension[] = [];
  if (start + 4 > end) return { extensions, at: start };
  const flag = new Uint8Array(4);
  const got = source.read(flag);
  let at = start + got;
  if (got < 4 || flag[0] === 0) return { extensions, at };
  const pair = new Uint8Array(8);
  const view = new DataView(pair.buffer);
  let held = 0;
  while (at + 8 <= end) {
    const n = source.read(pair);
    at += n;
    if (n < 8) break;
    const esize = view.getInt32(0, littleEndian);
    const code = view.getInt32(4, littleEndian);
    if (esize === 0 && code === 0) break; // zero padding up to vox_offset
    const from = at - 8;
    const invalid = () => new NiftiError(file, `header extension at byte ${from} has invalid size ${esize}`);
    if (esize < 8 || from + esize > end || source.remaining().bytes < esize - 8) throw invalid();
    held += esize - 8;
    if (held > maxBytes) {
      throw new NiftiError(file, `header extensions hold more than maxBytes (${maxBytes} bytes)`);
    }
    const data = new Uint8Array(esize - 8);
    const k = source.read(data);
    at += k;
    if (k < data.length) throw invalid();
    let stop = data.length;
    while (stop > 0 && data[stop - 1] === 0) stop--; // trailing NULs are padding, as nibabel strips them
    extensions.push({
      code,
      label: EXTENSION_LABELS[code] ?? "unknown",
      data: stop === data.length ? data : data.slice(0, stop),
    });
  }
  return { extensions, at };
}
