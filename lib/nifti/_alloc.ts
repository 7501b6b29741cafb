/**
 * Image arrays on memory that stays warm. A fresh typed array is zero-filled memory the kernel maps
 * on first touch, one 4 KiB page fault at a time; where faults are slow (this project's virtual
 * machines: ~11 µs each, so 6–10 ms for a 2–4 MB float32 image, more than inflating and converting
 * it) that first touch dominates a read. numpy escapes it because reference counting frees an array
 * the moment a loop drops it and glibc hands the same, still-mapped memory to the next one. Here the
 * arrays are V8 ArrayBuffers (glibc calloc) freed only when V8 collects them, so three things are
 * arranged when FFI is allowed on Linux with glibc:
 *
 * 1. **Keep freed memory mapped** (once per process, {@link tuneMalloc}): `mallopt` sets glibc's mmap
 *    threshold to its 32 MiB maximum and its trim threshold to {@link TRIM_BYTES}. Without it, glibc
 *    serves these sizes with fresh mmaps and unmaps them on free (or trims the heap), so every image
 *    faults again. This is process-wide: blocks under 32 MiB come from the heap, and up to
 *    TRIM_BYTES of free heap stay mapped for reuse instead of going back to the kernel.
 * 2. **Collect dropped images promptly** ({@link expectArray}): before a read makes an image array of
 *    2 MiB up to 32 MiB, it prompts V8 to collect its young generation (a scavenge, ~0.2 ms in a
 *    small heap) with an untouched, immediately detached "ballast" buffer. The images a loop has
 *    dropped are then freed while this one is still inflating, and its array reuses their memory:
 *    a loop cycles through two or three warm blocks instead of faulting a new one per image. When
 *    that stops working (the caller keeps its volumes, or V8 is busy with a major collection, when
 *    it does not collect the young generation on demand) the prompting pauses by itself.
 * 3. **Huge pages for what is new** ({@link allocArray}): the 2 MiB-aligned span inside an array of
 *    2 MiB or more is marked MADV_HUGEPAGE; when it has not been touched yet (fresh memory: calloc
 *    leaves it alone) each 2 MiB then takes one fault instead of 512.
 *
 * **All of this is off unless the program asks for it** with {@link enableMemoryTuning} (the CLI and the
 * benchmarks do; a library must not retune its host's allocator on its own). Until then
 * {@link allocArray} is `new Ctor(length)` and {@link expectArray} does nothing.
 *
 * The arrays themselves are plain: `new Ctor(length)`, byteOffset 0, a buffer exactly their size.
 * Nothing changes where FFI is not granted, on other systems, with `huge: false`, or with the
 * environment variable `CAM_MALLOPT=off` (which skips step 1, the only process-wide effect).
 *
 * @module
 */

/** Huge page size (x86-64 and arm64 with 4 KiB pages). */
export const HUGE_PAGE = 2 * 1024 * 1024;
/** Arrays smaller than this are left alone (a huge page for less would mostly be waste). */
export const HUGE_MIN_BYTES = HUGE_PAGE;
/** glibc's largest mmap threshold: arrays of this size or more are always fresh mmaps. */
export const MMAP_MAX_BYTES = 32 * 1024 * 1024;
/** Free heap glibc keeps mapped for reuse before it returns memory to the kernel. */
export const TRIM_BYTES = 128 * 1024 * 1024;
/** The untouched "ballast" that prompts V8 to collect dropped arrays (see {@link expectArray}). */
export const PRESSURE_BYTES = 64 * 1024 * 1024;

const MADV_HUGEPAGE = 14;
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

type Madvise = (address: bigint, length: bigint) => boolean;

interface Native {
  madvise: Madvise;
  mallopt: (param: number, value: number) => boolean;
}

let native: Native | null | undefined;
let tuned: boolean | undefined;
/** Whether the program asked for the tuning ({@link enableMemoryTuning}). */
let enabled = false;

/**
 * Opt-in: from now on, large image arrays are made as the module docs describe (glibc keeps freed blocks
 * mapped, a young-generation collection is prompted before each image of 2–32 MiB, huge pages for new
 * memory). Process-wide (glibc's mallopt): call it from a program's entry point, not from library code.
 * `CAM_MALLOPT=off` still skips the mallopt step.
 *
 * @returns whether any of it can take effect here (FFI granted, Linux with glibc).
 *
 * @example
 * import { enableMemoryTuning } from "./lib/nifti/mod.ts";
 * enableMemoryTuning(); // once, in main
 */
export function enableMemoryTuning(): boolean {
  enabled = true;
  tuneMalloc();
  return libc() !== null;
}

/** Whether {@link enableMemoryTuning} was called in this runtime. */
export function memoryTuningEnabled(): boolean {
  return enabled;
}

/**
 * The kernel's THP mode ("always", "madvise", "never"), or "unknown" where /sys cannot be read
 * (Deno reads /sys only with --allow-all; madvise is then tried anyway and is harmless if ignored).
 */
function thpMode(): string {
  try {
    // "always [madvise] never": the bracketed word is the active mode
    const text = Deno.readTextFileSync("/sys/kernel/mm/transparent_hugepage/enabled");
    return /\[(\w+)\]/.exec(text)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** libc's madvise and mallopt, or null where they cannot help or are not allowed. */
function libc(): Native | null {
  if (native !== undefined) return native;
  native = null;
  try {
    if (Deno.build.os !== "linux") return null;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const lib = Deno.dlopen("libc.so.6", {
      madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
      mallopt: { parameters: ["i32", "i32"], result: "i32" },
    });
    const thp = thpMode() !== "never";
    native = {
      madvise: (address, length) =>
        thp && lib.symbols.madvise(Deno.UnsafePointer.create(address), length, MADV_HUGEPAGE) === 0,
      mallopt: (param, value) => lib.symbols.mallopt(param, value) === 1,
    };
  } catch {
    native = null; // no libc.so.6 (musl), or FFI unavailable: plain arrays
  }
  return native;
}

/**
 * Step 1 of the module doc, once per process: glibc keeps freed blocks under 32 MiB mapped (heap
 * instead of mmap, trim threshold {@link TRIM_BYTES}). Skipped when `CAM_MALLOPT=off`. Returns
 * whether the tuning is in effect. Process-wide: called by {@link enableMemoryTuning}, not by the readers.
 */
export function tuneMalloc(): boolean {
  if (tuned !== undefined) return tuned;
  tuned = false;
  const lib = libc();
  if (!lib) return false;
  try {
    if (Deno.env.get("CAM_MALLOPT") === "off") return false;
  } catch { /* no env permission: tune */ }
  // M_TRIM_THRESHOLD also freezes glibc's dynamic mmap threshold, so both are set
  tuned = lib.mallopt(M_MMAP_THRESHOLD, MMAP_MAX_BYTES) && lib.mallopt(M_TRIM_THRESHOLD, TRIM_BYTES);
  return tuned;
}

/** True when {@link allocArray} places large arrays on warm memory / huge pages in this process. */
export function memoryTuningAvailable(): boolean {
  return libc() !== null;
}

/** Large arrays in a row that reused none of the last few blocks before {@link expectArray} pauses. */
export const MISSES_BEFORE_PAUSE = 8;
/** How many {@link expectArray} calls a pause skips before trying again. */
export const PAUSE_CALLS = 64;

/**
 * The back-off of {@link expectArray} as a pure state machine: {@link Backoff.observe} records whether a large
 * array reused a recent block, {@link Backoff.shouldPrompt} says whether the next read should prompt a
 * collection. After {@link MISSES_BEFORE_PAUSE} misses in a row the next {@link PAUSE_CALLS} calls say no,
 * then prompting resumes. Deterministic: the tests drive it with made-up observations.
 */
export class Backoff {
  #misses = 0;
  #paused = 0;
  #prompted = true;
  /**
   * Records one large array: `reused` when it landed on one of the recent blocks. A miss during a pause
   * does not count (nothing was prompted), so that after the pause prompting gets a fair new try.
   */
  observe(reused: boolean): void {
    if (reused) this.#misses = 0;
    else if (this.#prompted) this.#misses++;
  }
  /** Whether to prompt a collection before the next large array (consumes one call of a pause). */
  shouldPrompt(): boolean {
    if (this.#paused > 0) {
      this.#paused--;
      return this.#prompted = false;
    }
    if (this.#misses >= MISSES_BEFORE_PAUSE) {
      this.#misses = 0;
      this.#paused = PAUSE_CALLS - 1;
      return this.#prompted = false;
    }
    return this.#prompted = true;
  }
}

/** Addresses of the last few large arrays (to tell reused memory from new). */
const recent: bigint[] = [];
const backoff = new Backoff();
const stats = { arrays: 0, reused: 0, collections: 0 };

/**
 * Counters of this process: large arrays made by {@link allocArray} on the tuned path, how many of
 * them reused the block of one of the previous eight, and how many collections
 * {@link expectArray} prompted.
 */
export function memoryStats(): { arrays: number; reused: number; collections: number } {
  return { ...stats };
}

/**
 * Say that an array of `bytes` is about to be made (step 2 of the module doc): for 2 MiB up to
 * 32 MiB, prompt a young-generation collection now, so that the arrays earlier reads dropped are
 * freed (their memory back in glibc's heap) by the time {@link allocArray} runs. Call it before the
 * work that precedes the allocation (inflating), so that the collection overlaps that work.
 *
 * How: V8 collects the young generation before allocating an ArrayBuffer when the young
 * generation's ArrayBuffers already hold at least two semi-spaces (64 MiB in Deno 2's V8) and
 * at least the new buffer's size. An untouched {@link PRESSURE_BYTES} "ballast" buffer (an mmap
 * never touched costs microseconds) makes that true for the small allocation that follows; the
 * ballast is then detached with `transfer(0)`, which frees it and takes it off V8's external-memory
 * count at once. Where this V8 behaves otherwise nothing breaks: V8 collects on its own schedule.
 *
 * The collection only pays when the caller drops its arrays. When eight large arrays in a row
 * reuse no recent block (a caller that keeps every volume, say), the hint pauses for the next 64
 * calls, then tries again. Does nothing when `huge` is false or FFI is not available.
 */
export function expectArray(bytes: number, huge = true): void {
  if (!enabled || !huge || bytes < HUGE_MIN_BYTES || bytes >= MMAP_MAX_BYTES || !tuneMalloc()) return;
  if (!backoff.shouldPrompt()) return;
  let ballast: ArrayBuffer;
  try {
    ballast = new ArrayBuffer(PRESSURE_BYTES);
  } catch {
    return; // address space refused (strict overcommit): no hint
  }
  // V8 checks the young generation's ArrayBuffer bytes before this small allocation, and collects
  if (new ArrayBuffer(1024).byteLength > 0) stats.collections++;
  (ballast as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer }).transfer?.(0);
}

/** Typed array constructors {@link allocArray} accepts. */
export type ArrayCtor<T> = {
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * A zero-filled typed array of `length` elements, `new Ctor(length)`; when the program enabled the tuning
 * ({@link enableMemoryTuning}), the array is at least {@link HUGE_MIN_BYTES} long, FFI is granted and `huge`
 * is true, glibc is tuned once
 * ({@link tuneMalloc}) and the array's 2 MiB-aligned span is marked MADV_HUGEPAGE before its first
 * touch (step 3 of the module doc). Throws RangeError like the constructor when too large.
 */
export function allocArray<T extends ArrayBufferView>(Ctor: ArrayCtor<T>, length: number, huge = true): T {
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  const lib = enabled && huge && bytes >= HUGE_MIN_BYTES ? libc() : null;
  if (!lib) return new Ctor(length);
  tuneMalloc();
  const array = new Ctor(length);
  const pointer = Deno.UnsafePointer.of(array);
  if (pointer === null) return array;
  const address = BigInt(Deno.UnsafePointer.value(pointer));
  stats.arrays++;
  const reused = recent.includes(address);
  backoff.observe(reused);
  if (reused) {
    stats.reused++; // warm memory: already mapped, nothing to advise
  } else {
    const mask = BigInt(HUGE_PAGE - 1);
    const start = (address + mask) & ~mask;
    const end = (address + BigInt(bytes)) & ~mask;
    if (end > start) lib.madvise(start, end - start); // on failure the array simply stays on small pages
  }
  recent.push(address);
  if (recent.length > 8) recent.shift();
  return array;
}
