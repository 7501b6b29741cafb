/**
 * The float64 affine of a NIfTI-1 file written by cam-dmri, kept in a comment extension because the
 * sform stores float32. Readers use it only while it still rounds to the file's chosen sform.
 *
 * @module
 */

import type { NiftiExtension, NiftiHeader } from "./header.ts";

const PREFIX = "cam-dmri:affine=";
const COMMENT = 6;

/** True for the extension {@link affineExtension} makes. */
export function isAffineExtension(e: NiftiExtension): boolean {
  if (e.code !== COMMENT || e.data.length < PREFIX.length) return false;
  for (let i = 0; i < PREFIX.length; i++) if (e.data[i] !== PREFIX.charCodeAt(i)) return false;
  return true;
}

/** A comment extension holding the affine's 12 top entries as JSON. */
export function affineExtension(affine: number[][]): NiftiExtension {
  const text = PREFIX + JSON.stringify(affine.slice(0, 3).map((r) => r.slice(0, 4)));
  return { code: COMMENT, label: "comment", data: new TextEncoder().encode(text) };
}

/**
 * The exact affine from the extension, if present, well formed, the header's sform is the chosen
 * affine (sform_code ≠ 0), and every entry rounds to the stored float32 sform; else undefined.
 */
export function exactAffine(extensions: NiftiExtension[], header: NiftiHeader): number[][] | undefined {
  if (header.version !== 1 || header.sformCode === 0) return undefined;
  const ext = extensions.find(isAffineExtension);
  if (!ext) return undefined;
  let rows: unknown;
  try {
    const text = new TextDecoder().decode(ext.data).replace(/\0+$/, "");
    rows = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return undefined;
  }
  const srows = [header.srowX, header.srowY, header.srowZ];
  if (!Array.isArray(rows) || rows.length !== 3) return undefined;
  for (let r = 0; r < 3; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== 4) return undefined;
    for (let c = 0; c < 4; c++) {
      if (typeof row[c] !== "number" || !Number.isFinite(row[c]) || Math.fround(row[c]) !== srows[r][c]) {
        return undefined;
      }
    }
  }
  return [...(rows as number[][]).map((r) => r.slice()), [0, 0, 0, 1]];
}
