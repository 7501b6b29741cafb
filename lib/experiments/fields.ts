/**
 * Checked config fields: each checker reads one value of a parsed JSON config and returns it typed, or
 * throws a {@linkcode FieldError} naming the field's path (`data.counts.train`) and what was expected. The
 * grid loader (grid.ts) turns a FieldError into a GridError naming the config file too, so a study describes
 * its options once, as checkers, and gets both the types and the messages.
 *
 * @example
 * const counts = fields.object<{ train?: number; test?: number }>({
 *   train: fields.positiveInteger,
 *   test: fields.positiveInteger,
 * });
 * counts({ train: "16" }, "data.counts");
 * // FieldError: data.counts.train: expected a positive integer, got "16"
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** A config value that is not what its field takes: `source` is the field's path, `reason` the problem. */
export class FieldError extends CamDmriError {
  /** The field's path (`data.counts.train`; "" for the config itself). */
  readonly path: string;
  constructor(path: string, reason: string) {
    super(path || "config", reason);
    this.name = "FieldError";
    this.path = path;
  }
}

/** Reads the value at `path` (for messages) and returns it typed, or throws a {@linkcode FieldError}. */
export type FieldCheck<T> = (value: unknown, path: string) => T;

/**
 * The checkers of an options object: one per field, each for the field's type without `undefined` (an absent
 * field is left out, so the consumer applies its documented default).
 */
export type FieldSpec<T> = { readonly [K in keyof T]-?: FieldCheck<Exclude<T[K], undefined>> };

/** A short rendering of a config value for messages: JSON, cut at 40 characters. */
export function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** `path.key`, or `key` at the top. */
export function fieldPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function expect(what: string, test: (value: unknown) => boolean): FieldCheck<never> {
  return (value, path) => {
    if (!test(value)) throw new FieldError(path, `expected ${what}, got ${preview(value)}`);
    return value as never;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The closest of `known` to `key` when it is a likely typo (case, or ≤ 2 edits), for "did you mean". */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined, bestDistance = 3;
  for (const k of known) {
    const d = k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** The FieldError of a key that no spec knows: names the known keys and a likely intended one. */
export function unknownField(path: string, key: string, known: readonly string[], whose = ""): FieldError {
  const hint = suggest(key, known);
  return new FieldError(
    fieldPath(path, key),
    `unknown field${whose ? ` for ${whose}` : ""}${hint ? ` (did you mean "${hint}"?)` : ""}; known: ${
      known.length ? [...known].sort().join(", ") : "none"
    }`,
  );
}

/** Checkers for the value types configs use. */
export const fields = {
  /** An integer ≥ 1. */
  positiveInteger: expect(
    "a positive integer",
    (v) => Number.isInteger(v) && (v as number) >= 1,
  ) as FieldCheck<
    number
  >,
  /** An integer ≥ 0. */
  nonNegativeInteger: expect(
    "an integer ≥ 0",
    (v) => Number.isInteger(v) && (v as number) >= 0,
  ) as FieldCheck<
    number
  >,
  /** Any (safe) integer. */
  integer: expect("an integer", (v) => Number.isSafeInteger(v)) as FieldCheck<number>,
  /** A finite number > 0. */
  positiveNumber: expect(
    "a positive number",
    (v) => typeof v === "number" && Number.isFinite(v) && v > 0,
  ) as FieldCheck<
    number
  >,
  /** A number in [0, 1]. */
  fraction: expect("a number in [0, 1]", (v) => typeof v === "number" && v >= 0 && v <= 1) as FieldCheck<
    number
  >,
  /** Any string. */
  string: expect("a string", (v) => typeof v === "string") as FieldCheck<string>,
  /** A string with at least one character. */
  name: expect("a non-empty string", (v) => typeof v === "string" && v.length > 0) as FieldCheck<string>,
  /** true or false. */
  boolean: expect("true or false", (v) => typeof v === "boolean") as FieldCheck<boolean>,
  /** A JSON object (its fields unchecked). */
  anyObject: expect("an object", isPlainObject) as FieldCheck<Readonly<Record<string, unknown>>>,

  /** One of `values`. */
  oneOf<T extends string>(values: readonly T[]): FieldCheck<T> {
    return expect(
      `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
      (v) => values.includes(v as T),
    );
  },

  /** An array whose items pass `item`; `nonEmpty` and `distinct` add those conditions. */
  arrayOf<T>(item: FieldCheck<T>, options: { nonEmpty?: boolean; distinct?: boolean } = {}): FieldCheck<T[]> {
    return (value, path) => {
      if (!Array.isArray(value) || (options.nonEmpty && value.length === 0)) {
        throw new FieldError(
          path,
          `expected a ${options.nonEmpty ? "non-empty " : ""}array, got ${preview(value)}`,
        );
      }
      const out = value.map((v, i) => item(v, `${path}[${i}]`));
      if (options.distinct) {
        const seen = new Set<string>();
        out.forEach((v, i) => {
          const key = JSON.stringify(v);
          if (seen.has(key)) throw new FieldError(`${path}[${i}]`, `${key} is listed twice`);
          seen.add(key);
        });
      }
      return out;
    };
  },

  /**
   * An object with only the fields of `spec`, each checked by its checker; absent fields stay absent (the
   * reader applies its default), `required` ones must be there. The result is a new object.
   */
  object<T>(spec: FieldSpec<T>, options: { required?: readonly (keyof T & string)[] } = {}): FieldCheck<T> {
    const known = Object.keys(spec);
    return (value, path) => {
      if (!isPlainObject(value)) throw new FieldError(path, `expected an object, got ${preview(value)}`);
      for (const key of Object.keys(value)) if (!known.includes(key)) throw unknownField(path, key, known);
      for (const key of options.required ?? []) {
        if (value[key] === undefined) throw new FieldError(fieldPath(path, key), "missing (required)");
      }
      const out: Record<string, unknown> = {};
      for (const key of known) {
        if (value[key] !== undefined) {
          out[key] = (spec as Record<string, FieldCheck<unknown>>)[key](value[key], fieldPath(path, key));
        }
      }
      return out as T;
    };
  },
} as const;
