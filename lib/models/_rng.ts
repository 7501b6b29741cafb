/**
 * Seeded, platform-independent random numbers for weight initialisation and dropout masks.
 *
 * @module
 */

/** 32-bit FNV-1a hash of a string (used to give every variable its own random stream). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32: a tiny 32-bit generator (Tommy Ettinger), uniform on [0, 1). Same sequence on every
 * platform for the same seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator for `(seed, stream)`: independent of the order in which streams are drawn. */
export function streamRng(seed: number, stream: string): () => number {
  return mulberry32(hashString(`${seed >>> 0}:${stream}`));
}

/** `n` draws from N(0, std²) by Box–Muller. */
export function normalArray(n: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - rand())) * std;
    const theta = 2 * Math.PI * rand();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}
