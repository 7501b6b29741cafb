// Kernel-time profile of one benchmark step (tf.profile), shared by the paper-size and 3-D benches' --profile.
import * as tf from "../lib/tf.ts";

/** Options of {@linkcode profileKernels}. */
export interface ProfileOptions {
  /** Rows printed, most time first. @default 20 */
  top?: number;
  /** Group kernel calls by name alone, or by name and input shapes. @default false */
  byShape?: boolean;
}

/**
 * Kernel time of `f` by kernel (tf.profile), the top rows on stderr with each one's share of the kernel time and
 * its call count, after the wall time and the summed kernel time.
 */
export async function profileKernels(
  label: string,
  f: () => Promise<unknown>,
  options: ProfileOptions = {},
): Promise<void> {
  const { top = 20, byShape = false } = options;
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await f();
  });
  const wall = performance.now() - t0;
  const byKey = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const key = byShape ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(" ")}` : k.name;
    const e = byKey.get(key) ?? { ms: 0, n: 0 };
    byKey.set(key, { ms: e.ms + ms, n: e.n + 1 });
  }
  const total = [...byKey.values()].reduce((a, b) => a + b.ms, 0);
  console.error(
    `[profile ${label}] ${(wall / 1000).toFixed(2)} s wall, ${(total / 1000).toFixed(2)} s in ` +
      `${info.kernels.length} kernel calls (${byKey.size} kernels); top ${top} by time:`,
  );
  for (const [key, { ms, n }] of [...byKey.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.error(
      `  ${(ms / 1000).toFixed(3).padStart(8)} s ${
        (100 * ms / total).toFixed(1).padStart(5)
      }%  x${n}  ${key}`,
    );
  }
}
