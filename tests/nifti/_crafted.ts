/**
 * Crafted gzip files for the memory tests, written piece by piece so that neither the test nor its
 * generator ever holds the uncompressed stream: runs of zeros are one small precompressed deflate block
 * repeated (each block refers only to itself, so copies chain into one valid stream), the CRC32 of a
 * run is computed over a reused zero buffer, and everything else is deflated as it is written.
 */

import { crc32, deflateRawSync } from "node:zlib";
import zlib from "node:zlib";
import { rng } from "./_fixtures.ts";

/** What goes into the stream: bytes, a run of zero bytes, or raw deflate bits written as they are. */
export type Piece = Uint8Array | { zeros: number } | { rawDeflate: Uint8Array };

/** Sizes of a written stream. */
export interface Written {
  /** Uncompressed bytes (the true size: the trailer holds it mod 2^32). */
  bytes: number;
  /** Bytes written to the file. */
  compressed: number;
  /** CRC32 of the uncompressed bytes. */
  crc: number;
}

/** Bytes of zeros per repeated block. */
const ZERO_BLOCK = 16 * 1024 * 1024;
const ZEROS = new Uint8Array(ZERO_BLOCK);
let zeroBlock: Uint8Array | undefined;

/** Deflate `bytes` as non-final blocks ending on a byte boundary (a sync flush), with a fresh window. */
function deflatePiece(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(deflateRawSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 6 }));
}

/**
 * Write one gzip member holding `pieces` to `path` (appended with `append`, making a multi-member
 * file), streaming: memory holds one 16 MiB zero buffer and the compressed blocks.
 */
export function writeGzip(path: string, pieces: Piece[], options: { append?: boolean } = {}): Written {
  const file = Deno.openSync(path, {
    write: true,
    create: true,
    append: options.append,
    truncate: !options.append,
  });
  let compressed = 0;
  const put = (b: Uint8Array) => {
    let at = 0;
    while (at < b.length) at += file.writeSync(b.subarray(at));
    compressed += b.length;
  };
  try {
    put(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])); // gzip header: deflate, no name, Unix
    let bytes = 0, crc = 0;
    for (const piece of pieces) {
      if (piece instanceof Uint8Array) {
        put(deflatePiece(piece));
        crc = crc32(piece, crc);
        bytes += piece.length;
      } else if ("zeros" in piece) {
        zeroBlock ??= deflatePiece(ZEROS);
        let left = piece.zeros;
        for (; left >= ZERO_BLOCK; left -= ZERO_BLOCK) {
          put(zeroBlock);
          crc = crc32(ZEROS, crc);
        }
        if (left > 0) {
          put(deflatePiece(ZEROS.subarray(0, left)));
          crc = crc32(ZEROS.subarray(0, left), crc);
        }
        bytes += piece.zeros;
      } else put(piece.rawDeflate);
    }
    put(new Uint8Array([3, 0])); // final, empty fixed-Huffman block
    const trailer = new DataView(new ArrayBuffer(8));
    trailer.setUint32(0, crc >>> 0, true);
    trailer.setUint32(4, bytes % 2 ** 32, true);
    put(new Uint8Array(trailer.buffer));
    return { bytes, compressed, crc: crc >>> 0 };
  } finally {
    file.close();
  }
}

/** CRC32 of the bytes `pieces` stand for (raw deflate pieces stand for nothing). */
export function crcOf(pieces: Piece[]): number {
  let crc = 0;
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) crc = crc32(piece, crc);
    else if ("zeros" in piece) {
      for (let left = piece.zeros; left > 0; left -= ZERO_BLOCK) {
        crc = crc32(ZEROS.subarray(0, Math.min(left, ZERO_BLOCK)), crc);
      }
    }
  }
  return crc >>> 0;
}

/** `n` bytes from a seeded generator. */
export function seededBytes(n: number, seed: number): Uint8Array {
  const random = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** What the child process reports: the read's outcome and the process's peak resident memory. */
export interface PeakReport {
  /** Peak resident set size (VmHWM), bytes. */
  peakRss: number;
  /** Seconds the read took. */
  seconds: number;
  /** The error's name and message when the read threw. */
  error?: { name: string; message: string };
  /** Of a volume: shape, datatype, data bytes, CRC32 of the data's bytes. */
  shape?: number[];
  datatype?: string;
  dataBytes?: number;
  dataCrc?: number;
  /** Some data values, at the `probe` indices asked for. */
  probe?: number[];
}

const CHILD = new URL("./_peak_rss.ts", import.meta.url).pathname;

/**
 * Read `path` in a fresh Deno process ("read": readNifti, "header": readNiftiHeader) and report the
 * outcome and that process's peak RSS, so that a read's memory is measured apart from the test's.
 */
export async function readInChild(
  what: "read" | "header",
  path: string,
  options: Record<string, unknown> & { probe?: number[] } = {},
): Promise<PeakReport> {
  const out = await new Deno.Command(Deno.execPath(), {
    // --allow-all: Deno lets only that read /proc/self/status (VmHWM)
    args: ["run", "--allow-all", CHILD, what, path, JSON.stringify(options)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || !text) {
    throw new Error(`child failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(text.split("\n").pop()!);
}

/** A fresh temporary folder removed after `fn`. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "nifti_memory_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Megabytes, for messages. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
