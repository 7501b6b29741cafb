/**
 * Byte sources the reader pulls from in order: memory, an open file, or a gzip stream inflated
 * incrementally into the caller's buffers (so stored values can land straight in their final array).
 * Bytes the reader does not keep (padding before vox_offset, data after the image) are skipped: a file
 * seeks, a gzip stream inflates them through a small reused buffer, so nothing ever holds them.
 *
 * @module
 */

import zlib from "node:zlib";
import { libdeflateGunzip, libdeflateLibrary } from "../native/mod.ts";
import { giveScratch, KEEP_LIMIT, takeScratch } from "./_scratch.ts";
import { NiftiError } from "./errors.ts";

/** A forward-only byte stream. */
export interface Source {
  /** Fill `out` from the current position; returns the bytes written (fewer only at the end). */
  read(out: Uint8Array): number;
  /** Pass over the next `n` bytes without keeping them; returns how many there were (fewer at the end). */
  skip(n: number): number;
  /**
   * The next `n` bytes (fewer at the end) as a view on memory the source already holds, to be read
   * and never written; null (and nothing consumed) where it holds none. Saves a copy.
   */
  view?(n: number): Uint8Array | null;
  /**
   * The reader will read the stream up to byte `end` (header, extensions, image), then finish: a gzip
   * source may decompress it whole at once (see {@link GunzipOptions.whole}).
   */
  expect?(end: number): void;
  /**
   * Bytes left to read: the exact count for memory and files (`exact`), an upper bound for a gzip
   * stream still inflating (what its unread compressed bytes could inflate to at deflate's 1032:1).
   */
  remaining(): { bytes: number; exact: boolean };
  /**
   * Pass over what is left, checking integrity (gzip CRC); returns how many bytes were left. A gzip
   * stream stops after {@link FINISH_LIMIT} bytes (trailing data is ignored, as nibabel does, and
   * never inflated further).
   */
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
    skip(n) {
      const k = Math.min(n, bytes.length - at);
      at += k;
      return k;
    },
    view(n) {
      const k = Math.min(n, bytes.length - at);
      at += k;
      return bytes.subarray(at - k, at);
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

/** Where an open file stands, when the caller knows (saves the system calls that find out). */
export interface FilePlace {
  /** The file's size in bytes. */
  size: number;
  /** The current read position. */
  position: number;
}

/**
 * An open file, read synchronously from its current position (the caller closes it). The file's size
 * is taken once, when the source is made (or from `place`): the reader's files do not change while
 * they are read.
 */
export function fileSource(file: Deno.FsFile, path: string, place?: FilePlace): Source {
  const fail = (e: unknown) =>
    new NiftiError(path, `cannot read file (${(e as Error).message})`, { cause: e });
  let here: number, end: number;
  try {
    here = place?.position ?? file.seekSync(0, Deno.SeekMode.Current);
    end = Math.max(here, place?.size ?? file.statSync().size);
  } catch (e) {
    throw fail(e);
  }
  return {
    read(out) {
      let got = 0;
      try {
        while (got < out.length) {
          const n = file.readSync(out.subarray(got));
          if (n === null || n === 0) break;
          got += n;
        }
      } catch (e) {
        throw fail(e);
      }
      here += got;
      return got;
    },
    skip(n) {
      const k = Math.max(0, Math.min(n, end - here));
      try {
        if (k > 0) file.seekSync(here + k, Deno.SeekMode.Start);
      } catch (e) {
        throw fail(e);
      }
      here += k;
      return k;
    },
    remaining: () => ({ bytes: Math.max(0, end - here), exact: true }),
    finish() {
      const left = Math.max(0, end - here);
      here = end; // nothing to check in a plain file: the caller closes it without reading on
      return left;
    },
    close() {}, // whoever opened the file closes it
  };
}

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Most bytes after the image that `finish` inflates looking for the gzip trailer (whose CRC it then
 * checks); a stream still going past this is left uninflated: its trailing data are ignored.
 */
export const FINISH_LIMIT = 1024 * 1024;

/** Deflate's largest expansion (a 258-byte match coded in 2 bits), for upper bounds on inflated sizes. */
const MAX_RATIO = 1032;

/** Most bytes of input or output handed to zlib in one call (its counts are 32-bit). */
const MAX_CALL = 1024 * 1024 * 1024;

/** Bytes of compressed input read from a file per step of a streamed inflate. */
const FILE_CHUNK = 1024 * 1024;
/** The same for a header-only read, which needs a few hundred bytes inflated. */
const HEADER_CHUNK = 64 * 1024;
/** The buffer skipped bytes are inflated through. */
const SKIP_CHUNK = 1024 * 1024;

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

/** Options of {@link gunzipSource} and {@link gunzipFile}. */
export interface GunzipOptions {
  /** Inflate on demand with node:zlib's handle; false inflates everything first. @default true */
  incremental?: boolean;
  /**
   * The whole stream will be read: once the reader says how far (`expect`), decompress it at once
   * with libdeflate when that is available, the stream is one gzip member whose trailer states a
   * size from there to {@link FINISH_LIMIT} more, at most {@link WHOLE_LIMIT}, and it decodes
   * (lib/nifti/_libdeflate.ts); otherwise zlib goes on. False for a header-only read. @default false
   */
  whole?: boolean;
}

/** Compressed input handed to the inflater piece by piece; null when there is no more. */
interface Feed {
  next(): Uint8Array | null;
  /** Compressed bytes not yet handed out. */
  left(): number;
  close(): void;
}

/**
 * A gzip stream in memory (members back to back are one stream) inflated on demand by node:zlib's
 * handle, which writes into our buffers; where that handle is missing (or `incremental` is false),
 * the whole stream is inflated first with gunzipSync. With `whole`, `expect` may switch to libdeflate,
 * which decompresses the stream at once into a reused scratch buffer (given back on close).
 *
 * @throws {NiftiError} "corrupt or truncated gzip stream (...)" from read, skip or finish.
 */
export function gunzipSource(input: Uint8Array, file: string, options: GunzipOptions = {}): Source {
  const { incremental = true, whole = false } = options;
  let given = false;
  const feed: Feed = {
    next() {
      if (given || input.length === 0) return null;
      given = true;
      return input;
    },
    left: () => given ? 0 : input.length,
    close() {},
  };
  const inflater = zlibSource(feed, file, incremental);
  if (!inflater) return memorySource(gunzipAll(input, file));
  return whole ? wholeOnDemand(inflater, input) : inflater;
}

/** Options of {@link gunzipFile}. */
export interface GunzipFileOptions extends GunzipOptions {
  /** The file's size, when the caller knows it. @default found with fstat */
  size?: number;
  /** Bytes the caller already read from the start of the file (e.g. the gzip magic). @default none */
  head?: Uint8Array;
}

/**
 * A gzip file read from its current position (after `head`, the bytes already read from its start;
 * the caller closes it). A `whole` read of a file small enough for libdeflate (see {@link gunzipSource})
 * reads the compressed bytes at once; anything else streams them through a small buffer, so that
 * memory holds the inflated bytes only.
 */
export function gunzipFile(file: Deno.FsFile, path: string, options: GunzipFileOptions = {}): Source {
  const head = options.head ?? new Uint8Array(0);
  const position = options.size === undefined ? undefined : head.length;
  const read = fileSource(file, path, position === undefined ? undefined : { size: options.size!, position });
  const size = head.length + read.remaining().bytes;
  if (options.whole && size <= WHOLE_LIMIT && libdeflateLibrary() !== null) {
    const input = takeScratch(size);
    let source: Source | undefined;
    try {
      input.set(head);
      const got = head.length + read.read(input.subarray(head.length));
      source = gunzipSource(input.subarray(0, got), path, options);
    } finally {
      if (!source) giveScratch(input);
    }
    return withClose(source, () => giveScratch(input));
  }
  const chunk = takeScratch(options.whole ? FILE_CHUNK : HEADER_CHUNK);
  let closed = false;
  let first: Uint8Array | null = head.length > 0 ? head : null;
  const feed: Feed = {
    next() {
      if (first) {
        const piece = first;
        first = null;
        return piece;
      }
      const n = read.read(chunk);
      return n === 0 ? null : chunk.subarray(0, n);
    },
    left: () => (first?.length ?? 0) + read.remaining().bytes,
    close() {
      if (!closed) giveScratch(chunk);
      closed = true;
    },
  };
  const source = zlibSource(feed, path, options.incremental ?? true);
  if (source) return source;
  feed.close(); // nothing was read from the file yet
  const all = new Uint8Array(size);
  all.set(head);
  return memorySource(gunzipAll(all.subarray(0, head.length + read.read(all.subarray(head.length))), path));
}

/** `source` that also runs `after` once when closed. */
function withClose(source: Source, after: () => void): Source {
  let closed = false;
  return {
    ...source,
    close() {
      source.close();
      if (!closed) after();
      closed = true;
    },
  };
}

/**
 * The zlib source over `input` that switches to a libdeflate decompression of the whole stream when
 * told how far the reader goes (`expect`) and the trailer's size fits that: from the reader's end to
 * {@link FINISH_LIMIT} past it, at most {@link WHOLE_LIMIT}. A trailer claiming more (a stream over
 * 4 GiB, whose ISIZE wraps; a bomb) or less (a short stream) leaves zlib to inflate what is asked for.
 */
function wholeOnDemand(inflater: ZlibSource, input: Uint8Array): Source {
  let whole: Source | undefined;
  let out: Uint8Array | undefined;
  const current = (): Source => whole ?? inflater;
  return {
    read: (o) => current().read(o),
    skip: (n) => current().skip(n),
    view: (n) => whole?.view?.(n) ?? null,
    expect(end) {
      if (whole) return;
      const isize = trailerSize(input);
      if (isize < end || isize > Math.min(WHOLE_LIMIT, end + FINISH_LIMIT)) return;
      if (libdeflateLibrary() === null) return;
      const buf = takeScratch(isize);
      if (!libdeflateGunzip(input, buf)) {
        giveScratch(buf);
        return;
      }
      out = buf;
      whole = memorySource(buf);
      whole.skip(inflater.produced());
      inflater.close();
    },
    remaining: () => current().remaining(),
    finish: () => current().finish(),
    close() {
      inflater.close();
      if (out) giveScratch(out);
      out = undefined;
    },
  };
}

interface Inflater {
  gz: { close(): void };
  handle: ZlibHandle & { reset?(): void };
  state: Uint32Array;
}

/** One idle inflater kept for the next read (making one costs more than a small image's header). */
let idleInflater: Inflater | undefined;

/** node:zlib's gunzip handle, reset, or null where the handle is not exposed. */
function takeInflater(): Inflater | null {
  const idle = idleInflater;
  idleInflater = undefined;
  if (idle) return idle;
  const gz = zlib.createGunzip() as unknown as {
    _handle?: ZlibHandle & { reset?(): void };
    _writeState?: Uint32Array;
    close(): void;
  };
  const handle = gz._handle, state = gz._writeState;
  if (!handle || typeof handle.writeSync !== "function" || !(state instanceof Uint32Array)) {
    gz.close();
    return null;
  }
  return { gz, handle, state };
}

function giveInflater(inflater: Inflater, healthy: boolean): void {
  inflater.handle.onerror = undefined;
  if (healthy && !idleInflater && typeof inflater.handle.reset === "function") {
    try {
      inflater.handle.reset();
      idleInflater = inflater;
      return;
    } catch {
      // closed below
    }
  }
  inflater.gz.close();
}

/** A zlib-inflated source that also says how many bytes it has produced. */
type ZlibSource = Source & { produced(): number };

/**
 * The zlib inflater over a feed of compressed pieces, or null where node:zlib's handle is missing.
 * Each piece but the last is inflated with Z_NO_FLUSH (running out of input is then no error); the
 * end of the feed is signalled with Z_FINISH, which reports a stream cut short.
 */
function zlibSource(feed: Feed, file: string, incremental: boolean): ZlibSource | null {
  const inflater = incremental ? takeInflater() : null;
  if (!inflater) return null;
  const { handle, state } = inflater;
  let error: string | undefined;
  handle.onerror = (message: string) => error ??= message;
  let input: Uint8Array = new Uint8Array(0);
  let inOff = 0;
  let last = false;
  let ended = false;
  let closed = false;
  let produced = 0;
  const close = () => {
    if (!closed) {
      // a handle that failed is dropped; one that ended or stopped early is reset for the next read
      giveInflater(inflater, error === undefined);
      feed.close();
    }
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
      if (inOff >= input.length && !last) {
        const next = feed.next();
        input = next ?? new Uint8Array(0);
        inOff = 0;
        last = next === null || feed.left() === 0;
      }
      // zlib counts both buffers in 32 bits, and Deno's binding takes offsets mod 2^32: hand it views
      // (offset 0) of at most MAX_CALL bytes each
      const want = Math.min(out.length - got, MAX_CALL);
      const give = Math.min(input.length - inOff, MAX_CALL);
      const flush = last && give === input.length - inOff
        ? zlib.constants.Z_FINISH
        : zlib.constants.Z_NO_FLUSH;
      const into = got === 0 && want === out.length ? out : out.subarray(got, got + want);
      const from = inOff === 0 && give === input.length ? input : input.subarray(inOff, inOff + give);
      handle.writeSync(flush, from, 0, give, into, 0, want);
      if (error) throw fail(error);
      const have = want - state[0], unused = state[1];
      inOff += give - unused;
      got += have;
      // output room left and no error: with Z_FINISH, or with input left over (trailing zero padding),
      // the stream (every member) ended; otherwise the input given is used up
      if (have < want && (flush === zlib.constants.Z_FINISH || unused > 0)) {
        ended = true;
        close();
      }
    }
    produced += got;
    return got;
  };
  const discard = (n: number) => {
    let done = 0;
    if (ended || n <= 0) return 0;
    const sink = takeScratch(Math.min(n, SKIP_CHUNK));
    try {
      while (done < n && !ended) {
        const step = Math.min(sink.length, n - done);
        const got = read(sink.subarray(0, step));
        done += got;
        if (got < step) break;
      }
    } finally {
      giveScratch(sink);
    }
    return done;
  };
  return {
    read,
    skip: discard,
    produced: () => produced,
    remaining: () =>
      ended
        ? { bytes: 0, exact: true }
        // zlib may hold a match copy (≤ 258 bytes) and a few input bits not yet written out
        : { bytes: (input.length - inOff + feed.left() + 16) * MAX_RATIO + 1024, exact: false },
    finish() {
      const left = discard(FINISH_LIMIT);
      close();
      return left;
    },
    close,
  };
}

/**
 * ISIZE from a gzip trailer (uncompressed size mod 2^32), or 0 when the stream is too short to have one
 * or could not be that big (deflate expands at most 1032:1). Sizes a whole-stream decompression only;
 * a stream over 4 GiB has a wrapped ISIZE, so image arrays are sized from the header instead.
 */
function trailerSize(input: Uint8Array): number {
  if (input.length < 18) return 0;
  const isize = new DataView(input.buffer, input.byteOffset + input.length - 4, 4).getUint32(0, true);
  return isize <= input.length * MAX_RATIO + 1024 ? isize : 0;
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
