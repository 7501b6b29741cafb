/**
 * What the command-line tools of lib/cli share (private to lib/cli): the flag loop (`--flag value` and
 * `--flag=value`, `-h`/`--help`, unknown arguments), the usage line that ends a bad call with exit 2, the
 * flags several tools take (`--scale`, `--seed`, `--shard`, integer counts), and the report of a library's
 * typed error on one line with exit 1.
 *
 * @module
 */
import { ClusterError, parseShard, type Shard } from "../cluster/mod.ts";

/** The simulated cohort's scales. */
export type Scale = "quick" | "default" | "paper";

/** Ends the process after printing `<tool>: <message>` (if any) and the usage text, with exit status 2. */
export type Usage = (message?: string) => never;

/** A tool's usage: prints `<tool>: <message>` (when given), then `usage`, to stderr, and exits with 2. */
export function usageOf(tool: string, usage: string): Usage {
  return (message?: string): never => {
    if (message) console.error(`${tool}: ${message}`);
    console.error(usage);
    Deno.exit(2);
  };
}

/** Options of {@linkcode eachFlag}. */
export interface EachFlagOptions {
  /** Stop at a bare `--` (where a flag is expected) and return the arguments after it. @default false */
  rest?: boolean;
}

/**
 * Walk `argv` flag by flag: `handle(flag, value)` gets each flag (the part before `=`) and a `value()` that
 * returns the inline `=value` or takes the next argument (usage error `<flag> needs a value` if there is
 * none), and returns false for a flag it does not know (usage error `unknown argument "<arg>"`).
 * `-h`/`--help` print the usage. Returns the arguments after a bare `--` with `rest`, else `[]`.
 */
export function eachFlag(
  argv: string[],
  usage: Usage,
  handle: (flag: string, value: () => string) => boolean,
  options: EachFlagOptions = {},
): string[] {
  for (let i = 0; i < argv.length; i++) {
    if (options.rest && argv[i] === "--") return argv.slice(i + 1);
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "-h" || flag === "--help") usage();
    if (!handle(flag, value)) usage(`unknown argument "${argv[i]}"`);
  }
  return [];
}

/** `--scale`: quick, default or paper (usage error `unknown scale "<text>"`). */
export function parseScale(text: string, usage: Usage): Scale {
  if (text !== "quick" && text !== "default" && text !== "paper") usage(`unknown scale "${text}"`);
  return text;
}

/** `--seed` as `reproduce` and `preprocess` take it: any integer (usage error otherwise). */
export function parseSeed(text: string, usage: Usage): number {
  const seed = Number(text);
  if (!Number.isInteger(seed)) usage("--seed must be an integer");
  return seed;
}

/** The flags that pick a cohort, as the tools share them. */
export interface CohortFlags {
  /** `--data DIR`: a cohort folder instead of the scale's simulated one. */
  data?: string;
  /** `--scale quick|default|paper`. */
  scale: Scale;
  /** `--seed N`: the simulated cohort's seed. */
  seed?: number;
}

/**
 * A handler for {@link eachFlag} that takes `--scale` and `--seed` (and `--data` unless `data: false`) into
 * `args`, and returns false for every other flag, so a tool's own switch goes on:
 * `eachFlag(argv, usage, (f, v) => cohort(f, v) || own(f, v))`.
 */
export function cohortFlags(
  args: CohortFlags,
  usage: Usage,
  options: { data?: boolean } = {},
): (flag: string, value: () => string) => boolean {
  const { data = true } = options;
  return (flag, value) => {
    if (flag === "--scale") args.scale = parseScale(value(), usage);
    else if (flag === "--seed") args.seed = parseSeed(value(), usage);
    else if (flag === "--data" && data) args.data = value();
    else return false;
    return true;
  };
}

/**
 * An integer flag value ≥ `min` (default 1): usage error `<flag> must be a positive integer, got "<text>"`
 * (or `an integer ≥ <min>` for another minimum).
 */
export function parseCount(flag: string, text: string, usage: Usage, options: { min?: number } = {}): number {
  const { min = 1 } = options;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    usage(`${flag} must be ${min === 1 ? "a positive integer" : `an integer ≥ ${min}`}, got "${text}"`);
  }
  return n;
}

/** `--shard i/n` (lib/cluster's `parseShard`); its ClusterError becomes a usage error. */
export function parseShardFlag(text: string, usage: Usage): Shard {
  try {
    return parseShard(text);
  } catch (e) {
    if (e instanceof ClusterError) usage(e.message);
    throw e;
  }
}

/**
 * Whether an error is one of the library's typed errors (a name ending in `Error`, not plain `Error`, nor
 * TypeError, RangeError or ReferenceError, which are bugs): those name the file and the problem, so a tool
 * says them on one line without a stack.
 */
export function isTypedError(e: unknown): e is Error {
  return e instanceof Error && e.name !== "Error" && e.name.endsWith("Error") &&
    !(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof ReferenceError);
}

/** Run a tool's `main`: a typed error ({@linkcode isTypedError}) prints `<tool>: <name>: <message>` and exits with 1; any other is rethrown. */
export async function runTool(tool: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (!isTypedError(e)) throw e;
    console.error(`${tool}: ${e.name}: ${e.message}`);
    Deno.exit(1);
  }
}
