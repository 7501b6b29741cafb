/**
 * `deno task probe`: the reliability probe behind the README's reliability table. It generates bad input
 * from a seed (crafted and corrupted NIfTI files, bad gradient tables and samples), runs every case in a
 * child process that is restarted after a crash, under a per-case time limit, and sorts each outcome:
 *
 * - **handled**: a typed error (`NiftiError`, `DmriError`) or the right value;
 * - **crash**: any other exception (a raw `RangeError`, `TypeError`, ...) or a dead process;
 * - **hang**: no answer within the time limit;
 * - **wrong**: a value where an error was due (a bad gradient table that fits), a value that disagrees with
 *   the truth the case was built from, or, for NIfTI, with nibabel reading the same file (when Debian's
 *   python3-nibabel is installed);
 * - **memory**: peak RSS of a case run alone over its bound (2x the declared image + 100 MB of runtime).
 *
 * Usage: `deno task probe [--area nifti,dmri] [--seed N] [--timeout S] [--json out.jsonl] [--keep DIR]`
 *
 * Prints a markdown table (one row per area) and exits non-zero when any case crashed, hung, was wrong or
 * blew its memory bound. tests/probe_test.ts runs it, so the README's table stays true.
 *
 * @module
 */
import { encodeNifti, volumeFrom } from "../lib/nifti/mod.ts";
import { tensorFromEigen, tensorSignal } from "../lib/dmri/mod.ts";
import { gzipSync } from "node:zlib";
import { Rng } from "../lib/data/mod.ts";

/** One probe case, as the child process reads it. */
export interface ProbeCase {
  /** Area of the README table. */
  area: "nifti" | "dmri";
  /** What the case does, for the report. */
  name: string;
  /** What the child runs. */
  action: "nifti" | "nifti-header" | "dmri";
  path?: string;
  bval?: string;
  bvec?: string;
  options?: Record<string, unknown>;
  /** The typed error that counts as handled. */
  errorName: string;
  /** What a value must be: "any" (checked against nibabel when it can), "error" (a value is wrong), or FA. */
  expect: "any" | "error" | { fa: number; nanVoxel?: number; tol: number };
  /** Run alone in its own process so that its peak RSS can be judged against `maxRss`. */
  isolate?: boolean;
  /** Bound on the peak RSS of the process, bytes (isolated cases). */
  maxRss?: number;
}

/** How one case ended. */
export type ProbeOutcome = "handled" | "crash" | "hang" | "wrong" | "memory";

/** A seeded uniform generator in [0, 1) (the project's one RNG, lib/data's sfc32). */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

const RUNTIME_RSS = 100 * 2 ** 20;

// NIfTI-1 header offsets
const DIM = 40, DATATYPE = 70, BITPIX = 72, PIXDIM = 76, VOX_OFFSET = 108, SCL_SLOPE = 112, MAGIC = 344;

/** Crafted and corrupted NIfTI files in `dir`. */
export async function niftiCases(dir: string, seed: number): Promise<ProbeCase[]> {
  const r = rng(seed);
  const shape = [12, 10, 8];
  const data = new Int16Array(12 * 10 * 8).map(() => Math.floor((r() - 0.5) * 2000));
  const base = encodeNifti(volumeFrom(data, shape));
  const cases: ProbeCase[] = [];
  let k = 0;
  const add = async (name: string, bytes: Uint8Array, extra: Partial<ProbeCase> = {}, ext = ".nii") => {
    const path = `${dir}/nifti_${String(k++).padStart(3, "0")}${ext}`;
    await Deno.writeFile(path, bytes);
    cases.push({
      area: "nifti",
      name,
      action: "nifti",
      path,
      errorName: "NiftiError",
      expect: "any",
      ...extra,
    });
  };
  const edit = (f: (v: DataView) => void) => {
    const b = base.slice();
    f(new DataView(b.buffer));
    return b;
  };
  await add("valid int16 .nii", base);
  await add("valid int16 .nii.gz", gzipSync(base), {}, ".nii.gz");
  for (const at of [0, 1, 100, 347, 348, 351, 352, 352 + 500, base.length - 1]) {
    await add(`truncated at byte ${at}`, base.slice(0, at));
    await add(`truncated at byte ${at} (.gz)`, gzipSync(base.slice(0, at)), {}, ".nii.gz");
  }
  const gz = gzipSync(base);
  for (const at of [5, 10, 20, Math.floor(gz.length / 2), gz.length - 8, gz.length - 1]) {
    await add(`gzip stream cut at byte ${at}`, gz.slice(0, at), {}, ".nii.gz");
  }
  const header: [string, (v: DataView) => void][] = [
    ["dim[0] = 0", (v) => v.setInt16(DIM, 0, true)],
    ["dim[0] = 8", (v) => v.setInt16(DIM, 8, true)],
    ["dim[0] = -1", (v) => v.setInt16(DIM, -1, true)],
    ["dim[1] = 0", (v) => v.setInt16(DIM + 2, 0, true)],
    ["dim[1] = -5", (v) => v.setInt16(DIM + 2, -5, true)],
    ["dims 32767³ (declares 70 TB)", (v) => [1, 2, 3].forEach((i) => v.setInt16(DIM + 2 * i, 32767, true))],
    ["datatype 0", (v) => v.setInt16(DATATYPE, 0, true)],
    ["datatype 9999", (v) => v.setInt16(DATATYPE, 9999, true)],
    ["bitpix disagrees with datatype", (v) => v.setInt16(BITPIX, 64, true)],
    ["vox_offset 3e9", (v) => v.setFloat32(VOX_OFFSET, 3e9, true)],
    ["vox_offset -1", (v) => v.setFloat32(VOX_OFFSET, -1, true)],
    ["vox_offset NaN", (v) => v.setFloat32(VOX_OFFSET, NaN, true)],
    ["vox_offset 1e20", (v) => v.setFloat32(VOX_OFFSET, 1e20, true)],
    ["vox_offset 0 (inside the header)", (v) => v.setFloat32(VOX_OFFSET, 0, true)],
    ["scl_slope 1e38", (v) => v.setFloat32(SCL_SLOPE, 1e38, true)],
    ["scl_slope NaN (unscaled, as nibabel)", (v) => v.setFloat32(SCL_SLOPE, NaN, true)],
    ["scl_slope inf", (v) => v.setFloat32(SCL_SLOPE, Infinity, true)],
    ["pixdim NaN", (v) => v.setFloat32(PIXDIM + 4, NaN, true)],
    ["magic 'xx1'", (v) => v.setUint8(MAGIC, 120)],
    ["sizeof_hdr 0", (v) => v.setInt32(0, 0, true)],
    ["sizeof_hdr 540 in a NIfTI-1 file", (v) => v.setInt32(0, 540, true)],
  ];
  for (const [name, f] of header) await add(name, edit(f));
  for (const [name, f] of header.slice(0, 10)) await add(`${name} (.gz)`, gzipSync(edit(f)), {}, ".nii.gz");
  for (let i = 0; i < 30; i++) {
    const b = base.slice();
    const flips = 1 + Math.floor(r() * 4);
    for (let j = 0; j < flips; j++) b[Math.floor(r() * 352)] ^= 1 << Math.floor(r() * 8);
    await add(`header bit flips, seed ${seed}/${i}`, b);
  }
  for (let i = 0; i < 8; i++) {
    const b = gz.slice();
    b[10 + Math.floor(r() * (b.length - 10))] ^= 1 << Math.floor(r() * 8);
    await add(`gzip stream bit flip, seed ${seed}/${i}`, b, {}, ".nii.gz");
  }
  await add("empty file", new Uint8Array(0));
  await add("empty file (.gz)", new Uint8Array(0), {}, ".nii.gz");
  await add("not gzip at all (.gz)", base, {}, ".nii.gz");
  await add(
    "two gzip members",
    new Uint8Array([...gzipSync(base.slice(0, 400)), ...gzipSync(base.slice(400))]),
    {},
    ".nii.gz",
  );
  await add("trailing garbage after the gzip member", new Uint8Array([...gz, 1, 2, 3, 4, 5]), {}, ".nii.gz");
  // Memory: each alone in a process, peak RSS judged against what the header declares.
  const small = 12 * 10 * 8 * 2;
  const bomb = new Uint8Array(base.length + 512 * 2 ** 20);
  bomb.set(base);
  await add("gzip bomb: declares 2 KB, inflates to 512 MB", gzipSync(bomb, { level: 1 }), {
    isolate: true,
    maxRss: 2 * small + RUNTIME_RSS,
  }, ".nii.gz");
  const far = edit((v) => v.setFloat32(VOX_OFFSET, 3e9, true));
  await add("header-only read, vox_offset 3e9 (.gz)", gzipSync(far), {
    action: "nifti-header",
    isolate: true,
    maxRss: RUNTIME_RSS,
  }, ".nii.gz");
  const huge = edit((v) => [1, 2, 3].forEach((i) => v.setInt16(DIM + 2 * i, 32767, true)));
  await add("declares 70 TB (.gz)", gzipSync(huge), { isolate: true, maxRss: RUNTIME_RSS }, ".nii.gz");
  const dirPath = `${dir}/a_directory.nii`;
  await Deno.mkdir(dirPath, { recursive: true });
  cases.push({
    area: "nifti",
    name: "a directory",
    action: "nifti",
    path: dirPath,
    errorName: "NiftiError",
    expect: "any",
  });
  cases.push({
    area: "nifti",
    name: "a missing file",
    action: "nifti",
    path: `${dir}/missing.nii`,
    errorName: "NiftiError",
    expect: "any",
  });
  return cases;
}

/** Bad gradient tables and samples, with a DWI simulated from one known tensor (FA of the truth). */
export async function dmriCases(dir: string, seed: number): Promise<ProbeCase[]> {
  const r = rng(seed);
  const cases: ProbeCase[] = [];
  const evals = [1.7e-3, 0.3e-3, 0.3e-3];
  const mean = (evals[0] + evals[1] + evals[2]) / 3;
  const fa = Math.sqrt(
    1.5 * evals.reduce((s, l) => s + (l - mean) ** 2, 0) / evals.reduce((s, l) => s + l * l, 0),
  );
  const dirs = (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      // golden-spiral directions on the half sphere: well spread, none collinear
      const z = 1 - (i + 0.5) / n, rho = Math.sqrt(1 - z * z), phi = i * Math.PI * (3 - Math.sqrt(5));
      out.push(rho * Math.cos(phi), rho * Math.sin(phi), z);
    }
    return out;
  };
  let k = 0;
  const add = async (
    name: string,
    bvals: number[],
    bvecs: number[],
    expect: ProbeCase["expect"],
    o: { bvalText?: string; bvecText?: string; sampleNaN?: boolean } = {},
  ) => {
    const stem = `${dir}/dmri_${String(k++).padStart(3, "0")}`;
    const n = bvals.length;
    // simulate from the table as the scanner would have acquired it (finite values only)
    const clean = bvals.map((b) => (Number.isFinite(b) && b >= 0 && b < 1e5 ? b : 1000));
    const vecs = bvecs.map((x) => (Number.isFinite(x) ? x : 0));
    const unitVecs: number[] = [];
    for (let i = 0; i < n; i++) {
      const [x, y, z] = vecs.slice(3 * i, 3 * i + 3);
      const m = Math.hypot(x, y, z) || 1;
      unitVecs.push(x / m, y / m, z / m);
    }
    const d = tensorFromEigen(evals, [r() - 0.5, r() - 0.5, r() - 0.5]);
    const s = tensorSignal(d, { bvals: Float64Array.from(clean), bvecs: Float64Array.from(unitVecs) }, {
      s0: 1000,
    });
    const voxels = 4;
    const data = new Float32Array(voxels * n);
    for (let v = 0; v < voxels; v++) for (let i = 0; i < n; i++) data[i * voxels + v] = s[i];
    if (o.sampleNaN) data[3 * voxels + 1] = NaN; // voxel 1, volume 3
    await Deno.writeFile(`${stem}.nii`, encodeNifti(volumeFrom(data, [2, 2, 1, n])));
    await Deno.writeTextFile(`${stem}.bval`, o.bvalText ?? bvals.join(" ") + "\n");
    const rows = [0, 1, 2].map((a) => Array.from({ length: n }, (_, i) => bvecs[3 * i + a]).join(" "));
    await Deno.writeTextFile(`${stem}.bvec`, o.bvecText ?? rows.join("\n") + "\n");
    cases.push({
      area: "dmri",
      name,
      action: "dmri",
      path: `${stem}.nii`,
      bval: `${stem}.bval`,
      bvec: `${stem}.bvec`,
      errorName: "DmriError",
      expect,
    });
  };
  const good = { fa, tol: 1e-3 };
  const b = (n: number, v = 1000) => [0, ...Array(n).fill(v)];
  const g = (n: number) => [0, 0, 0, ...dirs(n)];
  await add("valid: 1 b0 + 30 directions", b(30), g(30), good);
  await add("valid: 2 shells (1000, 2000)", [0, ...Array(15).fill(1000), ...Array(15).fill(2000)], [
    0,
    0,
    0,
    ...dirs(15),
    ...dirs(15),
  ], good);
  await add("a NaN sample in one voxel", b(30), g(30), { fa, nanVoxel: 1, tol: 1e-3 }, { sampleNaN: true });
  const nanAt = b(30).map((x, i) => (i === 7 ? NaN : x));
  await add("nan b-value", nanAt, g(30), "error");
  await add("inf b-value", b(30).map((x, i) => (i === 3 ? Infinity : x)), g(30), "error");
  await add("b-value 1e300", b(30).map((x, i) => (i === 3 ? 1e300 : x)), g(30), "error");
  await add("negative b-value", b(30).map((x, i) => (i === 3 ? -1000 : x)), g(30), "error");
  await add("nan in a diffusion b-vector", b(30), g(30).map((x, i) => (i === 10 ? NaN : x)), "error");
  await add("inf in a b-vector", b(30), g(30).map((x, i) => (i === 10 ? Infinity : x)), "error");
  await add("unparsable token in bval", b(30), g(30), "error", { bvalText: "0 1000 abc\n" });
  await add("b-vector of norm 2", b(30), g(30).map((x, i) => (i >= 6 && i < 9 ? 2 * x : x)), "error");
  await add("all b0", Array(31).fill(0), Array(93).fill(0), "error");
  await add("5 directions", b(5), g(5), "error");
  const collinear = [
    0,
    0,
    0,
    ...Array.from({ length: 30 }, (_, i) => (i % 2 ? [1, 0, 0] : [-1, 0, 0])).flat(),
  ];
  await add("30 collinear directions", b(30), collinear, "error");
  const coplanar: number[] = [0, 0, 0];
  for (let i = 0; i < 30; i++) coplanar.push(Math.cos(i * Math.PI / 30), Math.sin(i * Math.PI / 30), 0);
  await add("30 coplanar directions", b(30), coplanar, "error");
  await add("no b0, one shell", Array(30).fill(1000), dirs(30), "error");
  await add("b-value count differs from volumes", b(30), g(30), "error", {
    bvalText: b(29).join(" ") + "\n",
  });
  await add("b-vector count differs", b(30), g(30), "error", {
    bvecText: [0, 1, 2].map(() => Array(20).fill(0.5).join(" ")).join("\n"),
  });
  await add("empty bval file", b(30), g(30), "error", { bvalText: "" });
  return cases;
}

interface Row {
  i: number;
  result?: "value" | "error";
  errorName?: string;
  message?: string;
  peakRss?: number;
  ms?: number;
  shape?: number[];
  n?: number;
  sum?: number;
  nonFinite?: number;
  fa?: number[];
}

/** Runs `cases[from..to)` in one child, restarting after a death or a stall; returns a row per case. */
async function runCases(
  casesFile: string,
  from: number,
  to: number,
  timeoutS: number,
): Promise<Map<number, Row | "crash" | "hang">> {
  const out = new Map<number, Row | "crash" | "hang">();
  let next = from;
  while (next < to) {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        "--allow-ffi",
        "--allow-sys",
        new URL("./_probe_child.ts", import.meta.url).pathname,
        casesFile,
        String(next),
        String(to),
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    let current = -1;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stalled = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, timeoutS * 1000);
    };
    arm();
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let m: Row & { start?: number };
        try {
          m = JSON.parse(line);
        } catch {
          continue;
        }
        if (m.start !== undefined) {
          current = m.start;
          arm();
        } else {
          out.set(m.i, m);
          next = m.i + 1;
          current = -1;
        }
      }
    }
    clearTimeout(timer);
    await child.status;
    if (current >= 0) {
      out.set(current, stalled ? "hang" : "crash");
      next = current + 1;
    } else if (next < to && !out.has(next)) {
      out.set(next, "crash"); // died before starting the case
      next++;
    }
  }
  return out;
}

/** What nibabel makes of each file: shape and value fingerprint, or its exception; null without nibabel. */
async function nibabelReads(
  paths: string[],
): Promise<
  Map<string, { shape?: number[]; n?: number; sum?: number; nonFinite?: number; error?: string }> | null
> {
  const script = `
import json, sys, numpy as np
import nibabel as nib
for p in sys.argv[1:]:
    try:
        img = nib.load(p)
        a = np.asarray(img.dataobj)
        if np.iscomplexobj(a): a = np.abs(a)
        a = a.astype(np.float64).ravel()
        fin = np.isfinite(a)
        print(json.dumps({"path": p, "shape": list(img.shape), "n": int(a.size), "sum": float(a[fin].sum()), "nonFinite": int((~fin).sum())}))
    except BaseException as e:
        print(json.dumps({"path": p, "error": type(e).__name__}))
`;
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", script, ...paths],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    const map = new Map();
    for (const line of new TextDecoder().decode(out.stdout).trim().split("\n")) {
      const m = JSON.parse(line);
      map.set(m.path, m);
    }
    return map;
  } catch {
    return null;
  }
}

/** Sorts one case's outcome (see the module docs). */
export function judge(
  c: ProbeCase,
  row: Row | "crash" | "hang",
  peer?: { shape?: number[]; n?: number; sum?: number; nonFinite?: number; error?: string },
): { outcome: ProbeOutcome; note: string } {
  if (row === "crash" || row === "hang") {
    return { outcome: row, note: `process ${row === "crash" ? "died" : "stalled"}` };
  }
  if (c.isolate && c.maxRss && row.peakRss! > c.maxRss) {
    return {
      outcome: "memory",
      note: `peak RSS ${(row.peakRss! / 2 ** 20).toFixed(0)} MB > ${(c.maxRss / 2 ** 20).toFixed(0)} MB`,
    };
  }
  if (row.result === "error") {
    return row.errorName === c.errorName
      ? { outcome: "handled", note: `${row.errorName}: ${row.message}` }
      : { outcome: "crash", note: `${row.errorName}: ${row.message}` };
  }
  if (c.expect === "error") {
    return {
      outcome: "wrong",
      note: `a value (FA ${row.fa?.slice(0, 4).join(", ")}) where an error was due`,
    };
  }
  if (c.expect === "any") {
    if (!peer || peer.error) {
      return { outcome: "handled", note: peer ? `read (nibabel: ${peer.error})` : "read" };
    }
    const same = JSON.stringify(peer.n) === JSON.stringify(row.n) && peer.nonFinite === row.nonFinite &&
      Math.abs(peer.sum! - row.sum!) <= 1e-5 * Math.max(1, Math.abs(peer.sum!));
    return same ? { outcome: "handled", note: "read, same values as nibabel" } : {
      outcome: "wrong",
      note: `differs from nibabel (n ${row.n} vs ${peer.n}, sum ${row.sum} vs ${peer.sum})`,
    };
  }
  const want = c.expect;
  const got = row.fa ?? [];
  for (let v = 0; v < 4; v++) {
    if (v === want.nanVoxel) {
      if (got[v] != null && !Number.isNaN(got[v])) {
        return { outcome: "wrong", note: `voxel ${v} with a NaN sample has FA ${got[v]}` };
      }
    } else if (got[v] == null || !(Math.abs(got[v] - want.fa) <= want.tol)) {
      return { outcome: "wrong", note: `voxel ${v} FA ${got[v]}, truth ${want.fa.toFixed(4)}` };
    }
  }
  return { outcome: "handled", note: "FA matches the truth" };
}

/** Options of {@link runProbe}. */
export interface ProbeOptions {
  /** Areas to probe. @default ["nifti", "dmri"] */
  areas?: ("nifti" | "dmri")[];
  /** Seed of the generated cases. @default 1 */
  seed?: number;
  /** Seconds a case may take. @default 30 */
  timeoutS?: number;
  /** Folder for the generated files (kept). @default a temporary folder, removed */
  keep?: string;
}

/** One probed case and its outcome. */
export interface ProbeResult {
  area: string;
  name: string;
  outcome: ProbeOutcome;
  note: string;
}

/** Generates the cases, runs them, and judges every outcome. */
export async function runProbe(options: ProbeOptions = {}): Promise<ProbeResult[]> {
  const { areas = ["nifti", "dmri"], seed = 1, timeoutS = 30 } = options;
  const dir = options.keep ?? await Deno.makeTempDir({ prefix: "cam-probe-" });
  await Deno.mkdir(dir, { recursive: true });
  try {
    const cases: ProbeCase[] = [];
    if (areas.includes("nifti")) cases.push(...await niftiCases(dir, seed));
    if (areas.includes("dmri")) cases.push(...await dmriCases(dir, seed));
    const casesFile = `${dir}/cases.json`;
    await Deno.writeTextFile(casesFile, JSON.stringify(cases));
    const rows = new Map<number, Row | "crash" | "hang">();
    let start = 0;
    for (let i = 0; i <= cases.length; i++) {
      // shared processes for ordinary cases; one process per isolated case (its own peak RSS)
      if (i === cases.length || cases[i].isolate) {
        if (i > start) { for (const [k, v] of await runCases(casesFile, start, i, timeoutS)) rows.set(k, v); }
        if (i < cases.length) {
          for (const [k, v] of await runCases(casesFile, i, i + 1, timeoutS)) rows.set(k, v);
        }
        start = i + 1;
      }
    }
    const peers = await nibabelReads(cases.filter((c) => c.area === "nifti" && c.path).map((c) => c.path!));
    return cases.map((c, i) => ({
      area: c.area,
      name: c.name,
      ...judge(c, rows.get(i) ?? "crash", c.area === "nifti" ? peers?.get(c.path!) : undefined),
    }));
  } finally {
    if (!options.keep) await Deno.remove(dir, { recursive: true });
  }
}

/** The README table: per area, cases tried and each outcome. */
export function probeTable(results: ProbeResult[]): string {
  const areas = [...new Set(results.map((r) => r.area))];
  const lines = [
    "| area | cases | handled | crashes | hangs | wrong results | over memory bound |",
    "| ---- | ----- | ------- | ------- | ----- | ------------- | ----------------- |",
  ];
  for (const a of areas) {
    const rs = results.filter((r) => r.area === a);
    const n = (o: ProbeOutcome) => rs.filter((r) => r.outcome === o).length;
    lines.push(
      `| ${a} | ${rs.length} | ${n("handled")} | ${n("crash")} | ${n("hang")} | ${n("wrong")} | ${
        n("memory")
      } |`,
    );
  }
  return lines.join("\n");
}

async function main() {
  const args = [...Deno.args];
  const opt = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const results = await runProbe({
    areas: opt("--area")?.split(",") as ("nifti" | "dmri")[] | undefined,
    seed: opt("--seed") ? Number(opt("--seed")) : undefined,
    timeoutS: opt("--timeout") ? Number(opt("--timeout")) : undefined,
    keep: opt("--keep"),
  });
  const json = opt("--json");
  if (json) await Deno.writeTextFile(json, results.map((r) => JSON.stringify(r)).join("\n") + "\n");
  for (const r of results) {
    if (r.outcome !== "handled" || args.includes("--verbose")) {
      console.log(`${r.outcome}: ${r.area}: ${r.name} — ${r.note}`);
    }
  }
  console.log(probeTable(results));
  Deno.exit(results.every((r) => r.outcome === "handled") ? 0 : 1);
}

if (import.meta.main) await main();
