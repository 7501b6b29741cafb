/**
 * Reusable scratch buffers for bytes that only live during one read (compressed input, stored values
 * before conversion). Fresh large ArrayBuffers cost page faults on every read; reused ones are warm.
 * A buffer is either lent out or in the pool, so interleaved async reads never share one.
 *
 * @module
 */

/** Largest buffer kept for reuse (bigger ones are allocated and dropped). */
export const KEEP_LIMIT = 64 * 1024 * 1024;
/** Buffers kept at most (a gzip read holds three: compressed, decompressed, stored values). */
const KEEP_COUNT = 3;

const pool: ArrayBuffer[] = [];

/** Lend a buffer of exactly `n` bytes (contents undefined); give it back with {@link giveScratch}. */
export function takeScratch(n: number): Uint8Array {
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    if (pool[i].byteLength >= n && (best < 0 || pool[i].byteLength < pool[best].byteLength)) best = i;
  }
  if (best >= 0) return new Uint8Array(pool.splice(best, 1)[0], 0, n);
  return new Uint8Array(
    new ArrayBuffer(n <= KEEP_LIMIT ? Math.min(KEEP_LIMIT, Math.max(n, 1 << 20)) : n),
    0,
    n,
  );
}

/** Return a buffer lent by {@link takeScratch}; nothing may keep a view on it afterwards. */
export function giveScratch(buf: Uint8Array): void {
  const ab = buf.buffer as ArrayBuffer;
  if (ab.byteLength > KEEP_LIMIT || pool.includes(ab)) return;
  pool.push(ab);
  if (pool.length > KEEP_COUNT) {
    pool.sort((a, b) => b.byteLength - a.byteLength);
    pool.length = KEEP_COUNT;
  }
}
