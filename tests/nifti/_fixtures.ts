/** Test helpers: shared-data location and hand-made NIfTI files of any datatype and byte order. */

import { encodeHeader, type NiftiHeader } from "../../lib/nifti/mod.ts";

/** ../shared/data from the project root, with a trailing slash. */
export const DATA = new URL("../../../shared/data/", import.meta.url).pathname;

/** True when ../shared/data is present; otherwise the tests that need it are ignored (tests/_skip.ts). */
export const HAVE_DATA = (() => {
  try {
    return Deno.statSync(`${DATA}expected_nibabel.json`).isFile;
  } catch {
    return false;
  }
})();

/** A valid NIfTI-1 single-file header for `shape` and datatype code, overridable field by field. */
export function header(
  shape: number[],
  datatype: number,
  bitpix: number,
  over: Partial<NiftiHeader> = {},
): NiftiHeader {
  return {
    version: 1,
    littleEndian: true,
    sizeofHdr: 348,
    magic: "n+1",
    dimInfo: 0,
    dim: [shape.length, ...shape, ...new Array(7 - shape.length).fill(1)],
    intentP1: 0,
    intentP2: 0,
    intentP3: 0,
    intentCode: 0,
    datatype,
    bitpix,
    sliceStart: 0,
    pixdim: [1, 2, 3, 4, 1, 1, 1, 1],
    voxOffset: 352,
    sclSlope: 0,
    sclInter: 0,
    sliceEnd: 0,
    sliceCode: 0,
    xyztUnits: 10,
    calMax: 0,
    calMin: 0,
    sliceDuration: 0,
    toffset: 0,
    descrip: "test",
    auxFile: "",
    qformCode: 0,
    sformCode: 1,
    quaternB: 0,
    quaternC: 0,
    quaternD: 0,
    qoffsetX: 0,
    qoffsetY: 0,
    qoffsetZ: 0,
    srowX: [2, 0, 0, -10],
    srowY: [0, 3, 0, -20],
    srowZ: [0, 0, 4, -30],
    intentName: "",
    ...over,
  };
}

/**
 * A single-file NIfTI: the header (vox_offset = sizeof_hdr + 4, no extensions) then `image`, whose
 * elements of `swapWidth` bytes are byte-swapped when the header is big-endian.
 */
export function niftiBytes(h: NiftiHeader, image: Uint8Array, swapWidth = 1): Uint8Array {
  const offset = h.sizeofHdr + 4;
  const hdr = encodeHeader({ ...h, voxOffset: offset });
  const out = new Uint8Array(offset + image.length);
  out.set(hdr, 0);
  const img = image.slice();
  if (!h.littleEndian && swapWidth > 1) {
    for (let i = 0; i + swapWidth <= img.length; i += swapWidth) img.subarray(i, i + swapWidth).reverse();
  }
  out.set(img, offset);
  return out;
}

/** Bytes of a typed array. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** Deterministic PRNG (lib/rng.ts's mulberry32) giving floats in [0, 1). */
export { mulberry32 as rng } from "../../lib/rng.ts";
