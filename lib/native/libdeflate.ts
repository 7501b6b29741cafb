/**
 * Whole-stream gzip decompression with libdeflate (optional, through Deno's FFI): 1.3–1.5x faster than
 * zlib's inflate on the W1 images here (copy out included), and inflating is most of a .nii.gz read.
 * Used by the gzip source when the library opens
 * (`libdeflate.so.0`, Debian's `libdeflate0`; `CAM_LIBDEFLATE=off` disables it, any other value names
 * the file) and the stream is a single gzip member whose trailer states its size.
 * Anything else, and any stream libdeflate rejects, goes to node:zlib's incremental inflate, which
 * also gives the error messages: libdeflate only ever speeds up a stream that decodes.
 *
 * @module
 */

import { openNative } from "./ffi.ts";

/** Shared libraries tried in order. */
export const LIBDEFLATE_CANDIDATES = ["libdeflate.so.0", "libdeflate.so", "libdeflate.dylib"] as const;

/** libdeflate_result LIBDEFLATE_SUCCESS. */
const SUCCESS = 0;

interface Inflater {
  /** Decompress one gzip member of `input` into `out`; returns [bytes read, bytes written] or null. */
  gunzip(input: Uint8Array, out: Uint8Array): [number, number] | null;
  library: string;
}

let inflater: Inflater | null | undefined;

function open(): Inflater | null {
  if (inflater !== undefined) return inflater;
  const got = openNative("CAM_LIBDEFLATE", undefined, LIBDEFLATE_CANDIDATES, (library) => {
    const lib = Deno.dlopen(library, {
      libdeflate_alloc_decompressor: { parameters: [], result: "pointer" },
      libdeflate_gzip_decompress_ex: {
        parameters: ["pointer", "buffer", "usize", "buffer", "usize", "buffer", "buffer"],
        result: "i32",
      },
    });
    const decompressor = lib.symbols.libdeflate_alloc_decompressor();
    if (decompressor === null) throw new Error("libdeflate_alloc_decompressor returned NULL");
    const sizes = new BigUint64Array(2); // actual_in_nbytes, actual_out_nbytes
    const inN = new Uint8Array(sizes.buffer, 0, 8), outN = new Uint8Array(sizes.buffer, 8, 8);
    return {
      library,
      gunzip(input: Uint8Array, out: Uint8Array): [number, number] | null {
        const result = lib.symbols.libdeflate_gzip_decompress_ex(
          decompressor,
          input,
          BigInt(input.length),
          out,
          BigInt(out.length),
          inN,
          outN,
        );
        return result === SUCCESS ? [Number(sizes[0]), Number(sizes[1])] : null;
      },
    };
  });
  inflater = got.ok ? got.value : null;
  return inflater;
}

/** The libdeflate library in use ("libdeflate.so.0"), or null when it is not (missing, off, no FFI). */
export function libdeflateLibrary(): string | null {
  return open()?.library ?? null;
}

/**
 * Decompress `input`, a whole gzip stream, into `out` with libdeflate. Succeeds (returns true) only
 * when the stream is exactly one member that fills `out` to the byte, its CRC32 and size checked;
 * returns false when libdeflate is unavailable or the stream is anything else (`out` then holds
 * garbage), so that the caller falls back to zlib.
 */
export function libdeflateGunzip(input: Uint8Array, out: Uint8Array): boolean {
  const lib = open();
  if (!lib) return false;
  const sizes = lib.gunzip(input, out);
  return sizes !== null && sizes[0] === input.length && sizes[1] === out.length;
}
