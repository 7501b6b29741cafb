/**
 * Read NIfTI-1/NIfTI-2 images (.nii, .nii.gz, .hdr/.img pairs, gzipped or not, either byte order)
 * into a {@link Volume} with nibabel's scaling and affine.
 *
 * @module
 */

import { arrayConstructor, datatypeByCode, type DatatypeInfo, datatypeOfArray } from "./_datatypes.ts";
import { complexMagnitude, decodeRaw, HOST_LITTLE_ENDIAN, scaleInto, swapBytes } from "./_decode.ts";
import { giveScratch, takeScratch } from "./_scratch.ts";
import { fileSource, gunzipAll, gunzipSource, isGzip, memorySource, type Source } from "./_source.ts";
import { allocArray, type ArrayCtor, expectArray } from "./_alloc.ts";
import { exactAffine } from "./_exact_affine.ts";
import { headerAffine } from "./affine.ts";
import { NiftiError } from "./errors.ts";
import { type NiftiExtension, type NiftiHeader, parseExtensions, parseHeader } from "./header.ts";
import type { Volume, VoxelArray } from "./volume.ts";

/** Options of {@link readNifti} and {@link decodeNifti}. */
export interface ReadNiftiOptions {
  /**
   * Element type of `data`. "auto" keeps the stored type, or gives float32 when scl_slope scaling
   * applies (float64 for float64 data); "float32"/"float64" always convert, like nibabel's
   * `get_fdata(dtype=...)`. @default "auto"
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
   * Memory tuning for image arrays of 2 MiB or more when FFI is allowed on Linux with glibc (see
   * lib/nifti/_alloc.ts): glibc keeps freed blocks under 32 MiB mapped for reuse (a process-wide
   * `mallopt`, done once; `CAM_MALLOPT=off` skips it), a read of 2–32 MiB prompts V8 to collect the
   * images earlier reads dropped so that their memory is reused, and the array's aligned 2 MiB span
   * is marked for transparent huge pages. The array is always plain (byteOffset 0, its own buffer);
   * false skips all of it. Values are the same either way. @default true
   */
  hugePages?: boolean;
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

/** Everything the header says about the image, validated; shared by the single-file and pair readers. */
interface Layout {
  header: NiftiHeader;
  dt: DatatypeInfo;
  shape: number[];
  count: number;
  nbytes: number;
  offset: number;
  scaling?: { slope: number; inter: number };
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
 * lib/nifti/_libdeflate.ts), else inflated incrementally by zlib, straight into the returned array when
 * no conversion is needed; otherwise stored values pass through a reused scratch buffer converted in
 * one loop. File I/O is
 * synchronous (nibabel-like); the promise is settled when the call returns. Large arrays reuse the
 * memory of dropped ones and go on transparent huge pages unless `hugePages: false` (see that option).
 *
 * @example
 * const vol = await readNifti("../shared/data/nifti/nibabel_example4d.nii.gz", { dtype: "float32" });
 * vol.shape; // [128, 96, 24, 2]
 *
 * @throws {NiftiError} naming the file and the problem: not NIfTI, truncated, bad gzip, unknown
 * datatype, vox_offset past the end, data shorter than the dims need, complex without `complex`.
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
 * pixdim, units, scaling. Gzipped files are inflated only as far as the header; the image of a pair
 * is not opened. Checks the same header fields as {@link readNifti} (but not the data length).
 *
 * @example
 * const { shape, affine } = await readNiftiHeader("../shared/data/dwi/small_64D.nii");
 *
 * @throws {NiftiError} as {@link readNifti} for header problems.
 */
export function readNiftiHeader(
  pathOrBytes: string | Uint8Array,
  options: { name?: string } = {},
): Promise<NiftiInfo> {
  try {
    if (typeof pathOrBytes === "string") return Promise.resolve(readPath(pathOrBytes, {}, true) as NiftiInfo);
    const name = options.name ?? "<bytes>";
    const source = isGzip(pathOrBytes) ? gunzipSource(pathOrBytes, name) : memorySource(pathOrBytes);
    try {
      return Promise.resolve(readSingle(source, name, {}, true) as NiftiInfo);
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

function readPath(path: string, options: ReadNiftiOptions, headerOnly = false): Volume | NiftiInfo {
  const pair = pairPaths(path);
  if (pair) {
    const hdrPath = firstExisting(pair.hdr, path);
    const hdrFile = openFile(hdrPath);
    let hdrBytes: Uint8Array;
    try {
      hdrBytes = readAll(hdrFile, hdrPath);
    } finally {
      hdrFile.close();
    }
    if (isGzip(hdrBytes)) hdrBytes = gunzipAll(hdrBytes, hdrPath);
    const header = parseHeader(hdrBytes, hdrPath);
    if (header.magic.startsWith("n+")) {
      const source = memorySource(hdrBytes);
      return readSingle(source, hdrPath, options, headerOnly);
    }
    const extensions = parseExtensions(
      hdrBytes,
      header.sizeofHdr,
      hdrBytes.length,
      header.littleEndian,
      hdrPath,
    );
    if (headerOnly) {
      const layout = checkLayout(header, false, hdrPath, { ...options, complex: "magnitude" });
      return describe(layout, extensions, hdrPath, hdrPath);
    }
    const imgPath = firstExisting(pair.img, path);
    return withSource(imgPath, true, (source) => {
      const layout = checkLayout(header, false, hdrPath, options);
      // skip vox_offset bytes of the .img
      let skipped = 0;
      const sink = takeScratch(Math.min(layout.offset, 1 << 20));
      try {
        while (skipped < layout.offset) {
          const n = source.read(sink.subarray(0, Math.min(sink.length, layout.offset - skipped)));
          if (n === 0) break;
          skipped += n;
        }
      } finally {
        giveScratch(sink);
      }
      if (skipped < layout.offset) {
        throw new NiftiError(
          imgPath,
          `vox_offset ${layout.offset} is past the end of the file (${skipped} bytes)`,
        );
      }
      return readImage(source, new Uint8Array(0), layout, extensions, imgPath, hdrPath, options);
    });
  }
  return withSource(path, !headerOnly, (source) => readSingle(source, path, options, headerOnly));
}

/**
 * Open `path` (gzip or not) as a source, run `fn`, and close it. `whole`: `fn` reads the whole
 * stream (so a gzip file may be decompressed at once, see {@link gunzipSource}).
 */
function withSource<T>(path: string, whole: boolean, fn: (source: Source) => T): T {
  const file = openFile(path);
  let source: Source | undefined;
  let input: Uint8Array | undefined;
  try {
    const magic = new Uint8Array(2);
    const n = file.readSync(magic) ?? 0;
    if (n === 2 && isGzip(magic)) {
      const size = file.statSync().size;
      input = takeScratch(size);
      input.set(magic);
      const got = 2 + fileSource(file, path).read(input.subarray(2));
      source = gunzipSource(input.subarray(0, got), path, { whole });
    } else {
      file.seekSync(0, Deno.SeekMode.Start);
      source = fileSource(file, path);
    }
    return fn(source);
  } finally {
    source?.close();
    file.close();
    if (input) giveScratch(input);
  }
}

/** Header, extensions and image of a single-file NIfTI (n+1 / n+2) from a source. */
function readSingle(
  source: Source,
  file: string,
  options: ReadNiftiOptions,
  headerOnly = false,
): Volume | NiftiInfo {
  const head = new Uint8Array(544);
  const got = source.read(head);
  const header = parseHeader(head.subarray(0, got), file);
  if (!header.magic.startsWith("n+")) {
    throw new NiftiError(
      file,
      `header magic "${header.magic}" is for a .hdr/.img pair: read it by its .hdr path`,
    );
  }
  const layout = checkLayout(header, true, file, headerOnly ? { ...options, complex: "magnitude" } : options);
  const { offset } = layout;
  let prefix = head.subarray(0, got);
  let carry = new Uint8Array(0);
  if (offset <= got) {
    carry = head.subarray(offset, got);
    prefix = head.subarray(0, offset);
  } else {
    const rest = got === head.length ? readSafely(source, offset - got, file) : 0;
    if (typeof rest === "number") {
      throw new NiftiError(file, `vox_offset ${offset} is past the end of the file (${got + rest} bytes)`);
    }
    prefix = new Uint8Array(offset);
    prefix.set(head.subarray(0, got));
    prefix.set(rest, got);
  }
  const extensions = parseExtensions(prefix, header.sizeofHdr, offset, header.littleEndian, file);
  if (headerOnly) return describe(layout, extensions, file, file);
  return readImage(source, carry, layout, extensions, file, file, options);
}

/**
 * The next `n` bytes of a source, or how many there were when fewer. Allocates only what the source
 * vouches for; otherwise it reads in chunks first, so a forged size cannot trigger a huge allocation.
 */
function readSafely(source: Source, n: number, file: string): Uint8Array | number {
  const known = source.remaining();
  if (known.bytes >= n) {
    let out: Uint8Array;
    try {
      out = new Uint8Array(n);
    } catch (e) {
      throw new NiftiError(file, `cannot allocate ${n} bytes`, { cause: e });
    }
    const got = source.read(out);
    return got < n ? got : out;
  }
  if (known.exact) return known.bytes;
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < n) {
    const chunk = new Uint8Array(Math.min(n - total, 16 << 20));
    const got = source.read(chunk);
    chunks.push(chunk.subarray(0, got));
    total += got;
    if (got < chunk.length) return total;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Read the image bytes (`carry` first, then the source) and build the Volume. Stored values go
 * straight into the returned array when no conversion is needed; otherwise they pass through a
 * reused scratch buffer and are converted into a fresh array in one pass.
 */
function readImage(
  source: Source,
  carry: Uint8Array,
  layout: Layout,
  extensions: NiftiExtension[],
  file: string,
  hdrFile: string,
  options: ReadNiftiOptions,
): Volume {
  const { header, dt, shape, count, nbytes, offset, scaling } = layout;
  const want = options.dtype ?? "auto";
  const direct = dt.kind !== "complex" && dt.kind !== "complex256" && dt.kind !== "float128" && !scaling &&
    (want === "auto" || want === dt.name);
  const first = Math.min(carry.length, nbytes);
  const tooShort = (got: number) =>
    new NiftiError(
      file,
      `image data too short: shape [${shape.join(", ")}] ${dt.name} needs ${nbytes} bytes from ` +
        `vox_offset ${offset}, file has ${got}`,
    );
  // never allocate for data that is not there: exact sizes are checked first; a gzip stream whose
  // trailer does not vouch for the size is inflated in chunks before the image array is made
  const known = source.remaining();
  let chunks: Uint8Array[] | undefined;
  if (first + known.bytes < nbytes) {
    if (known.exact) throw tooShort(first + known.bytes);
    chunks = [];
    let total = first;
    while (total < nbytes) {
      const chunk = new Uint8Array(Math.min(nbytes - total, 16 << 20));
      const n = source.read(chunk);
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (n < chunk.length) break;
    }
    if (total < nbytes) throw tooShort(total);
  }
  const huge = options.hugePages !== false;
  // the output array's size (converted outputs estimated as float32 unless float64 is asked for)
  expectArray(direct ? nbytes : count * (want === "float64" ? 8 : 4), huge);
  let dest: VoxelArray | undefined;
  let bytes: Uint8Array;
  try {
    if (direct) {
      const Ctor = arrayConstructor(dt.name)! as ArrayCtor<VoxelArray>;
      dest = allocArray(Ctor, count * dt.channels, huge);
      bytes = new Uint8Array(dest.buffer, dest.byteOffset, nbytes);
    } else bytes = takeScratch(nbytes);
  } catch (e) {
    throw new NiftiError(file, `cannot allocate ${nbytes} bytes for shape [${shape.join(", ")}]`, {
      cause: e,
    });
  }
  try {
    bytes.set(carry.subarray(0, first));
    let got = first;
    if (chunks) {
      for (const c of chunks) {
        bytes.set(c, got);
        got += c.length;
      }
    } else if (first < nbytes) got += source.read(bytes.subarray(first));
    if (got < nbytes) throw tooShort(got);
    source.finish(); // reach the gzip trailer so that its CRC is checked
    let data: VoxelArray;
    if (dest) {
      if (dt.elementBytes > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN) {
        swapBytes(bytes, dt.elementBytes);
      }
      data = dest;
    } else {
      data = convertStored(
        decodeRaw(bytes, 0, count, dt, header.littleEndian, false),
        dt,
        count,
        want,
        scaling,
        huge,
      );
    }
    const info = describe(layout, extensions, file, hdrFile);
    const volume: Volume = {
      ...info,
      datatype: dt.kind === "rgb" && want === "auto" ? dt.name : datatypeOfArray(data)!,
      data,
    };
    if (dt.kind === "rgb") volume.channels = dt.channels;
    return volume;
  } finally {
    if (!dest) giveScratch(bytes);
  }
}

/** Stored values (a view on scratch) → a fresh array: complex magnitude, scaling, or type conversion. */
function convertStored(
  raw: VoxelArray,
  dt: DatatypeInfo,
  count: number,
  want: "auto" | "float32" | "float64",
  scaling: Layout["scaling"],
  huge: boolean,
): VoxelArray {
  const alloc = (type: "float32" | "float64", n: number) =>
    type === "float32" ? allocArray(Float32Array, n, huge) : allocArray(Float64Array, n, huge);
  const slope = scaling?.slope ?? 1, inter = scaling?.inter ?? 0;
  if (dt.kind === "complex" || dt.kind === "complex256") {
    const type = want !== "auto" ? want : dt.name === "complex64" ? "float32" : "float64";
    const out = alloc(type, count);
    complexMagnitude(raw as Float32Array | Float64Array, out, slope, inter);
    return out;
  }
  let type: "float32" | "float64";
  if (want !== "auto") type = want;
  else if (scaling) type = raw instanceof Float64Array ? "float64" : "float32";
  else if (dt.kind === "float128") return raw; // decodeRaw made a fresh Float64Array
  else return raw.slice() as VoxelArray; // never hand out a view on scratch
  const out = alloc(type, raw.length);
  scaleInto(raw, out, slope, inter);
  return out;
}

function openFile(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new NiftiError(path, "file not found", { cause: e });
    throw new NiftiError(path, `cannot read file (${(e as Error).message})`, { cause: e });
  }
}

function readAll(file: Deno.FsFile, path: string): Uint8Array {
  const size = file.statSync().size;
  const out = new Uint8Array(size);
  const got = fileSource(file, path).read(out);
  return out.subarray(0, got);
}

/** Validate a header, apply nibabel's fixes, and work out shape, sizes, offset and scaling. */
function checkLayout(raw: NiftiHeader, single: boolean, file: string, options: ReadNiftiOptions): Layout {
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
  if ((dt.kind === "complex" || dt.kind === "complex256") && options.complex !== "magnitude") {
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
  return { header, dt, shape, count, nbytes, offset, scaling };
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
