/**
 * Result tables: arquero tables saved as CSV and Arrow (atomically), and loaded back.
 *
 * @module
 */
import * as aq from "arquero";
import { atomicWrite, atomicWriteText } from "./atomic.ts";

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

/** Save `table` as `<base>.csv` and `<base>.arrow` (Arrow IPC file), each atomically. */
export async function saveTable(table: Table, base: string): Promise<void> {
  await atomicWriteText(`${base}.csv`, table.toCSV());
  await atomicWrite(`${base}.arrow`, aq.toArrowIPC(table, { format: "file" }) as Uint8Array);
}

/** Load `<base>.arrow` if present, else `<base>.csv`; `undefined` when neither exists. */
export async function loadTable(base: string): Promise<Table | undefined> {
  try {
    return aq.fromArrow(await Deno.readFile(`${base}.arrow`));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  try {
    return aq.fromCSV(await Deno.readTextFile(`${base}.csv`));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
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
