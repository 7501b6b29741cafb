/**
 * b-values, b-vectors and the gradient table (FSL text formats, dipy's conventions).
 *
 * @module
 */

import { DmriError } from "./errors.ts";

/**
 * One diffusion gradient per DWI volume, in acquisition order.
 *
 * Conventions are dipy 1.6's `gradient_table`: a volume with b ≤ `b0Threshold` is a b0 image; a b0 row
 * whose b-vector is not unit (|‖g‖ − 1| > atol, e.g. the zero or all-`nan` vector) gets g = 0 and b = 0.
 * Every value is finite and every b-value ≥ 0 ({@linkcode gradientTable} refuses anything else); whether the
 * table can support a tensor fit is {@linkcode validateGradientTable}'s question.
 */
export interface GradientTable {
  /** b-values in s/mm², one per volume. */
  bvals: Float64Array;
  /** Unit gradient directions, row-major N x 3: volume n is (bvecs[3n], bvecs[3n+1], bvecs[3n+2]). */
  bvecs: Float64Array;
  /** Number of volumes N. */
  count: number;
  /** b-values at or below this count as b0 images. */
  b0Threshold: number;
  /** 1 where the volume is a b0 image (b ≤ b0Threshold), else 0. */
  b0Mask: Uint8Array;
  /** Where the table came from ("a.bval + a.bvec", or "gradient table"), used in error messages. */
  source: string;
  /** The unit-norm tolerance the table was built with (absent in tables made by hand: 0.01 is assumed). */
  atol?: number;
}

/** Options of {@linkcode gradientTable} and {@linkcode loadGradients}. */
export interface GradientTableOptions {
  /** b-values at or below this count as b0 images (dipy: `bvals <= b0_threshold`). @default 50 */
  b0Threshold?: number;
  /** Tolerance on the unit norm of the b-vectors of diffusion-weighted volumes. @default 0.01 */
  atol?: number;
  /** Name used in error messages. @default "gradient table" */
  source?: string;
}

/** Options of {@linkcode loadGradients}. */
export interface LoadGradientsOptions extends GradientTableOptions {
  /** When set, the number of volumes the DWI has; a table of another length is a {@linkcode DmriError}. */
  volumes?: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NAN = /^[+-]?nan$/i;
const INF = /^[+-]?inf(inity)?$/i;

/** One non-empty line of a bval/bvec file: its numbers, their tokens and its 1-based line number. */
interface Row {
  line: number;
  values: number[];
  tokens: string[];
}

/** Split text into rows of numbers (whitespace, tab or comma separated); `nan` and `inf` tokens are kept. */
function parseRows(text: string, source: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split(/\r?\n|\r/);
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].replace(/#.*$/, "").trim();
    if (line === "") continue;
    const row: Row = { line: l + 1, values: [], tokens: [] };
    for (const token of line.split(/[\s,]+/)) {
      if (token === "") continue;
      let value: number;
      if (NUMBER.test(token)) value = Number(token); // "1e999" is Infinity: refused by the callers
      else if (NAN.test(token)) value = NaN;
      else if (INF.test(token)) value = token.startsWith("-") ? -Infinity : Infinity;
      else {
        throw new DmriError(
          source,
          `line ${l + 1}, entry ${row.values.length + 1}: '${token}' is not a number`,
        );
      }
      row.values.push(value);
      row.tokens.push(token);
    }
    rows.push(row);
  }
  return rows;
}

/** Where entry k of a row is, for error messages: "line 3, entry 7: '<token>'". */
function at(row: Row, k: number): string {
  return `line ${row.line}, entry ${k + 1}: '${row.tokens[k]}'`;
}

/**
 * Parse the text of an FSL `.bval` file: one row (or one column) of b-values, scientific notation allowed.
 * A `nan`, an infinite or a negative b-value is a {@linkcode DmriError} naming the line and the entry
 * (dipy's `read_bvals_bvecs` reads `nan` and lets it through; here it would hide a diffusion volume).
 *
 * @param text The file's content.
 * @param source Name for error messages. @default "bvals"
 * @returns One b-value per volume.
 * @example
 * parseBvals("0 1000 1000\n"); // Float64Array [0, 1000, 1000]
 */
export function parseBvals(text: string, source = "bvals"): Float64Array {
  const rows = parseRows(text, source);
  if (rows.length === 0) throw new DmriError(source, "no b-values");
  let cells: [Row, number][];
  if (rows.length === 1) cells = rows[0].values.map((_, k) => [rows[0], k]);
  else if (rows.every((r) => r.values.length === 1)) cells = rows.map((r) => [r, 0]);
  else throw new DmriError(source, `expected one row or one column of b-values, found ${rows.length} rows`);
  const out = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const [row, k] = cells[i];
    const b = row.values[k];
    if (!Number.isFinite(b)) throw new DmriError(source, `${at(row, k)} is not a finite b-value`);
    if (b < 0) throw new DmriError(source, `${at(row, k)} is a negative b-value`);
    out[i] = b;
  }
  return out;
}

/**
 * The b-vectors of a `.bvec` file and, for error messages, where each of their entries is in the file.
 * `nan` stays NaN; an infinite entry is an error.
 */
function parseBvecsAt(
  text: string,
  source: string,
): { bvecs: Float64Array; where: (volume: number, axis: number) => string } {
  const rows = parseRows(text, source);
  if (rows.length === 0) throw new DmriError(source, "no b-vectors");
  const width = rows[0].values.length;
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].values.length !== width) {
      throw new DmriError(source, `rows differ in length (${width} and ${rows[r].values.length} numbers)`);
    }
  }
  let n: number;
  let cell: (i: number, axis: number) => [Row, number];
  if (rows.length === 3) {
    n = width;
    cell = (i, axis) => [rows[axis], i];
  } else if (width === 3) {
    n = rows.length;
    cell = (i, axis) => [rows[i], axis];
  } else {
    throw new DmriError(source, `expected 3 rows (FSL) or 3 columns, found ${rows.length} x ${width}`);
  }
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const [row, k] = cell(i, a);
      const v = row.values[k];
      if (v === Infinity || v === -Infinity) throw new DmriError(source, `${at(row, k)} is infinite`);
      out[3 * i + a] = v;
    }
  }
  return { bvecs: out, where: (i, a) => at(...cell(i, a)) };
}

/**
 * Parse the text of an FSL `.bvec` file: 3 rows of N (FSL) or N rows of 3. A 3 x 3 file is read as FSL rows
 * (one row per axis). An infinite entry is a {@linkcode DmriError} naming the line and the entry; `nan`
 * entries stay NaN, because only the b-values can say whether they are allowed: a vector of three `nan`s is
 * dipy's b0 convention ({@linkcode gradientTable} reads it as 0 for a b0 volume and refuses it otherwise,
 * and {@linkcode loadGradients} names its line).
 *
 * @param text The file's content.
 * @param source Name for error messages. @default "bvecs"
 * @returns Row-major N x 3 directions.
 * @example
 * parseBvecs("0 1 0\n0 0 1\n0 0 0\n"); // Float64Array [0, 0, 0, 1, 0, 0, 0, 1, 0]
 */
export function parseBvecs(text: string, source = "bvecs"): Float64Array {
  return parseBvecsAt(text, source).bvecs;
}

/**
 * Read an FSL `.bval` file (see {@linkcode parseBvals}).
 *
 * @example
 * const bvals = await readBvals("dwi.bval"); // Float64Array [0, 1000, ...]
 */
export async function readBvals(path: string): Promise<Float64Array> {
  return parseBvals(await readText(path), path);
}

/**
 * Read an FSL `.bvec` file (see {@linkcode parseBvecs}); returns row-major N x 3 directions.
 *
 * @example
 * const bvecs = await readBvecs("dwi.bvec"); // length 3·N
 */
export async function readBvecs(path: string): Promise<Float64Array> {
  return parseBvecs(await readText(path), path);
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new DmriError(path, "file not found");
    throw new DmriError(path, `cannot read (${(e as Error).message})`);
  }
}

/**
 * Build a {@linkcode GradientTable} from b-values and b-vectors (dipy's `gradient_table`, stricter).
 *
 * Volume n is a b0 image when b_n ≤ b0Threshold. A row with |‖g_n‖ − 1| > atol gets g_n = 0 and b_n = 0
 * when it is a b0 image and is an error otherwise. A b0 image's vector may be three NaNs (dipy's FSL
 * convention, read as 0). Anything else that is not a number is a {@linkcode DmriError}: a NaN, infinite
 * or negative b-value, an infinite b-vector entry, or a NaN entry in the vector of a diffusion-weighted
 * volume or beside numbers (dipy would turn a NaN b-value into 0, making a diffusion volume a b0).
 *
 * @param bvals One b-value per volume, s/mm².
 * @param bvecs Row-major N x 3 directions.
 * @example
 * const gtab = gradientTable(bvals, bvecs, { b0Threshold: 50 });
 */
export function gradientTable(
  bvals: ArrayLike<number>,
  bvecs: ArrayLike<number>,
  options: GradientTableOptions = {},
): GradientTable {
  const { b0Threshold = 50, atol = 0.01, source = "gradient table" } = options;
  const n = bvals.length;
  if (bvecs.length !== 3 * n) {
    throw new DmriError(source, `${n} b-values but ${bvecs.length / 3} b-vectors`);
  }
  if (!(b0Threshold >= 0) || !Number.isFinite(b0Threshold)) {
    throw new DmriError(source, `b0Threshold must be finite and ≥ 0, got ${b0Threshold}`);
  }
  if (!(atol >= 0 && atol < 1)) throw new DmriError(source, `atol must be in [0, 1), got ${atol}`);
  const outVals = new Float64Array(n);
  const outVecs = new Float64Array(3 * n);
  const b0Mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = bvals[i];
    if (!Number.isFinite(b)) throw new DmriError(source, `b-value ${i} is ${b}`);
    if (b < 0) throw new DmriError(source, `b-value ${i} is negative (${b})`);
    b0Mask[i] = b <= b0Threshold ? 1 : 0;
    const raw = [bvecs[3 * i], bvecs[3 * i + 1], bvecs[3 * i + 2]];
    const nans = raw.filter(Number.isNaN).length;
    if (raw.some((x) => x === Infinity || x === -Infinity)) {
      throw new DmriError(source, `b-vector ${i} (${raw.join(", ")}) is not finite`);
    }
    if (nans > 0 && (nans < 3 || !b0Mask[i])) {
      throw new DmriError(
        source,
        `b-vector ${i} (${
          raw.join(", ")
        }) has NaN entries (only a b0 volume's vector may be all NaN; b = ${b})`,
      );
    }
    const g = nans === 3 ? [0, 0, 0] : raw;
    const norm = Math.hypot(g[0], g[1], g[2]);
    const unit = Math.abs(norm - 1) <= atol;
    if (!unit && !b0Mask[i]) {
      throw new DmriError(source, `b-vector ${i} has norm ${norm.toPrecision(4)}, not 1 (b = ${b})`);
    }
    outVals[i] = unit ? b : 0;
    for (let a = 0; a < 3; a++) outVecs[3 * i + a] = unit ? g[a] : 0;
  }
  return { bvals: outVals, bvecs: outVecs, count: n, b0Threshold, b0Mask, source, atol };
}

/**
 * Read a `.bval` / `.bvec` pair and build the {@linkcode GradientTable}; with `volumes`, check that the
 * table has one entry per DWI volume. Every problem is a {@linkcode DmriError} naming the file, and for a
 * bad value its line and entry: an unparsable token, a `nan` or infinite b-value, a negative b-value, an
 * infinite b-vector entry, a `nan` in the b-vector of a diffusion-weighted volume (b > b0Threshold) or a
 * partly-`nan` b-vector; b-value and b-vector counts that differ, or differ from `volumes`.
 *
 * @param bvalPath The FSL `.bval` file.
 * @param bvecPath The FSL `.bvec` file.
 * @example
 * const gtab = await loadGradients("dwi.bval", "dwi.bvec", { volumes: dwi.shape[3] });
 */
export async function loadGradients(
  bvalPath: string,
  bvecPath: string,
  options: LoadGradientsOptions = {},
): Promise<GradientTable> {
  const [bvalText, bvecText] = await Promise.all([readText(bvalPath), readText(bvecPath)]);
  const bvals = parseBvals(bvalText, bvalPath);
  const { bvecs, where } = parseBvecsAt(bvecText, bvecPath);
  if (bvecs.length !== 3 * bvals.length) {
    throw new DmriError(
      bvecPath,
      `has ${bvecs.length / 3} b-vectors but ${bvalPath} has ${bvals.length} b-values`,
    );
  }
  if (options.volumes !== undefined && options.volumes !== bvals.length) {
    throw new DmriError(bvalPath, `has ${bvals.length} b-values but the DWI has ${options.volumes} volumes`);
  }
  // NaN entries are only known to be wrong here, beside the b-values; name their place in the file.
  const b0Threshold = options.b0Threshold ?? 50;
  for (let i = 0; i < bvals.length; i++) {
    const nans = [0, 1, 2].filter((a) => Number.isNaN(bvecs[3 * i + a]));
    if (nans.length === 0) continue;
    if (nans.length < 3) {
      throw new DmriError(bvecPath, `${where(i, nans[0])} in a b-vector with numbers (volume ${i})`);
    }
    if (bvals[i] > b0Threshold) {
      throw new DmriError(
        bvecPath,
        `${where(i, 0)} is the b-vector of a diffusion-weighted volume (volume ${i}, b = ${bvals[i]} in ` +
          `${bvalPath}); only a b0 volume (b ≤ ${b0Threshold}) may have a nan vector`,
      );
    }
  }
  return gradientTable(bvals, bvecs, { ...options, source: options.source ?? `${bvalPath} + ${bvecPath}` });
}
