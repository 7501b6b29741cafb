/**
 * Result tables: arquero tables saved as CSV and Arrow (atomically, with their size and SHA-256 returned for
 * the manifest), and loaded back (checked against those digests when given; a file that does not decode is an
 * {@linkcode IntegrityError} naming it).
 *
 * @module
 */
import * as aq from "arquero";
import { atomicWrite, checkDigest, digestBytes, type FileDigest, IntegrityError } from "../fs.ts";

/** An arquero table. */
export type Table = ReturnType<typeof aq.table>;

/** Build an arquero table from row objects (columns are the union of the rows' keys, in first-seen order). */
export function tableFromRows(rows: Record<string, unknown>[]): Table {
  const columns: Record<string, unknown[]> = {};
  const names: string[] = [];
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!(k in columns)) {
        columns[k] = [];
        names.push(k);
      }
    }
  }
  for (const k of names) columns[k] = rows.map((r) => (k in r ? r[k] : null));
  return aq.table(columns);
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Save `table` as `<base>.csv` and `<base>.arrow` (Arrow IPC file), each atomically.
 *
 * @returns size and SHA-256 of each file written, by file name (`results.csv`, `results.arrow`).
 */
export async function saveTable(table: Table, base: string): Promise<Record<string, FileDigest>> {
  const csv = new TextEncoder().encode(table.toCSV());
  const arrow = aq.toArrowIPC(table, { format: "file" }) as Uint8Array;
  await atomicWrite(`${base}.csv`, csv);
  await atomicWrite(`${base}.arrow`, arrow);
  return { [fileName(`${base}.csv`)]: digestBytes(csv), [fileName(`${base}.arrow`)]: digestBytes(arrow) };
}

/** Options of {@linkcode loadTable}. */
export interface LoadTableOptions {
  /**
   * Digests by file name (as {@linkcode saveTable} returns them): the file read must match its digest.
   * @default no check
   */
  expected?: Record<string, FileDigest>;
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new IntegrityError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Load `<base>.arrow` if present, else `<base>.csv`; `undefined` when neither exists.
 *
 * @throws {IntegrityError} naming the file when it does not match its expected digest or does not decode.
 */
export async function loadTable(base: string, options: LoadTableOptions = {}): Promise<Table | undefined> {
  for (const ext of ["arrow", "csv"]) {
    const path = `${base}.${ext}`;
    const bytes = await readIfExists(path);
    if (bytes === undefined) continue;
    const expected = options.expected?.[fileName(path)];
    if (expected) checkDigest(path, bytes, expected);
    try {
      return ext === "arrow" ? aq.fromArrow(bytes) : aq.fromCSV(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new IntegrityError(
        path,
        `not a readable ${ext === "arrow" ? "Arrow IPC" : "CSV"} table (${(e as Error).message})`,
        { cause: e },
      );
    }
  }
  return undefined;
}

/** Concatenate tables whose columns may differ (missing columns become null). */
export function concatTables(tables: Table[]): Table {
  const rows: Record<string, unknown>[] = [];
  for (const t of tables) rows.push(...(t.objects() as Record<string, unknown>[]));
  return tableFromRows(rows);
}

/** The rows of a table as plain objects. */
export function rowsOf(table: Table): Record<string, unknown>[] {
  return table.objects() as Record<string, unknown>[];
}
