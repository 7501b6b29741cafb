/**
 * Image arrays on transparent huge pages. A fresh typed array is zero-filled memory the kernel maps
 * on first touch, one 4 KiB page fault at a time; where faults are slow (this project's virtual
 * machines: ~11 µs each, 10 ms for a 3.6 MB float32 image, more than inflating and converting it)
 * that first touch dominates a read. When FFI is allowed on Linux, arrays of 2 MiB or more instead
 * start at a 2 MiB boundary inside a larger ArrayBuffer whose aligned span is marked MADV_HUGEPAGE
 * before anything touches it, so each 2 MiB takes one fault.
 *
 * The buffer reserves max(span + 2 MiB, 32 MiB) bytes, span being the data rounded up to 2 MiB:
 * - glibc serves requests of 32 MiB or more (the ceiling of its dynamic mmap threshold) with fresh
 *   mmap pages that calloc knows are zero and leaves untouched; a smaller request may instead get
 *   heap memory that calloc clears itself, faulting every 4 KiB page before the advice can apply.
 * - V8 counts the whole reservation, so its young collections (due after 64 MB of new
 *   ArrayBuffers) come every two images instead of every twenty: images a loop has dropped are
 *   freed sooner, and their huge pages are reused while they are still backed, which is what makes
 *   the advice pay (a never-used huge page costs a VM nearly as much as 512 small faults).
 * The slack is never touched: it costs address space, not memory, except that the last huge page is
 * resident in full (at most 2 MiB per array). Caveat: the array is a view (byteOffset < 2 MiB) on a
 * buffer up to 32 MiB long, and structuredClone/postMessage without transfer copy the whole buffer.
 *
 * @module
 */

/** Huge page size (x86-64 and arm64 with 4 KiB pages). */
export const HUGE_PAGE = 2 * 1024 * 1024;
/** Arrays smaller than this stay on normal pages (a huge page for less would mostly be waste). */
export const HUGE_MIN_BYTES = HUGE_PAGE;
/** Smallest reservation: glibc's largest dynamic mmap threshold, so the buffer is always fresh mmap. */
export const RESERVE_MIN_BYTES = 32 * 1024 * 1024;

const MADV_HUGEPAGE = 14;

type Madvise = (address: bigint, length: bigint) => boolean;

let madvise: Madvise | null | undefined;

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

/** The libc madvise(MADV_HUGEPAGE) binding, or null where it cannot help or is not allowed. */
function hugePageAdvisor(): Madvise | null {
  if (madvise !== undefined) return madvise;
  madvise = null;
  try {
    if (Deno.build.os !== "linux") return null;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    if (thpMode() === "never") return null;
    const lib = Deno.dlopen("libc.so.6", {
      madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
    });
    madvise = (address, length) =>
      lib.symbols.madvise(Deno.UnsafePointer.create(address), length, MADV_HUGEPAGE) === 0;
  } catch {
    madvise = null; // no libc.so.6 (musl), no /sys, or FFI unavailable: plain arrays
  }
  return madvise;
}

/** True when {@link allocArray} can place large arrays on huge pages in this process. */
export function hugePagesAvailable(): boolean {
  return hugePageAdvisor() !== null;
}

/** Typed array constructors {@link allocArray} accepts. */
export type ArrayCtor<T> = {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * A zero-filled typed array of `length` elements, like `new Ctor(length)`, placed on transparent huge
 * pages (see the module doc) when it is at least {@link HUGE_MIN_BYTES} long, FFI is granted and the
 * kernel allows it; `huge: false` gives the plain array. Throws RangeError like the constructor when
 * too large.
 */
export function allocArray<T>(Ctor: ArrayCtor<T>, length: number, huge = true): T {
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  const advise = huge && bytes >= HUGE_MIN_BYTES ? hugePageAdvisor() : null;
  if (!advise) return new Ctor(length);
  const span = Math.ceil(bytes / HUGE_PAGE) * HUGE_PAGE;
  const buffer = new ArrayBuffer(Math.max(span + HUGE_PAGE, RESERVE_MIN_BYTES));
  const pointer = Deno.UnsafePointer.of(buffer);
  if (pointer === null) return new Ctor(buffer, 0, length);
  const address = BigInt(Deno.UnsafePointer.value(pointer));
  const mask = BigInt(HUGE_PAGE - 1);
  const start = (address + mask) & ~mask;
  advise(start, BigInt(span)); // on failure the array simply stays on normal pages
  return new Ctor(buffer, Number(start - address), length);
}
