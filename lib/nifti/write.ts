/**
 * Write a {@link Volume} as NIfTI-1 (or NIfTI-2): .nii, .nii.gz, or a .hdr/.img pair.
 *
 * @module
 */

import { atomicWrite } from "../fs.ts";
import { gzipSync } from "node:zlib";
import { datatypeByName, datatypeOfArray } from "./_datatypes.ts";
import { HOST_LITTLE_ENDIAN, swapBytes } from "./_decode.ts";
import { affineToQform } from "./affine.ts";
import { NiftiError } from "./errors.ts";
import { affineExtension, isAffineExtension } from "./_exact_affine.ts";
import { encodeHeader, type NiftiExtension, type NiftiHeader } from "./header.ts";
import type { Volume } from "./volume.ts";

/** Options of {@link writeNifti} and {@link encodeNifti}. */
export interface WriteNiftiOptions {
  /** Gzip the output. @default true when the path ends in ".gz" (encodeNifti: false) */
  gzip?: boolean;
  /** zlib level 1 (fast) to 9 (small). @default 6 */
  compressionLevel?: number;
  /** NIfTI-1 (float32 header fields) or NIfTI-2 (float64 fields, exact float64 affines). @default 1 */
  version?: 1 | 2;
  /** Byte order of the file. @default "little" */
  endian?: "little" | "big";
  /** sform_code (1 scanner, 2 aligned, 3 talairach, 4 mni, 5 template). @default 2 */
  sformCode?: number;
  /**
   * qform_code. The qform holds the affine's rotation as a quaternion; when the affine has shears
   * it cannot hold, the default becomes 0 so readers fall back on the exact sform. @default 2
   */
  qformCode?: number;
  /** The header's descrip text (80 bytes at most). @default volume.header?.descrip or "cam-dmri" */
  description?: string;
  /** Header extensions to write. @default volume.extensions or none */
  extensions?: NiftiExtension[];
}

const UNIT_CODES: Record<string, number> = {
  unknown: 0,
  meter: 1,
  mm: 2,
  micron: 3,
  sec: 8,
  msec: 16,
  usec: 24,
  hz: 32,
  ppm: 40,
  rads: 48,
};

/**
 * Write a volume to `path`: NIfTI-1 .nii or .nii.gz (gzip by extension), or a .hdr/.img pair when
 * the path ends in .hdr/.img (optionally .gz). The affine goes to the sform (float32 in NIfTI-1) and
 * to the qform as quaternion + pixdims + offsets (nibabel's set_qform). When a NIfTI-1 sform cannot
 * hold the affine exactly in float32, a comment extension "cam-dmri:affine=[...]" carries the float64
 * affine, which readNifti prefers while it still rounds to the sform — so round trips are exact. scl_slope is 1,
 * so the stored values are the volume's values. The write is atomic (temporary file, then rename).
 *
 * @example
 * await writeNifti(volumeFrom(new Float32Array(8), [2, 2, 2]), "out/fa.nii.gz");
 *
 * @throws {NiftiError} naming the path when the volume is inconsistent or the file cannot be written.
 */
export async function writeNifti(
  volume: Volume,
  path: string,
  options: WriteNiftiOptions = {},
): Promise<void> {
  const pair = /^(.*)\.(hdr|img)(\.gz)?$/i.exec(path);
  const gzip = options.gzip ?? /\.gz$/i.test(path);
  if (pair) {
    const [, base, ext, gz = ""] = pair;
    const upper = ext === ext.toUpperCase();
    const { header, image } = encodeParts(volume, options, path, true);
    const level = options.compressionLevel ?? 6;
    const pack = (b: Uint8Array) => gzip ? gzipBytes(b, level, path) : b;
    await writeFile(`${base}.${upper ? "HDR" : "hdr"}${gz}`, pack(header));
    await writeFile(`${base}.${upper ? "IMG" : "img"}${gz}`, pack(image));
    return;
  }
  await writeFile(path, encodeNifti(volume, { ...options, gzip }, path));
}

/**
 * The bytes of a single-file NIfTI image (.nii, or .nii.gz when `gzip`); see {@link writeNifti}.
 *
 * @throws {NiftiError} (file `name`) when the volume is inconsistent.
 */
export function encodeNifti(
  volume: Volume,
  options: WriteNiftiOptions = {},
  name = "<encodeNifti>",
): Uint8Array {
  const { header, image } = encodeParts(volume, options, name, false);
  const out = new Uint8Array(header.length + image.length);
  out.set(header, 0);
  out.set(image, header.length);
  return options.gzip ? gzipBytes(out, options.compressionLevel ?? 6, name) : out;
}

function gzipBytes(bytes: Uint8Array, level: number, file: string): Uint8Array {
  try {
    const z = gzipSync(bytes, { level });
    return new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
  } catch (e) {
    throw new NiftiError(file, `gzip failed (${(e as Error).message})`, { cause: e });
  }
}

async function writeFile(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await atomicWrite(path, bytes, { createFolders: false }); // as nibabel: a missing folder is an error
  } catch (e) {
    throw new NiftiError(path, `cannot write file (${(e as Error).message})`, { cause: e });
  }
}

/** Header (+ extension flag + extensions, padded to vox_offset) and image bytes. */
function encodeParts(
  volume: Volume,
  options: WriteNiftiOptions,
  file: string,
  pair: boolean,
): { header: Uint8Array; image: Uint8Array } {
  const { shape, data, affine } = volume;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 7) {
    throw new NiftiError(file, `shape must have 1 to 7 dimensions (got ${JSON.stringify(shape)})`);
  }
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= 2 ** 15 - 1) && options.version !== 2) {
    throw new NiftiError(file, `shape [${shape.join(", ")}] does not fit NIfTI-1 (sizes 1..32767)`);
  }
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 1)) {
    throw new NiftiError(file, `shape [${shape.join(", ")}] must be positive integers`);
  }
  const arrayType = datatypeOfArray(data);
  const dt = datatypeByName(volume.datatype);
  const channels = volume.channels ?? (dt?.kind === "rgb" ? dt.channels : 1);
  const rgbOk = dt?.kind === "rgb" && arrayType === "uint8" && channels === dt.channels;
  if (!dt || !(rgbOk || (dt.kind !== "rgb" && arrayType === dt.name))) {
    throw new NiftiError(
      file,
      `datatype "${volume.datatype}" does not match the data (${arrayType ?? "not a typed array"})`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count * channels) {
    throw new NiftiError(file, `data length ${data.length} does not match shape [${shape.join(", ")}]`);
  }
  if (!(affine?.length === 4 && affine.every((r) => r.length === 4 && r.every(Number.isFinite)))) {
    throw new NiftiError(file, "affine must be 4 rows of 4 finite numbers");
  }
  const version = options.version ?? 1;
  const littleEndian = (options.endian ?? "little") === "little";
  const q = affineToQform(affine);
  const src = volume.header;
  const pixdim = [q.qfac, ...q.zooms, 1, 1, 1, 1];
  for (let i = 3; i < shape.length; i++) pixdim[i + 1] = volume.pixdim?.[i] ?? 1;
  const units = volume.units ?? { spatial: "mm", temporal: "sec" };
  const extensions = (options.extensions ?? volume.extensions ?? []).filter((e) => !isAffineExtension(e));
  if (version === 1 && !affine.every((row) => row.every((v) => Math.fround(v) === v))) {
    extensions.push(affineExtension(affine));
  }
  const sizeofHdr = version === 1 ? 348 : 540;
  let extBytes = 4;
  const esize = (e: NiftiExtension) => Math.ceil((8 + e.data.length) / 16) * 16; // multiple of 16
  for (const e of extensions) extBytes += esize(e);
  const voxOffset = pair ? 0 : sizeofHdr + extBytes; // 352 + 16·k: 16-byte aligned as SPM wants
  const header: NiftiHeader = {
    version,
    littleEndian,
    sizeofHdr,
    magic: `${pair ? "ni" : "n+"}${version}`,
    dimInfo: src?.dimInfo ?? 0,
    dim: [shape.length, ...shape, ...new Array(7 - shape.length).fill(1)],
    intentP1: src?.intentP1 ?? 0,
    intentP2: src?.intentP2 ?? 0,
    intentP3: src?.intentP3 ?? 0,
    intentCode: src?.intentCode ?? 0,
    datatype: dt.code,
    bitpix: dt.bytes * 8,
    sliceStart: src?.sliceStart ?? 0,
    pixdim,
    voxOffset,
    sclSlope: 1,
    sclInter: 0,
    sliceEnd: src?.sliceEnd ?? 0,
    sliceCode: src?.sliceCode ?? 0,
    xyztUnits: (UNIT_CODES[units.spatial] ?? 0) | (UNIT_CODES[units.temporal] ?? 0),
    calMax: 0,
    calMin: 0,
    sliceDuration: src?.sliceDuration ?? 0,
    toffset: src?.toffset ?? 0,
    descrip: options.description ?? src?.descrip ?? "cam-dmri",
    auxFile: src?.auxFile ?? "",
    qformCode: options.qformCode ?? (q.exact ? 2 : 0),
    sformCode: options.sformCode ?? 2,
    quaternB: q.quaternB,
    quaternC: q.quaternC,
    quaternD: q.quaternD,
    qoffsetX: q.qoffset[0],
    qoffsetY: q.qoffset[1],
    qoffsetZ: q.qoffset[2],
    srowX: affine[0].slice(),
    srowY: affine[1].slice(),
    srowZ: affine[2].slice(),
    intentName: src?.intentName ?? "",
  };
  const head = new Uint8Array(pair ? sizeofHdr + extBytes : voxOffset);
  head.set(encodeHeader(header), 0);
  if (extensions.length > 0) {
    head[sizeofHdr] = 1;
    const view = new DataView(head.buffer);
    let at = sizeofHdr + 4;
    for (const e of extensions) {
      view.setInt32(at, esize(e), littleEndian);
      view.setInt32(at + 4, e.code, littleEndian);
      head.set(e.data, at + 8);
      at += esize(e);
    }
  }
  let image = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (littleEndian !== HOST_LITTLE_ENDIAN && dt.elementBytes > 1) {
    image = image.slice();
    swapBytes(image, dt.elementBytes);
  }
  return { header: head, image };
}
