/**
 * b-values, b-vectors and the gradient table (FSL text formats, dipy's conventions).
 *
 * @module
 */

import { DmriError } from "./errors.ts";

/**
 * One diffusion gradient per DWI volume, in acquisition order.
 *
 * Conventions are dipy 1.6's `gradient_table`: a volume with b ≤ `b0Threshold` is a b0 image; a row whose
 * b-vector is not unit (|‖g‖ − 1| > atol, e.g. the zero or `nan` vector of a b0) gets g = 0 and b = 0.
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

/** Split text into rows of numbers (whitespace, tab or comma separated); `nan` stays NaN. */
function parseRows(text: string, source: string): number[][] {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n|\r/);
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].replace(/#.*$/, "").trim();
    if (line === "") continue;
    const row: number[] = [];
    for (const token of line.split(/[\s,]+/)) {
      if (token === "") continue;
      if (NUMBER.test(token)) row.push(Number(token));
      else if (NAN.test(token)) row.push(NaN);
      else if (INF.test(token)) row.push(token.startsWith("-") ? -Infinity : Infinity);
      else throw new DmriError(source, `line ${l + 1}: '${token}' is not a number`);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Parse the text of an FSL `.bval` file: one row (or one column) of b-values, scientific notation allowed,
 * `nan` read as 0 (numpy's `nan_to_num`).
 *
 * @param text The file's content.
 * @param source Name for error messages. @default "bvals"
 * @returns One b-value per volume.
 */
export function parseBvals(text: string, source = "bvals"): Float64Array {
  const rows = parseRows(text, source);
  if (rows.length === 0) throw new DmriError(source, "no b-values");
  const flat = rows.length === 1 ? rows[0] : rows.every((r) => r.length === 1) ? rows.map((r) => r[0]) : null;
  if (flat === null) {
    throw new DmriError(source, `expected one row or one column of b-values, found ${rows.length} rows`);
  }
  const out = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const b = flat[i];
    if (!Number.isFinite(b) && !Number.isNaN(b)) throw new DmriError(source, `b-value ${i} is infinite`);
    if (b < 0) throw new DmriError(source, `b-value ${i} is negative (${b})`);
    out[i] = Number.isNaN(b) ? 0 : b;
  }
  return out;
}

/**
 * Parse the text of an FSL `.bvec` file: 3 rows of N (FSL) or N rows of 3; `nan` entries read as 0
 * (numpy's `nan_to_num`). A 3 x 3 file is read as FSL rows (one row per axis).
 *
 * @param text The file's content.
 * @param source Name for error messages. @default "bvecs"
 * @returns Row-major N x 3 directions.
 */
export function parseBvecs(text: string, source = "bvecs"): Float64Array {
  const rows = parseRows(text, source);
  if (rows.length === 0) throw new DmriError(source, "no b-vectors");
  const width = rows[0].length;
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].length !== width) {
      throw new DmriError(source, `rows differ in length (${width} and ${rows[r].length} numbers)`);
    }
  }
  let n: number;
  let at: (i: number, axis: number) => number;
  if (rows.length === 3) {
    n = width;
    at = (i, axis) => rows[axis][i];
  } else if (width === 3) {
    n = rows.length;
    at = (i, axis) => rows[i][axis];
  } else {
    throw new DmriError(source, `expected 3 rows (FSL) or 3 columns, found ${rows.length} x ${width}`);
  }
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const v = at(i, a);
      if (!Number.isFinite(v) && !Number.isNaN(v)) throw new DmriError(source, `b-vector ${i} is infinite`);
      out[3 * i + a] = Number.isNaN(v) ? 0 : v;
    }
  }
  return out;
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
 * Build a {@linkcode GradientTable} from b-values and b-vectors (dipy's `gradient_table`).
 *
 * Volume n is a b0 image when b_n ≤ b0Threshold. A row with |‖g_n‖ − 1| > atol gets g_n = 0 and b_n = 0
 * when it is a b0 image and is an error otherwise.
 *
 * @param bvals One b-value per volume.
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
  if (!(b0Threshold >= 0)) throw new DmriError(source, `b0Threshold must be ≥ 0, got ${b0Threshold}`);
  const outVals = new Float64Array(n);
  const outVecs = new Float64Array(3 * n);
  const b0Mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = Number.isNaN(bvals[i]) ? 0 : bvals[i];
    const g = [0, 1, 2].map((a) => (Number.isNaN(bvecs[3 * i + a]) ? 0 : bvecs[3 * i + a]));
    const norm = Math.hypot(g[0], g[1], g[2]);
    const unit = Math.abs(norm - 1) <= atol;
    b0Mask[i] = b <= b0Threshold ? 1 : 0;
    if (!unit && !b0Mask[i]) {
      throw new DmriError(source, `b-vector ${i} has norm ${norm.toPrecision(4)}, not 1 (b = ${b})`);
    }
    outVals[i] = unit ? b : 0;
    for (let a = 0; a < 3; a++) outVecs[3 * i + a] = unit ? g[a] : 0;
  }
  return { bvals: outVals, bvecs: outVecs, count: n, b0Threshold, b0Mask, source };
}

/**
 * Read a `.bval` / `.bvec` pair and build the {@linkcode GradientTable}; with `volumes`, check that the
 * table has one entry per DWI volume.
 *
 * @example
 * const gtab = await loadGradients("dwi.bval", "dwi.bvec", { volumes: dwi.shape[3] });
 */
export async function loadGradients(
  bvalPath: string,
  bvecPath: string,
  options: LoadGradientsOptions = {},
): Promise<GradientTable> {
  const [bvals, bvecs] = await Promise.all([readBvals(bvalPath), readBvecs(bvecPath)]);
  if (bvecs.length !== 3 * bvals.length) {
    throw new DmriError(
      bvecPath,
      `has ${bvecs.length / 3} b-vectors but ${bvalPath} has ${bvals.length} b-values`,
    );
  }
  if (options.volumes !== undefined && options.volumes !== bvals.length) {
    throw new DmriError(bvalPath, `has ${bvals.length} b-values but the DWI has ${options.volumes} volumes`);
  }
  return gradientTable(bvals, bvecs, { ...options, source: options.source ?? `${bvalPath} + ${bvecPath}` });
}
