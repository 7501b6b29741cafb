/** Test helper: what a piece of code warned (the `[integrity]`, `[lock]` and `[cohort]` lines). */

/** Run `fn` with console.warn captured; returns the lines warned. */
export async function warnings(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return lines;
}
