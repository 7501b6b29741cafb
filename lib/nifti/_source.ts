/**
 * Byte sources the reader pulls from in order: memory, an open file, or a gzip stream inflated
 * incrementally into the caller's buffers (so stored values can land straight in their final array).
 *
 * @module
 */

import zlib from "node:zlib";
import { libdeflateGunzip, libdeflateLibrary } from "./_libdeflate.ts";
import { giveScratch, KEEP_LIMIT, takeScratch } from "./_scratch.ts";
import { NiftiError } from "./errors.ts";

/** A forward-only byte stream. */
export interface Source {
  /** Fill `out` from the current position; returns the bytes written (fewer only at the end). */
  read(out: Uint8Array): number;
  /**
   * Bytes left to read: exact for memory and files; for gzip an estimate from the trailer's ISIZE,
   * trusted only for pre-allocation, never for correctness.
   */
  remaining(): { bytes: number; exact: boolean };
  /** Skip to the end, checking integrity (gzip CRC); returns how many bytes were left. */
  finish(): number;
  /** Free what the source holds (idempotent). */
  close(): void;
}

/** Bytes already in memory. */
export function memorySource(bytes: Uint8Array): Source {
  let at = 0;
  return {
    read(out) {
      const n = Math.min(out.length, bytes.length - at);
      out.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
    remaining: () => ({ bytes: bytes.length - at, exact: true }),
    finish() {
      const left = bytes.length - at;
      at = bytes.length;
      return left;
    },
    close() {},
  };
}

/** An open file, read synchronously from its current position (the caller closes it). */
export function fileSource(file: Deno.FsFile, path: string): Source {
  const readFull = (out: Uint8Array) => {
    let got = 0;
    try {
      while (got < out.length) {
        const n = file.readSync(out.subarray(got));
        if (n === null || n === 0) break;
        got += n;
      }
    } catch (e) {
      throw new NiftiError(path, `cannot read file (${(e as Error).message})`, { cause: e });
    }
    return got;
  };
  return {
    read: readFull,
    remaining() {
      const here = file.seekSync(0, Deno.SeekMode.Current);
      const end = file.statSync().size;
      return { bytes: Math.max(0, end - here), exact: true };
    },
    finish() {
      const here = file.seekSync(0, Deno.SeekMode.Current);
      const end = file.seekSync(0, Deno.SeekMode.End);
      return end - here;
    },
    close() {}, // whoever opened the file closes it
  };
}

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Most bytes after the image that `finish` inflates to reach the CRC; past this it stops. */
const FINISH_LIMIT = 16 * 1024 * 1024;

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  onerror?: (message: string, errno: number) => void;
}

/**
 * Largest stream {@link gunzipSource} decompresses whole with libdeflate: the largest scratch buffer
 * kept for reuse, so that the decompressed copy is warm memory; larger streams are inflated by zlib
 * straight into their array, which holds one copy less.
 */
export const WHOLE_LIMIT = KEEP_LIMIT;

/** Options of {@link gunzipSource}. */
export interface GunzipOptions {
  /** Inflate on demand with node:zlib's handle; false inflates everything first. @default true */
  incremental?: boolean;
  /**
   * The whole stream will be read: decompress it at once with libdeflate when that is available, the
   * stream is one gzip member of at most {@link WHOLE_LIMIT} bytes, and it decodes (lib/nifti/
   * _libdeflate.ts); otherwise zlib as usual. False for a header-only read. @default false
   */
  whole?: boolean;
}

/**
 * A gzip stream (members back to back are one stream) inflated on demand by node:zlib's handle,
 * which writes into our buffers; where that handle is missing (or `incremental` is false), the whole
 * stream is inflated first with gunzipSync. With `whole`, libdeflate may decompress it at once into a
 * reused scratch buffer instead (given back on close).
 *
 * @throws {NiftiError} "corrupt or truncated gzip stream (...)" from read or finish.
 */
export function gunzipSource(input: Uint8Array, file: string, options: GunzipOptions = {}): Source {
  const { incremental = true, whole = false } = options;
  if (whole) {
    const fast = libdeflateSource(input);
    if (fast) return fast;
  }
  const gz = zlib.createGunzip() as unknown as {
    _handle?: ZlibHandle;
    _writeState?: Uint32Array;
    close(): void;
  };
  const handle = gz._handle, state = gz._writeState;
  if (!incremental || !handle || typeof handle.writeSync !== "function" || !(state instanceof Uint32Array)) {
    gz.close();
    return memorySource(gunzipAll(input, file));
  }
  let error: string | undefined;
  handle.onerror = (message: string) => error ??= message;
  let inOff = 0;
  let produced = 0;
  let ended = false;
  let closed = false;
  const isize = trailerSize(input);
  const close = () => {
    if (!closed) gz.close();
    closed = true;
  };
  const fail = (message: string) => {
    ended = true;
    close();
    return new NiftiError(file, `corrupt or truncated gzip stream (${message})`);
  };
  const read = (out: Uint8Array) => {
    let got = 0;
    while (!ended && got < out.length) {
      const want = out.length - got;
      handle.writeSync(zlib.constants.Z_FINISH, input, inOff, input.length - inOff, out, got, want);
      if (error) throw fail(error);
      const have = want - state[0];
      inOff = input.length - state[1];
      got += have;
      produced += have;
      if (have < want) {
        // output room left and no error: the stream (every member) ended
        ended = true;
        close();
      }
    }
    return got;
  };
  return {
    read,
    remaining: () => ({ bytes: ended ? 0 : Math.max(0, isize - produced), exact: ended }),
    finish() {
      let left = 0;
      const sink = new Uint8Array(64 * 1024);
      while (!ended && left < FINISH_LIMIT) left += read(sink);
      close();
      return left;
    },
    close,
  };
}

/**
 * ISIZE from a gzip trailer (uncompressed size mod 2^32), or 0 when the stream is too short to have one
 * or could not be that big (deflate expands at most 1032:1).
 */
function trailerSize(input: Uint8Array): number {
  if (input.length < 18) return 0;
  const isize = new DataView(input.buffer, input.byteOffset + input.length - 4, 4).getUint32(0, true);
  return isize <= input.length * 1032 + 1024 ? isize : 0;
}

/** The stream decompressed whole by libdeflate into scratch, as a memory source; null to use zlib. */
function libdeflateSource(input: Uint8Array): Source | null {
  const isize = trailerSize(input);
  if (isize === 0 || isize > WHOLE_LIMIT) return null;
  if (libdeflateLibrary() === null) return null;
  const out = takeScratch(isize);
  if (!libdeflateGunzip(input, out)) {
    giveScratch(out);
    return null;
  }
  const source = memorySource(out);
  let closed = false;
  return {
    ...source,
    close() {
      if (!closed) giveScratch(out);
      closed = true;
    },
  };
}

/** Inflate a whole gzip stream at once. */
export function gunzipAll(input: Uint8Array, file: string): Uint8Array {
  try {
    const out = zlib.gunzipSync(input);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new NiftiError(file, `corrupt or truncated gzip stream (${(e as Error).message})`, { cause: e });
  }
}
