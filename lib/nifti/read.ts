/**
 * Read NIfTI-1/NIfTI-2 images (.nii, .nii.gz, .hdr/.img pairs, gzipped or not, either byte order)
 * into a {@link Volume} with nibabel's scaling and affine.
 *
 * @module
 */

import { gunzipSync } from "node:zlib";
import { datatypeByCode, type DatatypeInfo, datatypeOfArray } from "./_datatypes.ts";
import { complexMagnitude, decodeRaw, scaleInto } from "./_decode.ts";
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
 * @example
 * const vol = await readNifti("../shared/data/nifti/nibabel_example4d.nii.gz", { dtype: "float32" });
 * vol.shape; // [128, 96, 24, 2]
 *
 * @throws {NiftiError} naming the file and the problem: not NIfTI, truncated, bad gzip, unknown
 * datatype, vox_offset past the end, data shorter than the dims need, complex without `complex`.
 */
export async function readNifti(
  pathOrBytes: string | Uint8Array,
  options: ReadNiftiOptions = {},
): Promise<Volume> {
  if (typeof pathOrBytes !== "string") return decodeNifti(pathOrBytes, options);
  const path = pathOrBytes;
  const pair = pairPaths(path);
  if (pair) {
    const hdrPath = await firstExisting(pair.hdr, path);
    const hdrBytes = gunzipIfNeeded(await readFileBytes(hdrPath), hdrPath);
    const header = parseHeader(hdrBytes, hdrPath);
    if (header.magic.startsWith("n+")) {
      return volumeFromBuffer(hdrBytes, hdrBytes, header, hdrPath, options, false);
    }
    const imgPath = await firstExisting(pair.img, path);
    const imgBytes = gunzipIfNeeded(await readFileBytes(imgPath), imgPath);
    return volumeFromBuffer(hdrBytes, imgBytes, header, imgPath, options, false, hdrPath);
  }
  const bytes = gunzipIfNeeded(await readFileBytes(path), path);
  return decodeBuffer(bytes, path, options, false);
}

/**
 * Decode a single-file NIfTI image (.nii or .nii.gz bytes) synchronously; see {@link readNifti}.
 * The returned data never alias `bytes`.
 *
 * @throws {NiftiError} as {@link readNifti}; also when the header belongs to a .hdr/.img pair.
 */
export function decodeNifti(bytes: Uint8Array, options: ReadNiftiOptions = {}): Volume {
  const name = options.name ?? "<bytes>";
  const raw = gunzipIfNeeded(bytes, name);
  return decodeBuffer(raw, name, options, raw === bytes);
}

function decodeBuffer(bytes: Uint8Array, file: string, options: ReadNiftiOptions, copy: boolean): Volume {
  const header = parseHeader(bytes, file);
  if (!header.magic.startsWith("n+")) {
    throw new NiftiError(
      file,
      `header magic "${header.magic}" is for a .hdr/.img pair: read it by its .hdr path`,
    );
  }
  return volumeFromBuffer(bytes, bytes, header, file, options, copy);
}

function volumeFromBuffer(
  hdrBytes: Uint8Array,
  imgBytes: Uint8Array,
  rawHeader: NiftiHeader,
  file: string,
  options: ReadNiftiOptions,
  copy: boolean,
  hdrFile = file,
): Volume {
  const single = hdrBytes === imgBytes;
  const layout = checkLayout(rawHeader, single, hdrFile, options);
  const { header, dt, shape, count, nbytes, offset, scaling } = layout;
  if (offset > imgBytes.length) {
    throw new NiftiError(file, `vox_offset ${offset} is past the end of the file (${imgBytes.length} bytes)`);
  }
  if (imgBytes.length - offset < nbytes) {
    throw new NiftiError(
      file,
      `image data too short: shape [${shape.join(", ")}] ${dt.name} needs ${nbytes} bytes from ` +
        `vox_offset ${offset}, file has ${imgBytes.length - offset}`,
    );
  }
  const extensions: NiftiExtension[] = parseExtensions(
    hdrBytes,
    header.sizeofHdr,
    single ? offset : hdrBytes.length,
    header.littleEndian,
    hdrFile,
  );
  const affine = exactAffine(extensions, header) ?? headerAffine(header, hdrFile);
  const want = options.dtype ?? "auto";
  const raw = decodeRaw(imgBytes, offset, count, dt, header.littleEndian, copy);
  let data: VoxelArray;
  let channels: number | undefined;
  const slope = scaling?.slope ?? 1, inter = scaling?.inter ?? 0;
  if (dt.kind === "complex" || dt.kind === "complex256") {
    const type = want !== "auto" ? want : dt.name === "complex64" ? "float32" : "float64";
    const out = type === "float32" ? new Float32Array(count) : new Float64Array(count);
    complexMagnitude(raw as Float32Array | Float64Array, out, slope, inter);
    data = out;
  } else if (dt.kind === "rgb") {
    channels = dt.channels;
    data = want === "auto" ? raw : convert(raw, want);
  } else if (scaling) {
    const type = want !== "auto" ? want : raw instanceof Float64Array ? "float64" : "float32";
    const out = type === "float32" ? new Float32Array(count) : new Float64Array(count);
    scaleInto(raw, out, slope, inter);
    data = out;
  } else {
    data = want === "auto" ? raw : convert(raw, want);
  }
  const pixdim = header.pixdim.slice(1, shape.length + 1);
  const volume: Volume = {
    shape,
    datatype: channels ? dt.name : datatypeOfArray(data)!,
    data,
    affine,
    pixdim,
    units: {
      spatial: UNIT_NAMES[header.xyztUnits & 0x07] ?? "unknown",
      temporal: UNIT_NAMES[header.xyztUnits & 0x38] ?? "unknown",
    },
    header,
    extensions,
    file,
  };
  if (channels) volume.channels = channels;
  if (scaling) volume.scaling = scaling;
  return volume;
}

function convert(raw: VoxelArray, type: "float32" | "float64"): VoxelArray {
  const Ctor = type === "float32" ? Float32Array : Float64Array;
  if (raw instanceof Ctor) return raw;
  const out = new Ctor(raw.length);
  scaleInto(raw, out, 1, 0);
  return out;
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

function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new NiftiError(file, `corrupt or truncated gzip stream (${(e as Error).message})`, { cause: e });
  }
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new NiftiError(path, "file not found", { cause: e });
    throw new NiftiError(path, `cannot read file (${(e as Error).message})`, { cause: e });
  }
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

async function firstExisting(candidates: string[], asked: string): Promise<string> {
  for (const c of candidates) {
    try {
      await Deno.stat(c);
      return c;
    } catch {
      // try the next candidate
    }
  }
  throw new NiftiError(asked, `file not found (looked for ${candidates.join(", ")})`);
}
