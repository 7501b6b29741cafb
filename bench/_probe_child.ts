/**
 * The process that runs probe cases for bench/probe.ts: reads the case list (a JSON file), runs cases from
 * index `start` on, and prints one JSON line before each case (`{"start": i}`) and one after it (the
 * outcome). When this process dies or stalls, the parent knows which case did it and restarts after it.
 *
 * Usage: deno run ... bench/_probe_child.ts CASES.json START [END]
 *
 * @module
 */
import { readNifti, readNiftiHeader } from "../lib/nifti/mod.ts";
import { fitTensor, loadGradients } from "../lib/dmri/mod.ts";
import type { ProbeCase } from "./probe.ts";

/** Peak resident memory of this process so far, bytes (VmHWM), or NaN where /proc is unavailable. */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Sum and sum of squares of finite values, count of non-finite: a fingerprint to compare with a peer. */
function fingerprint(data: ArrayLike<number | bigint>): { n: number; sum: number; nonFinite: number } {
  let sum = 0, nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (Number.isFinite(v)) sum += v;
    else nonFinite++;
  }
  return { n: data.length, sum, nonFinite };
}

async function run(c: ProbeCase): Promise<Record<string, unknown>> {
  switch (c.action) {
    case "nifti": {
      const v = await readNifti(c.path!, c.options ?? {});
      return { shape: v.shape, ...fingerprint(v.data as ArrayLike<number>) };
    }
    case "nifti-header": {
      const h = await readNiftiHeader(c.path!);
      return { shape: h.shape };
    }
    case "dmri": {
      const dwi = await readNifti(c.path!);
      const gtab = await loadGradients(c.bval!, c.bvec!, { volumes: dwi.shape[3] });
      const fit = fitTensor(dwi, gtab, c.options ?? {});
      const fa = fit.fa.data as Float32Array;
      // NaN travels as null in JSON: the judge reads null as NaN
      return { shape: fit.fa.shape, fa: Array.from(fa.slice(0, 8)), ...fingerprint(fa) };
    }
    default:
      throw new Error(`unknown probe action ${c.action}`);
  }
}

const [casesFile, startArg, endArg] = Deno.args;
const cases: ProbeCase[] = JSON.parse(await Deno.readTextFile(casesFile));
const start = Number(startArg ?? 0), end = Number(endArg ?? cases.length);
for (let i = start; i < end; i++) {
  console.log(JSON.stringify({ start: i }));
  const t0 = performance.now();
  let line: Record<string, unknown>;
  try {
    const got = await run(cases[i]);
    line = { i, result: "value", ...got };
  } catch (e) {
    const err = e as Error;
    line = {
      i,
      result: "error",
      errorName: err?.name ?? typeof e,
      message: String(err?.message ?? e).slice(0, 300),
    };
  }
  console.log(JSON.stringify({ ...line, ms: Math.round(performance.now() - t0), peakRss: peakRss() }));
}
