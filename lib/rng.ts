/**
 * A small seeded pseudo-random generator whose whole state is four 32-bit words, so that it can be saved in a
 * checkpoint and restored exactly.
 *
 * Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand), seeded through
 * splitmix32 so that nearby integer seeds give unrelated streams.
 *
 * @module
 */

/** The complete state of an {@linkcode Rng}: four unsigned 32-bit integers. */
export type RngState = [number, number, number, number];

/** splitmix32 step: a bijective mixer used to spread a seed over the generator state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Seeded generator (sfc32). Every random choice in data loading, augmentation, splits and training is drawn
 * from one of these, so a run is reproducible from its seed and resumable from {@linkcode Rng.getState}.
 *
 * @example
 * const rng = new Rng(42);
 * rng.float();            // uniform in [0, 1)
 * rng.int(10);            // integer in [0, 10)
 * const saved = rng.getState();
 * const again = Rng.fromState(saved);
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** @param seed any finite number; non-integers are hashed through their 32-bit parts. */
  constructor(seed: number) {
    let s = Math.floor(seed) >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    s = splitmix32(s ^ splitmix32(hi));
    this.#a = s;
    s = splitmix32(s);
    this.#b = s;
    s = splitmix32(s);
    this.#c = s;
    this.#d = 1;
    // Discard the first outputs, as sfc32's authors recommend.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A generator that continues from a saved state. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The current state (a copy); {@linkcode Rng.setState} with it reproduces every later draw. */
  getState(): RngState {
    return [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0];
  }

  /** Restore a state from {@linkcode Rng.getState}. */
  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 4 || state.some((v) => !Number.isInteger(v))) {
      throw new TypeError(`Rng.setState: expected four 32-bit integers, got ${JSON.stringify(state)}`);
    }
    [this.#a, this.#b, this.#c, this.#d] = state.map((v) => v >>> 0);
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** Uniform integer in [0, n) (n ≥ 1), without modulo bias. */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Rng.int: n must be ≥ 1, got ${n}`);
    const limit = Math.floor(4294967296 / n) * n;
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Standard normal draw (Box–Muller, one value per call so the state stays four words). */
  normal(mean = 0, sd = 1): number {
    const u1 = 1 - this.float(); // (0, 1]
    const u2 = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return p >= 1 ? true : p <= 0 ? false : this.float() < p;
  }

  /** Shuffle an array in place (Fisher–Yates) and return it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A non-negative 31-bit integer seed for a child generator or for a TensorFlow.js op's `seed` argument. */
  seed(): number {
    return this.uint32() >>> 1;
  }
}

/** 32-bit FNV-1a hash of a string: stable names for streams and ids (the same on every platform and run). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger): a tiny 32-bit generator, uniform on [0, 1), the same on every platform. It draws
 * the zoo's initial weights and dropout masks through {@link streamRng}; it is kept (rather than {@link Rng})
 * so that a seed gives the same initial weights as in every earlier version of cam-dmri.
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

/**
 * The generator of stream `stream` under `seed`: mulberry32 seeded by fnv1a32(`${seed}:${stream}`), so each
 * named variable draws the same numbers whatever order the streams are made in.
 */
export function streamRng(seed: number, stream: string): () => number {
  return mulberry32(fnv1a32(`${seed >>> 0}:${stream}`));
}
