/**
 * Read NIfTI-1/NIfTI-2 images (.nii, .nii.gz, .hdr/.img pairs, gzipped or not, either byte order)
 * into a {@link Volume} with nibabel's scaling and affine.
 *
 * @module
 */

import {
  arrayConstructor,
  datatypeByCode,
  type DatatypeInfo,
  datatypeOfArray,
  integerRange,
} from "./_datatypes.ts";
import { complexMagnitude, decodeRaw, HOST_LITTLE_ENDIAN, scaleInto, swapBytes } from "./_decode.ts";
import { giveScratch, takeScratch } from "./_scratch.ts";
import { fileSource, gunzipFile, gunzipSource, isGzip, memorySource, type Source } from "./_source.ts";
import { exactAffine } from "./_exact_affine.ts";
import { headerAffine } from "./affine.ts";
import { NiftiError } from "./errors.ts";
import { type NiftiExtension, type NiftiHeader, parseHeader, readExtensions, sniffHeader } from "./header.ts";
import type { Volume, VoxelArray } from "./volume.ts";

/**
 * Default of the readers' `maxBytes`: 8 GiB, over twice the largest image a diffusion study here
 * reads (an HCP-style 4-D series in float32 is about 4.2 GB), small enough that a forged header or a
 * gzip bomb stops well before it exhausts a workstation's memory.
 */
export const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;

/** Options of {@link readNifti} and {@link decodeNifti}. */
export interface ReadNiftiOptions {
  /**
   * Element type of `data`. "auto" keeps the stored type, or gives float32 when scl_slope scaling
   * applies, and float64 where float32 would overflow: for float64 data, for integer data whose
   * type's range scaled exceeds float32 (nibabel's `int_scinter_ftype` rule, e.g. int16 with
   * scl_slope 1e38), and for float32 data when a scaled value would. "float32"/"float64" always
   * convert, like nibabel's `get_fdata(dtype=...)` (float32 then gives ±Infinity where a value
   * overflows, as numpy does). @default "auto"
   */
  dtype?: "auto" | "float32" | "float64";
  /**
   * What to do with complex data (complex64/128/256): "error" throws a NiftiError, "magnitude"
   * returns |slope·z + inter|. @default "error"
   */
  complex?: "error" | "magnitude";
  /**
   * Apply scl_slope/scl_inter. False returns the stored values (the header still says how to scale
   * them). @default true
   */
  scale?: boolean;
  /** Name used in error messages when reading from bytes. @default "<bytes>" */
  name?: string;
  /**
   * Read only these voxels: a mask over the first three dimensions (non-zero = keep), e.g. a brain mask.
   * The volume returned has shape [k, 1, 1, ...the rest] (k the mask's non-zero count), the kept voxels in
   * NIfTI order, all of the first 3-D volume's, then the second's, ...; affine and pixdim are the image's.
   * The image is streamed one 3-D volume at a time through a scratch buffer, so memory holds the kept
   * voxels only (a brain is about a third of an HCP DWI's grid). Scaled data that `dtype` "auto" would
   * make float32 or float64 by scanning is read as float64. Not for complex or RGB data. @default all voxels
   */
  voxels?: Uint8Array;
  /**
   * Most bytes the image may take: its declared size (dims × bytes per voxel) as stored, and as
   * returned when converted to a wider type; separately, the most bytes all header extensions may
   * hold. A larger image is a NiftiError before anything of it is read or inflated; a gzip stream
   * inflates at most the declared size (plus 1 MiB looking for its trailer), whatever
   * its trailer claims. `Infinity` lifts the limit. @default DEFAULT_MAX_BYTES (8 GiB)
   */
  maxBytes?: number;
}

/** Options of {@link readNiftiHeader}. */
export interface ReadNiftiHeaderOptions {
  /** Name used in error messages when reading from bytes. @default "<bytes>" */
  name?: string;
  /** Most bytes all header extensions may hold (see {@link ReadNiftiOptions.maxBytes}). @default DEFAULT_MAX_BYTES */
  maxBytes?: number;
}

/** The unit names nibabel uses for xyzt_units codes. */
const UNIT_NAMES: Record<number, string> = {
  0: "unknown",
  1: "meter",
  2: "mm",
  3: "micron",
  8: "sec",
  16: "msec",
  24: "usec",
  32: "hz",
  40: "ppm",
  48: "rads",
};

/**
 * How the stored values become `data`: "direct" lands them straight in their array; "convert" turns
 * them into `type` piece by piece through a small buffer; "scan" (scaled float32, dtype "auto") holds
 * them whole to find out whether float32 overflows.
 */
type Output = { kind: "direct" } | { kind: "convert"; type: "float32" | "float64" } | { kind: "scan" };

/** Everything the header says about the image, validated; shared by the single-file and pair readers. */
interface Layout {
  header: NiftiHeader;
  dt: DatatypeInfo;
  shape: number[];
  count: number;
  nbytes: number;
  offset: number;
  scaling?: { slope: number; inter: number };
  output: Output;
  maxBytes: number;
}

/**
 * Read a NIfTI image from a path (.nii, .nii.gz, .hdr/.img, .hdr.gz/.img.gz; either member of a
 * pair may be named) or from the bytes of a single-file image (gzipped or not).
 *
 * Values are raw · scl_slope + scl_inter when scl_slope is finite and non-zero (nibabel's rule:
 * slope 0, NaN or ±inf means no scaling; slope 1 with intercept 0 keeps the stored type). The affine
 * is nibabel's choice: sform if sform_code ≠ 0, else qform if qform_code ≠ 0, else the pixdim
 * fall-back. The header is stored after nibabel's fixes (invalid xform codes → 0, qfac → ±1,
 * zero pixdims → 1, negative spatial pixdims → |p|).
 *
 * Reading is one pass: a .nii.gz is decompressed at once by libdeflate where it is installed (see
 * lib/native/libdeflate.ts), else inflated incrementally by zlib, straight into the returned array when
 * no conversion is needed; otherwise stored values pass through a small reused buffer, converted a
 * piece at a time. The image array is sized from the header (never from a gzip trailer, whose size
 * wraps past 4 GiB) and made once; bytes before vox_offset are skipped, never kept. File I/O is
 * synchronous (nibabel-like); the promise is settled when the call returns.
 *
 * @example
 * const vol = await readNifti("../shared/data/nifti/nibabel_example4d.nii.gz", { dtype: "float32" });
 * vol.shape; // [128, 96, 24, 2]
 *
 * @throws {NiftiError} naming the file and the problem: not found, not a regular file (a directory),
 * not NIfTI, truncated, bad gzip, unknown datatype, vox_offset past the end, data shorter than the
 * dims need, image or extensions over `maxBytes`, complex without `complex`.
 */
export function readNifti(pathOrBytes: string | Uint8Array, options: ReadNiftiOptions = {}): Promise<Volume> {
  try {
    return Promise.resolve(
      typeof pathOrBytes === "string"
        ? readPath(pathOrBytes, options) as Volume
        : decodeNifti(pathOrBytes, options),
    );
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Decode a single-file NIfTI image (.nii or .nii.gz bytes) synchronously; see {@link readNifti}.
 * The returned data never alias `bytes`.
 *
 * @throws {NiftiError} as {@link readNifti}; also when the header belongs to a .hdr/.img pair.
 */
export function decodeNifti(bytes: Uint8Array, options: ReadNiftiOptions = {}): Volume {
  const name = options.name ?? "<bytes>";
  const source = isGzip(bytes) ? gunzipSource(bytes, name, { whole: true }) : memorySource(bytes);
  try {
    return readSingle(source, name, options) as Volume;
  } finally {
    source.close();
  }
}

/** What a NIfTI header says about its image, without the voxel values. */
export interface NiftiInfo {
  /** Size along each dimension. */
  shape: number[];
  /** Stored datatype name ("int16", "complex64", "rgb24", ...), before any scaling. */
  datatype: string;
  /** The affine readNifti would give. */
  affine: number[][];
  /** pixdim[1..n] after nibabel's fixes. */
  pixdim: number[];
  /** Units of pixdim, as nibabel names them. */
  units: { spatial: string; temporal: string };
  /** The header after nibabel's fixes. */
  header: NiftiHeader;
  /** Header extensions. */
  extensions: NiftiExtension[];
  /** The scaling readNifti would apply, if any. */
  scaling?: { slope: number; inter: number };
  /** The header's file. */
  file: string;
}

/**
 * Read only the header (and extensions) of a NIfTI file or buffer: shape, stored datatype, affine,
 * pixdim, units, scaling. Reads (and inflates, for gzip) only the header and its extensions: nothing
 * up to vox_offset, no image, and the image of a pair is not opened. Checks the same header fields as
 * {@link readNifti} (but not the data length or `maxBytes` for the image).
 *
 * @example
 * const { shape, affine } = await readNiftiHeader("../shared/data/dwi/small_64D.nii");
 *
 * @throws {NiftiError} as {@link readNifti} for header problems.
 */
export function readNiftiHeader(
  pathOrBytes: string | Uint8Array,
  options: ReadNiftiHeaderOptions = {},
): Promise<NiftiInfo> {
  try {
    if (typeof pathOrBytes === "string") {
      return Promise.resolve(readPath(pathOrBytes, options, true) as NiftiInfo);
    }
    const name = options.name ?? "<bytes>";
    const source = isGzip(pathOrBytes) ? gunzipSource(pathOrBytes, name) : memorySource(pathOrBytes);
    try {
      return Promise.resolve(readSingle(source, name, options, true) as NiftiInfo);
    } finally {
      source.close();
    }
  } catch (e) {
    return Promise.reject(e);
  }
}

function describe(layout: Layout, extensions: NiftiExtension[], file: string, hdrFile: string): NiftiInfo {
  const { header, dt, shape, scaling } = layout;
  const info: NiftiInfo = {
    shape,
    datatype: dt.name,
    affine: exactAffine(extensions, header) ?? headerAffine(header, hdrFile),
    pixdim: header.pixdim.slice(1, shape.length + 1),
    units: {
      spatial: UNIT_NAMES[header.xyztUnits & 0x07] ?? "unknown",
      temporal: UNIT_NAMES[header.xyztUnits & 0x38] ?? "unknown",
    },
    header,
    extensions,
    file,
  };
  if (scaling) info.scaling = scaling;
  return info;
}

function maxBytesOf(options: ReadNiftiOptions, file: string): number {
  const m = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(m >= 0)) throw new NiftiError(file, `maxBytes must be a number ≥ 0 (got ${m})`);
  return m;
}

function readPath(path: string, options: ReadNiftiOptions, headerOnly = false): Volume | NiftiInfo {
  const pair = pairPaths(path);
  if (!pair) {
    return withSource(path, !headerOnly, (source) => readSingle(source, path, options, headerOnly));
  }
  const hdrPath = firstExisting(pair.hdr, path);
  type PairHeader = { layout: Layout; extensions: NiftiExtension[] };
  const got = withSource<{ single: Volume | NiftiInfo } | PairHeader>(hdrPath, false, (source) => {
    const header = readHead(source, hdrPath);
    // a single-file header under a .hdr name is read as what it is
    if (header.magic.startsWith("n+")) {
      return { single: readSingle(source, hdrPath, options, headerOnly, header) };
    }
    const layout = checkLayout(header, false, hdrPath, options, headerOnly);
    // a pair's extensions run to the end of the .hdr
    const span = { start: header.sizeofHdr, end: Infinity, littleEndian: header.littleEndian };
    const { extensions } = readExtensions(source, span, { file: hdrPath, maxBytes: layout.maxBytes });
    return { layout, extensions };
  });
  if ("single" in got) return got.single;
  const { layout, extensions } = got;
  if (headerOnly) return describe(layout, extensions, hdrPath, hdrPath);
  const imgPath = firstExisting(pair.img, path);
  return withSource(imgPath, true, (source) => {
    source.expect?.(layout.offset + layout.nbytes);
    const skipped = source.skip(layout.offset);
    if (skipped < layout.offset) {
      throw new NiftiError(
        imgPath,
        `vox_offset ${layout.offset} is past the end of the file (${skipped} bytes)`,
      );
    }
    return readImage(source, layout, extensions, imgPath, hdrPath, options);
  });
}

/**
 * Open `path` (gzip or not) as a source, run `fn`, and close it. `whole`: `fn` reads the whole
 * stream (so a gzip file may be decompressed at once, see {@link gunzipFile}).
 */
function withSource<T>(path: string, whole: boolean, fn: (source: Source) => T): T {
  const { file, size } = openFile(path);
  let source: Source | undefined;
  try {
    const magic = new Uint8Array(2);
    let n: number;
    try {
      n = file.readSync(magic) ?? 0;
      if (!(n === 2 && isGzip(magic))) file.seekSync(0, Deno.SeekMode.Start);
    } catch (e) {
      throw new NiftiError(path, `cannot read file (${(e as Error).message})`, { cause: e });
    }
    source = n === 2 && isGzip(magic)
      ? gunzipFile(file, path, { whole, size, head: magic })
      : fileSource(file, path, { size, position: 0 });
    return fn(source);
  } finally {
    source?.close();
    file.close();
  }
}

/**
 * The header at the start of a source, reading exactly its 348 or 540 bytes (348 first: a NIfTI-2
 * header is longer, and a shorter stream is no header at all).
 */
function readHead(source: Source, file: string): NiftiHeader {
  const head = new Uint8Array(540);
  let got = source.read(head.subarray(0, 348));
  if (got === 348 && sniffHeader(head)?.version === 2) got += source.read(head.subarray(348));
  return parseHeader(head.subarray(0, got), file);
}

/**
 * Header, extensions and image of a single-file NIfTI (n+1 / n+2) from a source (whose header was
 * already read when `header` is given). Bytes between the extensions and vox_offset are skipped.
 */
function readSingle(
  source: Source,
  file: string,
  options: ReadNiftiOptions,
  headerOnly = false,
  header = readHead(source, file),
): Volume | NiftiInfo {
  if (!header.magic.startsWith("n+")) {
    throw new NiftiError(
      file,
      `header magic "${header.magic}" is for a .hdr/.img pair: read it by its .hdr path`,
    );
  }
  const layout = checkLayout(header, true, file, options, headerOnly);
  const { offset } = layout;
  const span = { start: header.sizeofHdr, end: offset, littleEndian: header.littleEndian };
  const { extensions, at } = readExtensions(source, span, { file, maxBytes: layout.maxBytes });
  if (headerOnly) return describe(layout, extensions, file, file);
  source.expect?.(offset + layout.nbytes);
  const skipped = source.skip(offset - at);
  if (skipped < offset - at) {
    throw new NiftiError(file, `vox_offset ${offset} is past the end of the file (${at + skipped} bytes)`);
  }
  return readImage(source, layout, extensions, file, file, options);
}

/** Voxels' worth of stored bytes converted per step (fits in L2 with its output). */
const STEP_BYTES = 256 * 1024;

/**
 * Read the image bytes from the source (positioned at vox_offset) and build the Volume. The array is
 * sized from the header and made once: stored values go straight into it when no conversion is
 * needed; otherwise they pass through a small reused buffer, converted a piece at a time.
 */
function readImage(
  source: Source,
  layout: Layout,
  extensions: NiftiExtension[],
  file: string,
  hdrFile: string,
  options: ReadNiftiOptions,
): Volume {
  const { header, dt, shape, count, nbytes, offset, output } = layout;
  const want = options.dtype ?? "auto";
  const tooShort = (got: number) =>
    new NiftiError(
      file,
      `image data too short: shape [${shape.join(", ")}] ${dt.name} needs ${nbytes} bytes from ` +
        `vox_offset ${offset}, file has ${got}`,
    );
  // never allocate for data that cannot be there: a file's size is exact; a gzip stream too short to
  // inflate to the image's size, even at deflate's largest ratio, is counted through a small buffer
  const known = source.remaining();
  if (known.bytes < nbytes) throw tooShort(known.exact ? known.bytes : source.skip(nbytes));
  const allocFailed = (bytes: number, e: unknown) =>
    new NiftiError(file, `cannot allocate ${bytes} bytes for shape [${shape.join(", ")}]`, { cause: e });
  let data: VoxelArray;
  let selected: number | undefined;
  if (options.voxels) {
    ({ data, kept: selected } = readSelected(source, layout, options.voxels, file, tooShort));
  } else if (output.kind === "direct") {
    const Ctor = arrayConstructor(dt.name)! as unknown as new (length: number) => VoxelArray;
    try {
      data = new Ctor(count * dt.channels);
    } catch (e) {
      throw allocFailed(nbytes, e);
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, nbytes);
    const got = source.read(bytes);
    if (got < nbytes) throw tooShort(got);
    if (dt.elementBytes > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(bytes, dt.elementBytes);
  } else if (output.kind === "convert") {
    const outBytes = outputBytes(layout);
    let out: Float32Array | Float64Array;
    try {
      out = alloc(output.type, outBytes / (output.type === "float32" ? 4 : 8));
    } catch (e) {
      throw allocFailed(outBytes, e);
    }
    convertInto(source, layout, out, tooShort);
    data = out;
  } else data = scanAndScale(source, layout, file, tooShort);
  source.finish(); // reach the gzip trailer so that its CRC is checked
  const info = describe(layout, extensions, file, hdrFile);
  const volume: Volume = {
    ...info,
    datatype: dt.kind === "rgb" && want === "auto" ? dt.name : datatypeOfArray(data)!,
    data,
  };
  if (selected !== undefined) volume.shape = [selected, 1, 1, ...shape.slice(3)];
  if (dt.kind === "rgb") volume.channels = dt.channels;
  return volume;
}

/**
 * The voxels a mask keeps, volume by volume (see {@link ReadNiftiOptions.voxels}): each 3-D volume's stored
 * bytes pass through one scratch buffer and only the kept voxels are copied out (scaled when the layout
 * says so).
 */
function readSelected(
  source: Source,
  layout: Layout,
  voxels: Uint8Array,
  file: string,
  tooShort: (got: number) => NiftiError,
): { data: VoxelArray; kept: number } {
  const { dt, shape, count, header, output, scaling } = layout;
  if (dt.channels !== 1 || isComplex(dt)) {
    throw new NiftiError(file, `voxels: only for images of one value per voxel, this one is ${dt.name}`);
  }
  const spatial = (shape[0] ?? 1) * (shape[1] ?? 1) * (shape[2] ?? 1);
  if (voxels.length !== spatial) {
    throw new NiftiError(
      file,
      `voxels: the mask has ${voxels.length} voxels, the image's grid [${
        shape.slice(0, 3).join(", ")
      }] ${spatial}`,
    );
  }
  let kept = 0;
  for (let i = 0; i < spatial; i++) if (voxels[i]) kept++;
  const index = new Int32Array(kept);
  for (let i = 0, j = 0; i < spatial; i++) if (voxels[i]) index[j++] = i;
  const volumes = count / spatial;
  const type = output.kind === "direct" ? dt.name : output.kind === "convert" ? output.type : "float64";
  const Ctor = arrayConstructor(type)! as unknown as new (length: number) => VoxelArray;
  const data = new Ctor(kept * volumes);
  const slope = scaling?.slope ?? 1, inter = scaling?.inter ?? 0;
  const swap = dt.elementBytes > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN;
  const order = swap ? HOST_LITTLE_ENDIAN : header.littleEndian;
  const want = spatial * dt.bytes;
  const buf = takeScratch(want);
  try {
    for (let v = 0; v < volumes; v++) {
      const got = source.read(buf);
      if (got < want) throw tooShort(v * want + got);
      if (swap) swapBytes(buf, dt.elementBytes);
      const raw = decodeRaw(buf, 0, spatial, dt, order, false) as ArrayLike<number | bigint>;
      gather(raw, index, data as unknown as { [i: number]: number | bigint }, v * kept, slope, inter);
    }
  } finally {
    giveScratch(buf);
  }
  return { data, kept };
}

/** out[at + j] = raw[index[j]] (· slope + inter when scaled). */
function gather(
  raw: ArrayLike<number | bigint>,
  index: Int32Array,
  out: { [i: number]: number | bigint },
  at: number,
  slope: number,
  inter: number,
): void {
  const n = index.length;
  if (slope === 1 && inter === 0) {
    for (let j = 0; j < n; j++) out[at + j] = raw[index[j]];
  } else {
    for (let j = 0; j < n; j++) out[at + j] = Number(raw[index[j]]) * slope + inter;
  }
}

function alloc(type: "float32" | "float64", n: number): Float32Array | Float64Array {
  return type === "float32" ? new Float32Array(n) : new Float64Array(n);
}

function isComplex(dt: DatatypeInfo): boolean {
  return dt.kind === "complex" || dt.kind === "complex256";
}

/** Stored values → `out`, one step of voxels at a time: complex magnitude, scaling, or type conversion. */
function convertInto(
  source: Source,
  layout: Layout,
  out: Float32Array | Float64Array,
  tooShort: (got: number) => NiftiError,
): void {
  const { dt, count, header, scaling } = layout;
  const slope = scaling?.slope ?? 1, inter = scaling?.inter ?? 0;
  const complex = isComplex(dt);
  const perVoxel = complex ? 1 : dt.channels;
  // float128/complex256 are decoded (and swapped) by decodeRaw; others are swapped here, in place
  const swap = dt.elementBytes > 1 && dt.elementBytes < 16 && header.littleEndian !== HOST_LITTLE_ENDIAN;
  const order = swap ? HOST_LITTLE_ENDIAN : header.littleEndian;
  const step = Math.max(1, Math.floor(STEP_BYTES / dt.bytes));
  // bytes a source holds in memory are converted where they are, unless they need swapping first
  let buf: Uint8Array | undefined;
  try {
    for (let v = 0; v < count; v += step) {
      const n = Math.min(step, count - v);
      const want = n * dt.bytes;
      let bytes = swap ? null : source.view?.(want) ?? null;
      if (!bytes) {
        buf ??= takeScratch(Math.min(step, count) * dt.bytes);
        bytes = buf.subarray(0, source.read(buf.subarray(0, want)));
      }
      if (bytes.length < want) throw tooShort(v * dt.bytes + bytes.length);
      if (swap) swapBytes(bytes, dt.elementBytes);
      const raw = decodeRaw(bytes, 0, n, dt, order, false);
      const target = out.subarray(v * perVoxel, (v + n) * perVoxel);
      if (complex) complexMagnitude(raw as Float32Array | Float64Array, target, slope, inter);
      else scaleInto(raw, target, slope, inter);
    }
  } finally {
    if (buf) giveScratch(buf);
  }
}

/**
 * Scaled float32 data read with dtype "auto": float32 unless a finite stored value scales past
 * float32's range, then float64 (nibabel computes in float64 and never overflows there). Needs the
 * stored values whole, in a scratch buffer, to decide before the output is made.
 */
function scanAndScale(
  source: Source,
  layout: Layout,
  file: string,
  tooShort: (got: number) => NiftiError,
): Float32Array | Float64Array {
  const { header, count, nbytes, scaling } = layout;
  const slope = scaling!.slope, inter = scaling!.inter;
  const swap = header.littleEndian !== HOST_LITTLE_ENDIAN;
  // stored values a source holds in memory (aligned, in host order) are read where they are
  const held = swap ? null : source.view?.(nbytes) ?? null;
  if (held && held.length < nbytes) throw tooShort(held.length);
  const aligned = held && held.byteOffset % 4 === 0 ? held : null;
  const bytes = aligned ?? takeScratch(nbytes);
  try {
    if (!aligned) {
      const got = held ? (bytes.set(held), nbytes) : source.read(bytes);
      if (got < nbytes) throw tooShort(got);
      if (swap) swapBytes(bytes, 4);
    }
    const raw = new Float32Array(bytes.buffer, bytes.byteOffset, count);
    let type: "float32" | "float64" = "float32";
    for (let i = 0; i < count; i++) {
      const v = raw[i];
      if (!Number.isFinite(Math.fround(v * slope + inter)) && Number.isFinite(v)) {
        type = "float64";
        break;
      }
    }
    const outBytes = count * (type === "float32" ? 4 : 8);
    checkMaxBytes(layout, outBytes, type, file);
    const out = alloc(type, count);
    scaleInto(raw, out, slope, inter);
    return out;
  } finally {
    if (!aligned) giveScratch(bytes);
  }
}

/** Open a regular file for reading, with its size; anything else is a NiftiError naming the path. */
function openFile(path: string): { file: Deno.FsFile; size: number } {
  const cannot = (e: unknown) => {
    if (e instanceof Deno.errors.NotFound) return new NiftiError(path, "file not found", { cause: e });
    return new NiftiError(path, `cannot read file (${(e as Error).message})`, { cause: e });
  };
  let info: Deno.FileInfo;
  try {
    // stat before opening: opening a FIFO would wait for a writer
    info = Deno.statSync(path);
  } catch (e) {
    throw cannot(e);
  }
  if (info.isDirectory) throw new NiftiError(path, "is a directory, not a NIfTI file");
  if (!info.isFile) {
    const kind = info.isFifo
      ? "a FIFO"
      : info.isSocket
      ? "a socket"
      : info.isCharDevice || info.isBlockDevice
      ? "a device"
      : "not a regular file";
    throw new NiftiError(path, `is ${kind}, not a NIfTI file`);
  }
  try {
    return { file: Deno.openSync(path), size: info.size };
  } catch (e) {
    throw cannot(e);
  }
}

/**
 * How the stored values become `data` (see {@link Output}). Scaled integers follow nibabel's
 * `int_scinter_ftype`: the smallest float type in which the type's extremes scale to finite values,
 * starting at float32 (in float32 arithmetic, as numpy does it).
 */
function planOutput(
  dt: DatatypeInfo,
  want: "auto" | "float32" | "float64",
  scaling: Layout["scaling"],
): Output {
  const complex = isComplex(dt);
  if (!complex && dt.kind !== "float128" && !scaling && (want === "auto" || want === dt.name)) {
    return { kind: "direct" };
  }
  if (want !== "auto") return { kind: "convert", type: want };
  if (complex) return { kind: "convert", type: dt.name === "complex64" ? "float32" : "float64" };
  if (dt.kind === "float128" || dt.name === "float64") return { kind: "convert", type: "float64" };
  if (dt.name === "float32") return { kind: "scan" };
  const range = integerRange(dt)!;
  const s = Math.fround(scaling!.slope), b = Math.fround(scaling!.inter);
  const fits = range.every((x) => Number.isFinite(Math.fround(Math.fround(x * s) + b)));
  return { kind: "convert", type: fits ? "float32" : "float64" };
}

/** Bytes of the returned array (for "scan", its float32 size; float64 is checked once it is known). */
function outputBytes(layout: Layout): number {
  const { output, dt, count, nbytes } = layout;
  if (output.kind === "direct") return nbytes;
  const elements = isComplex(dt) ? count : count * dt.channels;
  return elements * (output.kind === "convert" && output.type === "float64" ? 8 : 4);
}

/** An image over maxBytes, stored or as `type` (the returned array's type), is an error. */
function checkMaxBytes(layout: Layout, outBytes: number, type: string, file: string): void {
  const { shape, dt, nbytes, maxBytes } = layout;
  const need = Math.max(nbytes, outBytes);
  if (need <= maxBytes) return;
  const as = outBytes > nbytes ? ` as ${type}` : "";
  throw new NiftiError(
    file,
    `shape [${shape.join(", ")}] ${dt.name}${as} needs ${need} bytes, more than maxBytes (${maxBytes}); ` +
      "pass a larger maxBytes to read it",
  );
}

/**
 * Validate a header, apply nibabel's fixes, and work out shape, sizes, offset, scaling and output;
 * unless `headerOnly`, an image over `maxBytes` is an error here, before any of it is read.
 */
function checkLayout(
  raw: NiftiHeader,
  single: boolean,
  file: string,
  options: ReadNiftiOptions,
  headerOnly: boolean,
): Layout {
  const header: NiftiHeader = { ...raw, dim: raw.dim.slice(), pixdim: raw.pixdim.slice() };
  const nd = header.dim[0];
  if (!(nd >= 1 && nd <= 7)) throw new NiftiError(file, `dim[0] = ${nd} is outside 1..7`);
  const shape = header.dim.slice(1, nd + 1);
  shape.forEach((n, i) => {
    if (!(Number.isSafeInteger(n) && n >= 1)) {
      throw new NiftiError(file, `dim[${i + 1}] = ${n} is not a positive size`);
    }
  });
  const dt = datatypeByCode(header.datatype);
  if (!dt) {
    const what = header.datatype === 1 ? "1 (binary) is not supported" : `${header.datatype} is unknown`;
    throw new NiftiError(file, `datatype ${what}`);
  }
  if (isComplex(dt) && options.complex !== "magnitude" && !headerOnly) {
    throw new NiftiError(file, `${dt.name} data: read with { complex: "magnitude" } to get |z|`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const nbytes = count * dt.bytes;
  if (!Number.isSafeInteger(nbytes) || nbytes > 2 ** 40) {
    throw new NiftiError(file, `shape [${shape.join(", ")}] is too large`);
  }
  const v = header.voxOffset;
  if (!(Number.isFinite(v) && v >= 0)) throw new NiftiError(file, `invalid vox_offset ${v}`);
  const offset = Math.floor(v);
  const minimum = header.sizeofHdr + 4;
  if (single && offset < minimum) {
    throw new NiftiError(file, `vox_offset ${offset} is inside the header (single-file minimum ${minimum})`);
  }
  // nibabel's check_fix: codes outside the recoder → 0, qfac → 1, zero pixdims → 1, negative → |p|
  for (const key of ["qformCode", "sformCode"] as const) {
    if (!(header[key] >= 0 && header[key] <= 5)) header[key] = 0;
  }
  if (header.pixdim[0] !== 1 && header.pixdim[0] !== -1) header.pixdim[0] = 1;
  for (let i = 1; i <= 3; i++) {
    if (header.pixdim[i] === 0) header.pixdim[i] = 1;
    else if (header.pixdim[i] < 0) header.pixdim[i] = -header.pixdim[i];
  }
  let scaling: Layout["scaling"];
  const slope = header.sclSlope, inter = header.sclInter;
  if (Number.isFinite(slope) && slope !== 0 && dt.kind !== "rgb" && options.scale !== false) {
    if (!Number.isFinite(inter)) {
      throw new NiftiError(file, `scl_slope ${slope} with invalid scl_inter ${inter}`);
    }
    if (!(slope === 1 && inter === 0)) scaling = { slope, inter };
  }
  const output = planOutput(dt, options.dtype ?? "auto", scaling);
  const layout = {
    header,
    dt,
    shape,
    count,
    nbytes,
    offset,
    scaling,
    output,
    maxBytes: maxBytesOf(options, file),
  };
  if (!headerOnly) {
    checkMaxBytes(layout, outputBytes(layout), output.kind === "convert" ? output.type : "float32", file);
  }
  return layout;
}
/** Candidate paths of the header and image of a pair, or undefined for a single-file name. */
function pairPaths(path: string): { hdr: string[]; img: string[] } | undefined {
  const m = /^(.*)\.(hdr|img)(\.gz)?$/i.exec(path);
  if (!m) return undefined;
  const [, base, ext, gz = ""] = m;
  const upper = ext === ext.toUpperCase();
  const other = (e: string) => upper ? e.toUpperCase() : e;
  const gzOther = gz ? "" : upper ? ".GZ" : ".gz";
  const isHdr = ext.toLowerCase() === "hdr";
  const mate = other(isHdr ? "img" : "hdr");
  const mates = [`${base}.${mate}${gz}`, `${base}.${mate}${gzOther}`];
  return isHdr ? { hdr: [path], img: mates } : { hdr: mates, img: [path] };
}

function firstExisting(candidates: string[], asked: string): string {
  for (const c of candidates) {
    try {
      Deno.statSync(c);
      return c;
    } catch {
      // try the next candidate
    }
  }
  throw new NiftiError(asked, `file not found (looked for ${candidates.join(", ")})`);
}
